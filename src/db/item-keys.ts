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
 */
import { bulkInserts } from './bulk-insert.ts';
import type { Database, Statement } from './client.ts';
import { itemKeys } from './schema/items.ts';

const LOW = 2 ** 32;
const LEAD = 64;
const TITLE = 65;
/**
 * Title lengths above this share a kind (2⁵³ bounds exact integers): harmless, candidates are
 * checked anyway.
 */
const MAX_TITLE_LENGTH = 2 ** 20;

/** The stored integer of an index key (see module doc). */
export function keyNumber(key: string): number {
  const colon = key.indexOf(':');
  const kind = key.charCodeAt(0);
  if (kind === 98 /* b */)
    return Number(key.slice(1, colon)) * LOW + parseInt(key.slice(colon + 1), 16);
  if (kind === 108 /* l */) return LEAD * LOW + parseInt(key.slice(colon + 1), 16);
  const second = key.indexOf(':', colon + 1);
  const length = Math.min(Number(key.slice(second + 1)), MAX_TITLE_LENGTH);
  return (TITLE + length) * LOW + parseInt(key.slice(colon + 1, second), 16);
}

export interface KeyRow {
  key: number;
  publishedAt: number;
  itemId: string;
}

/**
 * Statements inserting `rows` into item_keys; a row already there (same key, time and item) is
 * skipped.
 */
export function insertKeys(db: Database, rows: KeyRow[]): Statement[] {
  return bulkInserts(db, itemKeys, rows, { ignoreConflicts: true });
}
