import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';

const migrationsDir = fileURLToPath(new URL('./drizzle', import.meta.url));

/**
 * Three projects: pure functions (unit), the Node runtime against real SQLite files and
 * servers (node), and the same behaviour inside workerd with D1 (workers).
 * test/support/global-setup.ts starts the fixture feed server on 127.0.0.1 for all of them.
 */
export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    projects: [
      {
        // 30 s as for the other projects: a guard against a hang, not a speed goal (the
        // linear-time checks compare CPU times: test/support/linear-work.ts).
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            main: './workers/cloudflare.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(migrationsDir),
                HUB_ALLOW_PRIVATE_HOSTS: '1',
                HUB_ADMIN_TOKEN: 'test-admin-token',
                HUB_LOG_LEVEL: 'warn',
              },
              // A second D1, left empty by the set-up: migration tests apply the SQL files in
              // steps there, with data made by an earlier schema in between.
              d1Databases: ['MIGRATION_DB'],
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          setupFiles: ['./test/workers/apply-migrations.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
