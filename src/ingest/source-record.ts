/**
 * Writes a source's new state after a fetch (validators, health, backoff): one `update` per
 * source per pull, a thousand in an all-304 pull of 1,000 sources, where it was the largest
 * share of the main thread's work. Built by drizzle, each cost more than SQLite's own work
 * (query building, a statement prepared anew each time); here the SQL text is written once
 * per set of columns and runs through `Database.rows` (prepared once, kept by text, on SQLite;
 * the same statement on D1). Column names and value mapping still come from the schema.
 */
import { eq, getTableColumns } from 'drizzle-orm';
import type { Database, Statement } from '../db/client.ts';
import { sources } from '../db/schema/sources.ts';

export type SourceUpdate = Partial<typeof sources.$inferInsert>;

const columns = getTableColumns(sources);
/** SQL text per list of columns set (a handful: error, 304, document, retired). */
const texts = new Map<string, string>();

/** Sets `values` (undefined fields left alone, as drizzle's `set` does) on source `id`. */
export async function recordSource(db: Database, id: number, values: SourceUpdate): Promise<void> {
  const update = updateOf(id, values);
  // `returning` makes it a statement that gives rows, which `rows` runs on both runtimes.
  if (update) await db.rows(`${update.text} returning "id"`, update.params);
}

/**
 * The same update as a statement for `Database.batch`, written with a batch of stored
 * documents (store-batcher.ts): as SQL text where the database takes it (SQLite), else built by
 * drizzle (D1 batches take drizzle queries).
 */
export function recordStatement(db: Database, id: number, values: SourceUpdate): Statement[] {
  const update = updateOf(id, values);
  if (!update) return [];
  if (db.rawStatement) return [db.rawStatement(update.text, update.params)];
  return [db.orm.update(sources).set(values).where(eq(sources.id, id))];
}

function updateOf(id: number, values: SourceUpdate): { text: string; params: unknown[] } | null {
  // Loops, not callbacks made at each call: see pushTo (dedupe/matcher.ts).
  const keys: Array<keyof SourceUpdate> = [];
  for (const k of Object.keys(values) as Array<keyof SourceUpdate>)
    if (values[k] !== undefined) keys.push(k);
  if (!keys.length) return null;
  const shape = keys.join(',');
  let text = texts.get(shape);
  if (!text) {
    const set = keys.map((k) => `"${columns[k].name}" = ?`).join(', ');
    text = `update "sources" set ${set} where "id" = ?`;
    texts.set(shape, text);
  }
  const params: unknown[] = [];
  for (const k of keys) {
    const v = values[k];
    params.push(v === null ? null : columns[k].mapToDriverValue(v));
  }
  params.push(id);
  return { text, params };
}
