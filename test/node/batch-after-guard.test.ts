/**
 * A SQLite batch inside the group commit's transaction runs in a SAVEPOINT (a failing document
 * rolls back alone), except the statements made `afterGuard` (Database.rawStatement), the dedup
 * index's rows and the texts: they run once the savepoint is released, so SQLite does not copy the pages
 * they touch to its journal (workers/node/sqlite.ts). Checked here: they run after the batch's
 * other statements whatever their place in it; a failing guarded statement still rolls its
 * batch back alone, the after-guard rows unwritten; a failing after-guard statement rolls the
 * whole transaction back (earlier stores of the group reported lost), since the batch's other
 * writes were already in it; outside a transaction the batch is one transaction, all or
 * nothing; and the store's key and text inserts are made afterGuard on SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../workers/node/sqlite.ts';
import type { Statement } from '../../src/db/client.ts';
import { insertKeyValues, insertKeys } from '../../src/db/item-keys.ts';
import { insertTexts } from '../../src/db/texts.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'batch-after-guard-'));
  dirs.push(dir);
  return openSqlite(join(dir, 'hub.sqlite'));
}
type Db = ReturnType<typeof open>;

const text = (db: Db, key: string) =>
  db.rawStatement!('insert into texts (key, summary) values (?, ?)', [key, 'x']);
const keyRow = (db: Db, key: number, afterGuard = true) =>
  db.rawStatement!(
    'insert into item_keys (key, published_at, entry_id) values (?, 0, 1)',
    [key],
    afterGuard,
  );
const texts = (db: Db) => db.raw.prepare('select key from texts order by key').pluck().all();
const keys = (db: Db) => db.raw.prepare('select key from item_keys order by key').pluck().all();

/** `statements` as one store of the group commit; its `committed`, settled or not. */
async function store(db: Db, statements: Statement[]) {
  return db.store(() => db.batch(statements));
}

describe('SQLite batches: after-guard statements', () => {
  it('run after the batch’s other statements, wherever they are in it', async () => {
    const db = open();
    try {
      // Listed first, it counts the texts the batch writes after it.
      const counting = db.rawStatement!(
        'insert into item_keys (key, published_at, entry_id) select count(*), 0, 1 from texts',
        [],
        true,
      );
      const { committed } = await store(db, [counting, text(db, 'a'), text(db, 'b')]);
      db.commitGroup.flush();
      await committed;
      expect(keys(db)).toEqual([2]);
    } finally {
      db.close();
    }
  });

  it('are not run when a guarded statement fails: that batch alone rolls back', async () => {
    const db = open();
    try {
      const first = await store(db, [text(db, 'a')]);
      await expect(store(db, [text(db, 'b'), keyRow(db, 7), text(db, 'a')])).rejects.toThrow(
        /UNIQUE/,
      );
      db.commitGroup.flush();
      await first.committed;
      expect(texts(db)).toEqual(['a']);
      expect(keys(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('failing, roll back the whole open transaction, earlier stores included', async () => {
    const db = open();
    try {
      const first = await store(db, [text(db, 'a'), keyRow(db, 1)]);
      // The batch's text is in the transaction once its savepoint is released: a retry of the
      // batch would write it again, so nothing of the transaction may stay.
      await expect(store(db, [text(db, 'b'), keyRow(db, 2), keyRow(db, 1)])).rejects.toThrow(
        /UNIQUE/,
      );
      expect(db.raw.inTransaction).toBe(false);
      db.commitGroup.flush();
      await expect(first.committed).rejects.toThrow(/relevés à nouveau/);
      expect(texts(db)).toEqual([]);
      expect(keys(db)).toEqual([]);
      // The next store begins a transaction of its own.
      const next = await store(db, [text(db, 'c'), keyRow(db, 3)]);
      db.commitGroup.flush();
      await next.committed;
      expect(texts(db)).toEqual(['c']);
      expect(keys(db)).toEqual([3]);
    } finally {
      db.close();
    }
  });

  it('outside a transaction, are part of the batch’s own: all or nothing', async () => {
    const db = open();
    try {
      await db.batch([text(db, 'a'), keyRow(db, 1)]);
      await expect(db.batch([text(db, 'b'), keyRow(db, 2), keyRow(db, 1)])).rejects.toThrow(
        /UNIQUE/,
      );
      expect(texts(db)).toEqual(['a']);
      expect(keys(db)).toEqual([1]);
    } finally {
      db.close();
    }
  });

  it('are what the store’s key and text inserts are on SQLite', () => {
    const db = open();
    try {
      const flagged = (statements: Statement[]) =>
        statements.map((s) => (s as unknown as { afterGuard: boolean }).afterGuard);
      expect(flagged(insertKeyValues(db, [1, 2, 3, 4, 5, 6]))).toEqual([true]);
      expect(flagged(insertKeys(db, [{ key: 1, publishedAt: 2, entryId: 3 }]))).toEqual([true]);
      const bytes = new TextEncoder().encode('résumé');
      expect(flagged(insertTexts(db, [{ key: 'k', summary: bytes, contentHtml: null }]))).toEqual([
        true,
      ]);
      // Other statements stay in the savepoint.
      expect(flagged([text(db, 'a')])).toEqual([false]);
    } finally {
      db.close();
    }
  });
});
