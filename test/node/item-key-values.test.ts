/**
 * item_keys rows written from one flat list of numbers (insertKeyValues, db/bulk-insert.ts
 * bulkInsertValues) end as the same rows as written from row objects (insertKeys): on SQLite's
 * multi-row VALUES and on the JSON path D1 takes (here on SQLite, without rawStatement), across
 * statement boundaries, with keys and times past 32 bits, and skipping rows already stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../workers/node/sqlite.ts';
import type { Database } from '../../src/db/client.ts';
import { insertKeyValues, insertKeys, type KeyRow } from '../../src/db/item-keys.ts';
import { bulkInsertValues } from '../../src/db/bulk-insert.ts';
import { itemKeys } from '../../src/db/schema/items.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'item-key-values-'));
  dirs.push(dir);
  return openSqlite(join(dir, 'hub.sqlite'));
}

/** The JSON path (D1's): the same connection without raw statements. */
const jsonPath = (db: Database): Database => ({ ...db, rawStatement: undefined });

const stored = (db: ReturnType<typeof open>) =>
  db.raw.prepare('select key, published_at, entry_id from item_keys order by 1, 2, 3').raw().all();

function rows(n: number): KeyRow[] {
  const out: KeyRow[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      // Kinds 0-7 (bands), 64 (lead), 65+ (titles): up to ~2^39, past 32 bits.
      key: ((i * 7) % 90) * 2 ** 32 + ((i * 2654435761) % 2 ** 32),
      publishedAt: 1_700_000_000_000 + i * 61_000,
      entryId: 1 + Math.floor(i / 11),
    });
  return out;
}

const flat = (list: KeyRow[]) => list.flatMap((r) => [r.key, r.publishedAt, r.entryId]);

describe('item_keys from a flat list of numbers', () => {
  for (const path of ['values', 'json'] as const) {
    it(`stores the same rows as from row objects (${path})`, async () => {
      // 1,500 rows: on SQLite's VALUES more than one statement's worth (4,000 parameters, 3 a
      // row) and a remainder; the JSON path takes them in one value.
      const list = rows(1500);
      const byObjects = open();
      const byValues = open();
      try {
        const a = path === 'json' ? jsonPath(byObjects) : byObjects;
        const b = path === 'json' ? jsonPath(byValues) : byValues;
        await a.batch(insertKeys(a, list));
        const statements = insertKeyValues(b, flat(list));
        // 1,333 rows, then the remainder by powers of two (statementRows): 128, 32, 4, 2, 1.
        expect(statements.length).toBe(path === 'values' ? 6 : 1);
        await b.batch(statements);
        expect(stored(byValues)).toHaveLength(1500);
        expect(stored(byValues)).toEqual(stored(byObjects));
        // A row already there is skipped, the others written.
        await b.batch(insertKeyValues(b, flat([list[3]!, ...rows(1501).slice(1500)])));
        expect(stored(byValues)).toHaveLength(1501);
      } finally {
        byObjects.close();
        byValues.close();
      }
    });
  }

  it('refuses a list that is not whole rows, and writes nothing for an empty one', () => {
    const db = open();
    try {
      expect(() => bulkInsertValues(db, itemKeys, [1, 2])).toThrow(/2 values for rows of 3/);
      expect(insertKeyValues(db, [])).toEqual([]);
    } finally {
      db.close();
    }
  });
});
