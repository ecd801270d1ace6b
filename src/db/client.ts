import type { KeyFilter } from './key-filter.ts';
import { is, SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem } from 'drizzle-orm/batch';
import type * as schema from './schema/index.ts';

/**
 * The drizzle database, whichever the driver: better-sqlite3 (sync) on Node, D1 (async) on
 * Workers. Always `await` queries: both drivers return thenables.
 */
export type HubOrm = BaseSQLiteDatabase<'sync' | 'async', any, typeof schema>;

/** A query built with `orm` and not yet run, for `Database.batch`. */
export type Statement = BatchItem<'sqlite'>;

/**
 * The storage seam. D1 has no interactive transactions, so atomic writes go through
 * `batch`: one transaction on SQLite, one D1 batch on Workers.
 * D1 caps bound parameters at 100 per statement: chunk multi-row inserts accordingly.
 */
export interface Database {
  orm: HubOrm;
  /**
   * `statements` as one atomic write: they all take effect or none does. A statement made
   * `afterGuard` (rawStatement) may run after the others, outside what rolls the batch back
   * alone (see rawStatement).
   */
  batch(statements: Statement[]): Promise<void>;
  /**
   * A read's rows as arrays of column values, in the order the SQL selects them. The SQL text
   * runs unchanged on SQLite and D1 (`?` parameters, at most D1's 100): the store's hot reads
   * (lookup.ts), many per pull, skip drizzle's query building and row mapping, which cost more
   * than SQLite's own work there.
   */
  rows(sql: string, params: unknown[]): Promise<unknown[][]>;
  /** Readiness probe for /healthz. */
  ping(): Promise<boolean>;
  /**
   * Bound parameters one statement may carry: 100 on D1; SQLite takes thousands, and fewer,
   * larger inserts are what makes a cold pull fast there. Absent: D1's 100.
   */
  maxParams?: number;
  /**
   * Whether a pull's store stores the documents read so far as soon as it is free (true), or
   * waits until a batch is full or no source is still reading (absent: D1). On D1 every query
   * is a subrequest, which Cloudflare caps per invocation, so fewer, fuller batches are what
   * counts; on a SQLite file queries are cheap and stores already share transactions (group
   * commit), and waiting left the reading thread idle while a full batch was stored
   * (bench:ingest, 250 sources: 10.5-11.3 s against 7.6-8.6 s storing as soon as free).
   */
  storesWhenFree?: boolean;
  /**
   * A statement from SQL text and its values, for bulk inserts (db/bulk-insert.ts). SQLite
   * only: there, plain multi-row VALUES read about twice as fast as JSON unpacked by SQL, and
   * its parameter cap allows a hundred rows per statement. D1 batches take drizzle queries.
   *
   * `afterGuard`: a statement no row's values can make fail (an `insert or ignore` of numbers
   * into a table without foreign keys). Inside a pull's open transaction, SQLite stores a batch
   * in a SAVEPOINT, so that a failing document rolls back alone, and copies each page the
   * batch touches first to the savepoint's journal; such statements run after the savepoint is
   * released, in the same transaction, and their pages are not copied: the dedup index's
   * random rows were 60 % of those copies. Should one fail anyway (disk full, I/O), the whole
   * transaction rolls back, as SQLite itself does then (workers/node/sqlite.ts).
   */
  rawStatement?(sql: string, params: unknown[], afterGuard?: boolean): Statement;
  /**
   * The write seam of a store: `work`'s writes, grouped where the runtime groups them. On a
   * SQLite file, stores that follow each other closely share one transaction (group commit,
   * workers/node/group-commit.ts); `committed` settles when the transaction holding these
   * writes commits or fails, and whoever reports the work as saved awaits it first. On D1
   * every batch commits by itself: `committed` is settled on return. Serialising stores and
   * taking the store turn are the caller's (ingest/store-lease.ts).
   */
  store<T>(work: () => Promise<T>): Promise<{ value: T; committed: Promise<void> }>;
  /**
   * `work`'s writes committed before it returns, with whatever a group commit held (a write
   * made between two stores of a pull joins their transaction): before something leaves the
   * hub (an email), before a request is answered, when a pull knows no store follows.
   */
  durably<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Which dedup index keys item_keys may hold, known without asking the database: the
   * candidate lookup (ingest/dedupe/lookup.ts) leaves the others out of its probes, most of
   * a cold pull's. On a SQLite file (Node), a filter kept in memory by this connection
   * (workers/node/index-keys.ts). Absent (D1, which keeps nothing between invocations): every
   * key is probed.
   */
  indexKeys?: IndexKeys;
}

