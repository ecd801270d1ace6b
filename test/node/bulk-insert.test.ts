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
import { texts } from '../../src/db/schema/index.ts';
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
