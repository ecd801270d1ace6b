import { applyD1Migrations, env } from 'cloudflare:test';

// The same SQL files as on Node (drizzle/), applied to this test file's D1.
await applyD1Migrations((env as any).DB, (env as any).TEST_MIGRATIONS);