/** Database.indexKeys: see there, and db/key-filter.ts. */
export interface IndexKeys {
  /**
   * Runs `read` with a filter that leaves out no key item_keys holds as `read`'s queries see
   * the table (a key it leaves out is a duplicate missed): brought up to date with what other
   * connections committed, and `read` run again should one commit while it runs. `read` only
   * reads. Null: no filter for now (other connections keep writing): every key is probed.
   */
  reading<T>(read: (filter: KeyFilter | null) => Promise<T>): Promise<T>;
  /**
   * A key this connection writes to item_keys: every write of a key goes through
   * db/item-keys.ts, which tells it here (a write that then rolls back leaves a key too many,
   * which costs a probe, not a duplicate).
   */
  written(key: number): void;
}

export interface CommitGroup {
  /**
   * Runs `work` inside the shared transaction (opened if none is), returning when it is done,
   * with `committed`, settled when the transaction that holds its writes commits or fails.
   * Whoever reports the work as saved awaits `committed` first.
   */
  run<T>(work: () => Promise<T>): Promise<{ value: T; committed: Promise<void> }>;
  /** Commits the shared transaction now: the caller knows that no store follows. */
  flush(): void;
  /** Commits the shared transaction now, settling when it is committed (or failed). */
  commitHeld(): Promise<void>;
}

/** Database.store and Database.durably where every batch commits by itself (D1). */
export const committedOnReturn: Pick<Database, 'store' | 'durably'> = {
  store: async (work) => ({ value: await work(), committed: Promise.resolve() }),
  durably: (work) => work(),
};

/** Database.store and Database.durably over a group commit (SQLite). */
export function groupedWrites(group: CommitGroup): Pick<Database, 'store' | 'durably'> {
  return {
    store: (work) => group.run(work),
    async durably(work) {
      const value = await work();
      await group.commitHeld();
      return value;
    },
  };
}

/**
 * Writes outside a pull's stores (a repair, a refold) as the stores do on SQLite (the group
 * commit, which waits for another process's write lock between timers rather than in SQLite's
 * busy wait), committed before returning; on D1 the work's own batches.
 */
export async function writeDurably(db: Database, work: () => Promise<unknown>): Promise<void> {
  const { committed } = await db.durably(() => db.store(work));
  await committed;
}

/** D1's cap on bound parameters per statement, the lowest of the runtimes. */
export const D1_MAX_PARAMS = 100;

/**
 * Rows per multi-row insert that keep under the database's bound-parameter cap (D1's when not
 * given), for statements binding `columns` values per row.
 */
export function rowsPerInsert(columns: number, db?: Pick<Database, 'maxParams'>): number {
  return Math.max(1, Math.floor((db?.maxParams ?? D1_MAX_PARAMS) / columns));
}

/**
 * `rows` cut into groups that one drizzle `insert(table).values(group)` each may take under the
 * database's bound-parameter cap. What a row binds is counted by drizzle itself (`toSQL()` of
 * one row per shape of set fields), not by hand: drizzle also binds every unset column that has
 * a default (`default(0)`, `$defaultFn`), so counting the fields the caller wrote undercounted
 * (a delivery: 4 written, 6 bound), and a schema change would silently undercount again.
 */
export function insertGroups<R extends Record<string, unknown>>(
  db: Pick<Database, 'orm' | 'maxParams'>,
  table: SQLiteTable,
  rows: readonly R[],
): R[][] {
  let perRow = 1;
  const shapes = new Set<string>();
  for (const row of rows) {
    const shape = Object.keys(row)
      .filter((k) => row[k] !== undefined)
      .map((k) => (is(row[k], SQL) ? `${k}:sql` : k))
      .join(',');
    if (shapes.has(shape)) continue;
    shapes.add(shape);
    const bound = db.orm
      .insert(table)
      .values(row as never)
      .toSQL().params.length;
    perRow = Math.max(perRow, bound);
  }
  const size = rowsPerInsert(perRow, db);
  const out: R[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
