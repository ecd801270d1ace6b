import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../src/db/schema/index.ts';
import {
  groupedWrites,
  type CommitGroup,
  type Database,
  type HubOrm,
  type Statement,
} from '../../src/db/client.ts';
import { checkpointInBackground, INLINE_FRAMES } from './checkpointer.ts';
import { groupCommit } from './group-commit.ts';
import { indexKeysOf } from './index-keys.ts';
import { threadCpuMs } from './thread-cpu.ts';

/**
 * The main thread's CPU in the store's batches (SQLite's work and binding the values), counted
 * only once a benchmark sets `timed` (bench/ingest prints it): reading the thread's clock
 * costs a few microseconds a batch.
 */
export const batchFigures = { timed: false, batches: 0, cpuMs: 0 };

/** Bytes per page of a new database file (see openSqlite). */
export const PAGE_SIZE = 8192;

/** Distinct SQL texts kept prepared (the store and the pull use a few dozen). */
const PREPARED_CACHE = 256;

/**
 * The project's `drizzle/` folder, found upwards from this module: it runs from its source
 * file (tests, tsx) or from the bundle bin/bundle.js writes in node_modules/.cache.
 */
function findMigrations(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`No drizzle/ migrations folder above ${from}`);
  }
}

export const migrationsFolder = findMigrations(dirname(fileURLToPath(import.meta.url)));

/**
 * A statement from SQL text, as batch() reads it. A class, not an object with a closure made
 * per statement: V8 optimised such closures anew again and again (bench:ingest --node-flag
 * --log-code: 11 TurboFan compilations of one `toSQL` in a 1,000-source pull).
 */
class RawStatement {
  constructor(
    private sql: string,
    private params: unknown[],
    /** Runs after the batch's savepoint (Database.rawStatement, `afterGuard`). */
    readonly afterGuard = false,
  ) {}

  toSQL(): { sql: string; params: unknown[] } {
    return { sql: this.sql, params: this.params };
  }
}

/**
 * Opens (creating if needed) the SQLite file and applies pending migrations.
 * WAL + busy_timeout so the CLI can pull while `serve` is reading the same file.
 */
