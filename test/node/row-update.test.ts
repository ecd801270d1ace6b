/**
 * Updates written as SQL text (db/row-update.ts, SQLite's path) leave the same rows as drizzle's
 * `update … set` (D1's path, here on SQLite without rawStatement): JSON columns, booleans,
 * nulls written as null, undefined fields left alone, the key never set, on the three tables the
 * store updates (sources, entries, items).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../workers/node/sqlite.ts';
import type { Database } from '../../src/db/client.ts';
import { rowUpdateStatement } from '../../src/db/row-update.ts';
import { entries, items } from '../../src/db/schema/items.ts';
import { networks } from '../../src/db/schema/networks.ts';
import { sources } from '../../src/db/schema/sources.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'row-update-'));
  dirs.push(dir);
  const db = openSqlite(join(dir, 'hub.sqlite'));
  await db.orm.insert(networks).values({ slug: 'n', name: 'N', createdAt: 1, updatedAt: 1 });
  await db.orm.insert(sources).values({
    id: 7,
    networkSlug: 'n',
    kind: 'feed',
    url: 'https://a.example/feed',
    fetchUrl: 'https://a.example/feed',
    title: 'A',
    etag: '"e1"',
    errorCount: 3,
    createdAt: 1,
  });
  for (const id of ['item-a', 'item-b'])
    await db.orm.insert(items).values({
      id,
      title: 'Avant',
      url: 'https://a.example/1',
      author: 'Anne',
      categories: ['x'],
      publishedAt: 10,
      updatedAt: 10,
      firstSeenAt: 10,
      textKey: 'k0',
    });
  await db.orm.insert(entries).values({
    id: 42,
    sourceId: 7,
    networkSlug: 'n',
    itemId: 'item-a',
    guidHash: 'g',
    guid: 'guid-1',
    title: 'Avant',
    author: 'Anne',
    publishedAt: 10,
    updatedAt: 10,
    firstSeenAt: 10,
    contentHash: 'h0',
    relay: true,
    textLength: 5,
  });
  return db;
}

/** D1's path: the same connection, updates built by drizzle. */
const drizzlePath = (db: Database): Database => ({ ...db, rawStatement: undefined });

const dump = (db: Awaited<ReturnType<typeof open>>) =>
  ['sources', 'items', 'entries'].map((t) =>
    db.raw.prepare(`select * from "${t}" order by rowid`).raw().all(),
  );

async function updateBoth(
  write: (db: Database) => Array<ReturnType<typeof rowUpdateStatement>[number]>,
) {
  const byText = await open();
  const byDrizzle = await open();
  const untouched = await open();
  try {
    await byText.batch(write(byText));
    await byDrizzle.batch(write(drizzlePath(byDrizzle)));
    return { text: dump(byText), drizzle: dump(byDrizzle), before: dump(untouched) };
  } finally {
    byText.close();
    byDrizzle.close();
    untouched.close();
  }
}

describe('row updates as SQL text', () => {
  it('write what drizzle writes: JSON, booleans, nulls, undefined left alone', async () => {
    const rows = await updateBoth((db) => [
      ...rowUpdateStatement(db, sources, 'id', 7, {
        etag: null,
        lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT',
        errorCount: 0,
        historyResume: { url: 'https://a.example/feed?page=2', page: 2, tries: 1 },
        title: undefined,
      }),
      ...rowUpdateStatement(db, entries, 'id', 42, {
        title: 'Après « édition »',
        author: null,
        categories: ['Économie', 'coopératives'],
        enclosures: [{ url: 'https://a.example/a.mp3', type: 'audio/mpeg', length: null }],
        relay: false,
        textLength: 1234,
        contentHash: 'h1',
        guid: undefined,
      }),
      // A whole row: its id is the key, not set.
      ...rowUpdateStatement(db, items, 'id', 'item-b', {
        id: 'item-b',
        canonicalUrl: null,
        url: null,
        title: 'Après',
        author: null,
        categories: [],
        enclosures: [{ url: 'https://a.example/b.ogg', type: null, length: 12 }],
        publishedAt: 5,
        updatedAt: 99,
        firstSeenAt: 6,
        searchText: 'apres',
        categoryKeys: null,
        textKey: null,
      }),
    ]);
    expect(rows.text).toEqual(rows.drizzle);
    // The updates did change the rows (a test of nothing would pass the line above too).
    expect(rows.text).not.toEqual(rows.before);
    const [sourceRows, itemRows, entryRows] = rows.text;
    expect(sourceRows![0]).toContain('{"url":"https://a.example/feed?page=2","page":2,"tries":1}');
    expect(sourceRows![0]).toContain('A');
    expect(entryRows![0]).toContain('["Économie","coopératives"]');
    expect(entryRows![0]).toContain('guid-1');
    expect(itemRows![0]).toEqual(rows.before[1]![0]);
  });

  it('make no statement when no field is set', async () => {
    const db = await open();
    try {
      for (const d of [db, drizzlePath(db)]) {
        expect(rowUpdateStatement(d, sources, 'id', 7, { title: undefined })).toEqual([]);
        expect(rowUpdateStatement(d, items, 'id', 'item-a', { id: 'item-a' })).toEqual([]);
      }
    } finally {
      db.close();
    }
  });
});
