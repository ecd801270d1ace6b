import { defineConfig } from 'drizzle-kit';

// Migrations are plain SQL in drizzle/: applied by drizzle's migrator on Node and by
// `wrangler d1 migrations apply` (migrations_dir = "drizzle") on Workers.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
