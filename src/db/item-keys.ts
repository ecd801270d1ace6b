/**
 * The dedup index's keys as integers, and the statements that write them (table item_keys,
 * src/db/schema/items.ts).
 *
 * dedupe/fingerprint.ts names an entry's keys as strings: `b<n>:<hash>` for LSH band n,
 * `l:<hash>` for a lead, `t:<hash>:<length>` for a title, each hash 32 bits in hexadecimal.
 * Stored, each becomes one integer, one to one (so lookups find exactly what the strings found):
 * the kind in the high bits (band n → n, lead → 64, title → 65 + its length), the hash in the
 * low 32. Integers are smaller and compare faster than text in the index every new story
 * writes ~12 random rows into. drizzle/0009_item_keys.sql converts stored keys the same way.
 * The conversion itself is dedupe/key-number.ts (the reading thread loads it without the
 * schema).
 *
 * Every write of a key goes through this module (a split copies rows of keys already there):
 * it tells Database.indexKeys, the filter the candidate lookup asks first, which must know
 * every key the table holds.
 */
import { bulkInsertValues, bulkInserts } from './bulk-insert.ts';
import type { Database, Statement } from './client.ts';
import { itemKeys } from './schema/items.ts';

export { keyNumber } from '../ingest/dedupe/key-number.ts';

/**
 * Rows already there are skipped, and nothing else can make them fail (three integers, no
 * foreign key: a stale row is harmless, see the schema): on SQLite they are written after the
 * batch's savepoint, which copied every page they touch first (Database.rawStatement).
 */
const KEY_INSERTS = { ignoreConflicts: true, afterGuard: true } as const;

export interface KeyRow {
  key: number;
  publishedAt: number;
  /** The entry that brings the key to its story. */
  entryId: number;
}

/**
 * Statements inserting `rows` into item_keys; a row already there (same key, time and entry)
 * is skipped.
 */
export function insertKeys(db: Database, rows: KeyRow[]): Statement[] {
  if (db.indexKeys) for (const row of rows) db.indexKeys.written(row.key);
  return bulkInserts(db, itemKeys, rows, KEY_INSERTS);
}

/**
 * Statements inserting rows given as one flat list of numbers, each row's key, publication and
 * entry after each other (item_keys' column order); a row already there is skipped. A cold pull
 * writes ~11 rows per new story: as objects, each with its numbers boxed, they were among the
 * store's largest garbage that lives through young-generation collections (they wait for their
 * batch's write), and each value went through the query builder's column mapping.
 */
export function insertKeyValues(db: Database, flat: number[]): Statement[] {
  if (db.indexKeys) for (let i = 0; i < flat.length; i += 3) db.indexKeys.written(flat[i]!);
  return bulkInsertValues(db, itemKeys, flat, KEY_INSERTS);
}