export function openSqlite(
  path: string,
): Database & { close(): void; raw: BetterSqlite3.Database; commitGroup: CommitGroup } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path);
  // A new file gets 8 KB pages (SQLite's default is 4 KB; an existing file keeps its own: in WAL
  // mode only a new database takes the setting). A story's row (~3 KB with its search text) and
  // its text (~3 KB) fit a page more often instead of spilling to overflow pages, and a commit
  // writes half as many WAL frames for the same bytes, each frame two pwrite calls: a
  // 1,000-source cold pull wrote 2.2-2.3 frames per new entry instead of 4.8, its COMMITs took
  // 0.7-0.8 s of the main thread instead of 1.1-1.2, and the file was 313 MB instead of 362
  // (bench:ingest, five interleaved pairs on a quiet machine). 16 KB pages did a little better
  // on the cold pull but made the all-304 pull slower (0.93-1.02 s against 0.85).
  raw.pragma(`page_size = ${PAGE_SIZE}`);
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  // A store's batch runs inside the group commit's transaction (group-commit.ts), so
  // better-sqlite3 wraps it in a SAVEPOINT, and SQLite copies every page the batch touches to a
  // statement journal first; with temporary files on disk that journal went past its 64 KB in
  // memory and every copy was a write(2): 5 % of the main thread of a cold pull. In memory it is
  // a copy, freed when the batch ends.
  raw.pragma('temp_store = MEMORY');
  // Checkpoint every 4,000 frames rather than 1,000 (~32 MB of WAL with 8 KB pages: a cold pull
  // writes a lot, and each checkpoint syncs the database file); for a file, a thread does it instead (checkpointer.ts).
  raw.pragma(`wal_autocheckpoint = ${INLINE_FRAMES}`);
  const orm = drizzle(raw, { schema });
  try {
    migrate(orm, { migrationsFolder });
  } catch (err) {
    // Two commands started at once on a new file (serve and pull, or tests) both see no
    // migration applied; the second then finds the first one's tables. Its transaction was
    // rolled back and the first has recorded its work: reading the journal again settles it.
    if (!/already exists/.test(String((err as { cause?: unknown }).cause ?? err))) throw err;
    migrate(orm, { migrationsFolder });
  }
  // Statements of a batch come from the query builder; their SQL repeats from one stored
  // document to the next (same inserts, same updates), so the prepared statements are kept by
  // SQL text instead of being prepared anew for every run.
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const statementFor = (sql: string) => {
    let stmt = prepared.get(sql);
    if (!stmt) {
      if (prepared.size >= PREPARED_CACHE) prepared.delete(prepared.keys().next().value!);
      prepared.set(sql, (stmt = raw.prepare(sql)));
    }
    return stmt;
  };
  // Reads through `rows`: their own statements, in raw mode (rows as arrays).
  const readers = new Map<string, BetterSqlite3.Statement>();
  const readerFor = (sql: string) => {
    let stmt = readers.get(sql);
    if (!stmt) {
      if (readers.size >= PREPARED_CACHE) readers.delete(readers.keys().next().value!);
      readers.set(sql, (stmt = raw.prepare(sql).raw(true)));
    }
    return stmt;
  };
  const run = (s: Statement) => {
    const { sql, params } = (
      s as unknown as { toSQL(): { sql: string; params: unknown[] } }
    ).toSQL();
    const stmt = statementFor(sql);
    if (stmt.reader) stmt.all(...params);
    else stmt.run(...params);
  };
  // Inside an open transaction (the group commit's) better-sqlite3 makes this a SAVEPOINT: a
  // failing batch rolls back alone. Outside one, BEGIN … COMMIT.
  const guarded = raw.transaction((statements: Statement[]) => {
    for (const s of statements) run(s);
  });
  /**
   * A batch inside the group's transaction: its statements in a savepoint, then those made
   * `afterGuard` (Database.rawStatement) once it is released, so that SQLite does not copy each
   * page they touch to the savepoint's journal first. Should one of those fail anyway, the
   * batch's other writes are in the transaction already and a retry would write them again:
   * the whole transaction is rolled back, as SQLite itself does on a full disk (the group
   * commit then reports its documents lost, group-commit.ts).
   */
  const batchInTransaction = (statements: Statement[]) => {
    const first: Statement[] = [];
    const after: Statement[] = [];
    for (const s of statements) (s instanceof RawStatement && s.afterGuard ? after : first).push(s);
    if (first.length) guarded(first);
    try {
      for (const s of after) run(s);
    } catch (err) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      throw err;
    }
  };
  const stopCheckpoints = path === ':memory:' ? () => {} : checkpointInBackground(path, raw);
  const group = groupCommit(raw, path);
  return {
    orm: orm as unknown as HubOrm,
    raw,
    // SQLite allows 32,766; a few thousand keeps statements small enough to prepare quickly.
    maxParams: 4000,
    // Queries are cheap here and stores share transactions: a pull's store need not wait for
    // a full batch (store-batcher.ts).
    storesWhenFree: true,
    // batch() only asks a statement for its SQL and values.
    rawStatement: (sql, params, afterGuard) =>
      new RawStatement(sql, params, afterGuard) as unknown as Statement,
    async batch(statements) {
      if (!statements.length) return;
      const t0 = batchFigures.timed ? threadCpuMs() : 0;
      // Outside a transaction, BEGIN … COMMIT has no savepoint to spare: all in it.
      try {
        if (raw.inTransaction) batchInTransaction(statements);
        else guarded(statements);
      } finally {
        if (batchFigures.timed) {
          batchFigures.batches++;
          batchFigures.cpuMs += threadCpuMs() - t0;
        }
      }
    },
    rows: async (sql, params) => readerFor(sql).all(...params) as unknown[][],
    ...groupedWrites(group),
    commitGroup: group,
    indexKeys: indexKeysOf(raw),
    async ping() {
      try {
        raw.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    close: () => {
      group.close();
      stopCheckpoints();
      raw.close();
    },
  };
}
