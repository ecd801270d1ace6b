/**
 * Bulk inserts on SQLite (db/bulk-insert.ts): every row stored whatever the count, in statements
 * whose SQL texts repeat from one batch to the next. Each distinct text is a program SQLite
 * compiles and the connection keeps prepared; one text per row count held ~27 MB at a cold
 * pull's peak.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { bulkInserts, statementRows } from '../../src/db/bulk-insert.ts';
import { rowsPerInsert } from '../../src/db/client.ts';
import { entries, items, texts } from '../../src/db/schema/index.ts';
import { makeNodeDeps } from '../support/node-deps.ts';

const deps = makeNodeDeps();
afterAll(() => deps.close());

const sqlOf = (s: unknown) => (s as { toSQL(): { sql: string } }).toSQL().sql;

describe('bulk inserts on SQLite', () => {
  it('stores every row of batches of any size, in a few distinct SQL texts', async () => {
    const perStatement = rowsPerInsert(3, deps.db);
    // Small batches of every size, sizes spread up to the cap, around it, and past it.
    const sizes = [
      ...Array.from({ length: 40 }, (_, i) => i + 1),
      ...Array.from({ length: 30 }, (_, i) => Math.floor(((i + 1) * perStatement) / 31)),
      perStatement - 1,
      perStatement,
      perStatement + 1,
      3 * perStatement - 1,
    ];
    const seen = new Set<string>();
    let stored = 0;
    for (const size of sizes) {
      const rows = Array.from({ length: size }, (_, i) => ({
        key: `t-${size}-${i}`,
        summary: `résumé ${i}`,
        contentHtml: i % 2 ? null : `<p>${i}</p>`,
      }));
      const statements = bulkInserts(deps.db, texts, rows, { ignoreConflicts: true });
      for (const s of statements) seen.add(sqlOf(s));
      await deps.db.batch(statements);
      stored += size;
    }
    const [row] = await deps.db.orm.select({ n: count() }).from(texts);
    expect(row!.n).toBe(stored);
    // The full statement and one per power of two below it: not one per batch size.
    expect(seen.size).toBeLessThanOrEqual(Math.ceil(Math.log2(perStatement)) + 1);
  });

  it('cuts a batch into statements that add up to it, none over the cap', () => {
    for (const cap of [1, 7, 64, 1333])
      for (let n = 1; n <= 3 * cap + 5; n++) {
        const parts: number[] = [];
        for (let left = n; left > 0; left -= parts.at(-1)!) parts.push(statementRows(left, cap));
        expect(parts.reduce((a, b) => a + b, 0)).toBe(n);
        expect(Math.max(...parts)).toBeLessThanOrEqual(cap);
        // Full statements first, then at most one per bit of the remainder.
        expect(parts.length).toBeLessThanOrEqual(Math.floor(n / cap) + Math.log2(cap) + 1);
      }
  });
});

describe('bulk inserts bind what drizzle binds', () => {
  it('every kind of value: JSON, booleans, bytes, nulls, defaults, numbers past 32 bits', async () => {
    // Plain columns take a string or a number as it is (bulk-insert.ts ObjectRows); the others
    // go through the column's own mapping: both must store what drizzle's insert stores.
    const raw = (deps.db as unknown as { raw: import('better-sqlite3').Database }).raw;
    raw.pragma('foreign_keys = OFF');
    try {
      const row = (id: number, relay: boolean | undefined) => ({
        id,
        sourceId: 7,
        networkSlug: 'reseau',
        itemId: `item-${id}`,
        guidHash: `g${id}`,
        guid: id % 2 ? null : `https://example.org/${id}`,
        title: 'Titre « accentué »',
        categories: id % 2 ? ['a', 'é"b'] : [],
        enclosures: [{ url: 'https://example.org/a.mp3', type: null, length: 2 ** 40 }],
        publishedAt: 1_700_000_000_123 + id,
        updatedAt: 2 ** 41 + id,
        firstSeenAt: 0,
        contentHash: `c${id}`,
        mergeDetail: undefined,
        minhash: 'ab'.repeat(8),
        shingleCount: id,
        relay,
        textLength: -id,
        textKey: id % 2 ? null : `k${id}`,
      });
      const all = [row(1, true), row(2, false), row(3, undefined), row(4, true)];
      await deps.db.batch(bulkInserts(deps.db, entries, all.slice(0, 2)));
      await deps.db.orm.insert(entries).values(all.slice(2));
      const stored = raw
        .prepare('select * from entries where id <= 4 order by id')
        .raw()
        .all() as unknown[][];
      const bulk = stored.slice(0, 2).map((r) => r.slice(1));
      const drizzle = stored.slice(2).map((r) => r.slice(1));
      // Rows 1 and 2 differ from 3 and 4 only by their id and what the id gives.
      const again = (r: unknown[]) => JSON.stringify(r).replaceAll(/[0-9]/g, '#');
      expect(bulk.map(again)).toEqual(drizzle.map(again));
      expect(stored.map((r) => r[cols(raw).indexOf('relay')])).toEqual([1, 0, 0, 1]);
      expect(stored[0]![cols(raw).indexOf('categories')]).toBe('["a","é\\"b"]');
      expect(stored[0]![cols(raw).indexOf('updated_at')]).toBe(2 ** 41 + 1);
      // Items: JSON columns, a search text given as its bytes, defaults.
      const item = <T extends string | Uint8Array>(id: string, searchText: T) => ({
        id,
        title: 'Un titre',
        categories: ['x'],
        // A string in a JSON column is JSON too ('"…"'), not bound as it is.
        enclosures: 'une chaîne' as unknown as [],
        publishedAt: 1,
        updatedAt: 2,
        firstSeenAt: 3,
        searchText,
      });
      await deps.db.batch(
        bulkInserts(deps.db, items, [item('b-1', new TextEncoder().encode('texte plié'))]),
      );
      await deps.db.orm.insert(items).values([item('d-1', 'texte plié')]);
      const [b, d] = raw
        .prepare("select * from items where id in ('b-1', 'd-1') order by id")
        .raw()
        .all() as unknown[][];
      expect(b!.slice(1)).toEqual(d!.slice(1));
      expect(b).toContain('"une chaîne"');
    } finally {
      raw.pragma('foreign_keys = ON');
    }
  });
});

const cols = (raw: import('better-sqlite3').Database) =>
  (raw.prepare('select * from entries limit 0').columns() as Array<{ name: string }>).map(
    (c) => c.name,
  );
