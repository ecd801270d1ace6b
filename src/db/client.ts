import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
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
  batch(statements: Statement[]): Promise<void>;
  /** Readiness probe for /healthz. */
  ping(): Promise<boolean>;
}

/** Rows per multi-row insert that keep under D1's 100 bound parameters. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(100 / columns));
}
