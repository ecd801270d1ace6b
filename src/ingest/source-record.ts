/**
 * Writes a source's new state after a fetch (validators, health, backoff): one `update` per
 * source per pull, a thousand in an all-304 pull of 1,000 sources, where it was the largest
 * share of the main thread's work. Built by drizzle, each cost more than SQLite's own work
 * (query building, a statement prepared anew each time); as SQL text (db/row-update.ts) it runs
 * through `Database.rows` (prepared once, kept by text, on SQLite; the same statement on D1).
 */
import type { Database, Statement } from '../db/client.ts';
import { rowUpdate, rowUpdateStatement } from '../db/row-update.ts';
import { sources } from '../db/schema/sources.ts';

export type SourceUpdate = Partial<typeof sources.$inferInsert>;

/** Sets `values` (undefined fields left alone, as drizzle's `set` does) on source `id`. */
export async function recordSource(db: Database, id: number, values: SourceUpdate): Promise<void> {
  const update = rowUpdate(sources, 'id', id, values);
  // `returning` makes it a statement that gives rows, which `rows` runs on both runtimes.
  if (update) await db.rows(`${update.text} returning "id"`, update.params);
}

/**
 * The same update as a statement for `Database.batch`, written with a batch of stored
 * documents (store-batcher.ts).
 */
export function recordStatement(db: Database, id: number, values: SourceUpdate): Statement[] {
  return rowUpdateStatement(db, sources, 'id', id, values);
}
