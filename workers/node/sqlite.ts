import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../src/db/schema/index.ts';
import type { Database, HubOrm, Statement } from '../../src/db/client.ts';

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/**
 * Opens (creating if needed) the SQLite file and applies pending migrations.
 * WAL + busy_timeout so the CLI can pull while `serve` is reading the same file.
 */
export function openSqlite(path: string): Database & { close(): void; raw: BetterSqlite3.Database } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  const orm = drizzle(raw, { schema });
  migrate(orm, { migrationsFolder });
  const batch = raw.transaction((statements: Statement[]) => {
    for (const s of statements) (s as unknown as { run(): unknown }).run();
  });
  return {
    orm: orm as unknown as HubOrm,
    raw,
    // SQLite allows 32,766; a few thousand keeps statements small enough to prepare quickly.
    maxParams: 4000,
    async batch(statements) {
      if (statements.length) batch(statements);
    },
    async ping() {
      try {
        raw.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    close: () => raw.close(),
  };
}
