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
import { sql } from 'drizzle-orm';
import type { Database, Statement } from './client.ts';
import { rowsPerInsert } from './client.ts';
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

/** Characters of JSON per statement on D1: ≤ 1.5 MB of UTF-8, under its 2 MB per value. */
const MAX_JSON_CHARS = 500_000;

const valuesSql = new Map<number, string>();

/**
 * Statements inserting `rows` into item_keys; a row already there (same key, time and item) is
 * skipped. SQLite: multi-row VALUES (Database.rawStatement); D1: one JSON value per statement,
 * unpacked by SQL, under its 100-parameter cap.
 */
export function insertKeys(db: Database, rows: KeyRow[]): Statement[] {
  if (!rows.length) return [];
  const statements: Statement[] = [];
  if (db.rawStatement) {
    const per = rowsPerInsert(3, db);
    for (let start = 0; start < rows.length; start += per) {
      const part = rows.slice(start, start + per);
      let text = valuesSql.get(part.length);
      if (!text)
        valuesSql.set(
          part.length,
          (text =
            'insert or ignore into item_keys (key, published_at, item_id) values ' +
            Array.from({ length: part.length }, () => '(?, ?, ?)').join(', ')),
        );
      const params: unknown[] = [];
      for (const r of part) params.push(r.key, r.publishedAt, r.itemId);
      statements.push(db.rawStatement(text, params));
    }
    return statements;
  }
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (!batch.length) return;
    const json = `[${batch.join(',')}]`;
    // `where true`: SQLite reads an upsert after INSERT … SELECT only when the SELECT has one.
    statements.push(
      db.orm
        .insert(itemKeys)
        .select(
          sql`select json_extract(value, '$[0]'), json_extract(value, '$[1]'),
            json_extract(value, '$[2]') from json_each(${json}) where true`,
        )
        .onConflictDoNothing() as unknown as Statement,
    );
    batch = [];
    size = 0;
  };
  for (const r of rows) {
    const encoded = JSON.stringify([r.key, r.publishedAt, r.itemId]);
    if (size + encoded.length > MAX_JSON_CHARS) flush();
    batch.push(encoded);
    size += encoded.length + 1;
  }
  flush();
  return statements;
}
