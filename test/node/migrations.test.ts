/**
 * A database made by the released schema is migrated to the current one with its data kept.
 * test/fixtures/released-db/ is a copy of what the release shipped (drizzle/0000_init.sql and
 * its journal entry): regenerating drizzle/ from scratch would give the same tables a new
 * migration that deployed databases have never seen, and this test would fail on it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { migrationsFolder, openSqlite } from '../../workers/node/sqlite.ts';
import * as schema from '../../src/db/schema/index.ts';
import { eq } from 'drizzle-orm';
import { keyNumber } from '../../src/db/item-keys.ts';
import { textOfEntry, textOfItem } from '../../src/db/texts.ts';
import { texts } from '../../src/db/schema/index.ts';
import { fingerprint, indexKeys } from '../../src/ingest/dedupe/fingerprint.ts';

const released = new URL('../fixtures/released-db/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hub-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Dedup index keys as the release stored them (strings): every kind, hashes with leading
 * zeros (toString(16) drops them), band numbers, title lengths; one row twice.
 */
const releasedKeys = [
  ...indexKeys(
    fingerprint(
      'Fête des coopératives de Bretagne à Rennes',
      '<p>La fête annuelle des coopératives revient à Rennes samedi. Au programme : ateliers, ' +
        'marché paysan, concerts. Les réseaux de la région tiennent des stands.</p>',
      null,
    ),
  ),
  'b0:0',
  'b7:ffffffff',
  'b3:a',
  'l:1f',
  'l:00000001',
  't:3:7',
  't:ffffffff:123',
  'b7:ffffffff',
];

/**
 * Stories and entries with their texts as the release stored them (columns of both tables):
 * a story whose best entry is its second, one with a summary only, one with neither, one
 * whose text no entry of it has, relays with the same text in different stories, texts with
 * non-ASCII characters and quotes.
 */
const releasedTexts = {
  items: [
    ['itm1', null, '<p>La fête annuelle des coopératives revient à Rennes samedi.</p>'],
    ['itm2', "Résumé seul, « guillemets » et 'apostrophes'", null],
    ['itm3', null, null],
    ['itm4', 'Un résumé', '<p>Texte que le magasin a gardé mais aucune entrée.</p>'],
    ['itm5', 'Relais', '<p>Même texte relayé</p>'],
    ['itm6', 'Relais', '<p>Même texte relayé</p>'],
  ],
  // [id, item, guid hash, summary, content]
  entries: [
    [1, 'itm1', 'g1', null, '<p>Relais court</p>'],
    [2, 'itm1', 'g2', null, '<p>La fête annuelle des coopératives revient à Rennes samedi.</p>'],
    [3, 'itm2', 'g3', "Résumé seul, « guillemets » et 'apostrophes'", null],
    [4, 'itm3', 'g4', null, null],
    [5, 'itm4', 'g5', 'Un autre résumé', '<p>Texte de l’entrée</p>'],
    [6, 'itm5', 'g6', 'Relais', '<p>Même texte relayé</p>'],
    [7, 'itm6', 'g7', 'Relais', '<p>Même texte relayé</p>'],
  ],
} as const;

/** A database file as the release left it: its migrations applied, a little of everything stored. */
function releasedDatabase(path: string): void {
  const raw = new BetterSqlite3(path);
  migrate(drizzle(raw), { migrationsFolder: released });
  const t = 1_790_000_000_000;
  raw.exec(`
    INSERT INTO networks (slug, name, site, tags, created_at, updated_at)
      VALUES ('animacoop', 'Animacoop', 'https://animacoop.example/', '["formation"]', ${t}, ${t});
    INSERT INTO sources (id, network_slug, kind, url, fetch_url, etag, created_at)
      VALUES (7, 'animacoop', 'feed', 'https://animacoop.example/feed.xml',
              'https://animacoop.example/feed.xml', '"v1"', ${t});
    INSERT INTO subscribers (email, choices, token_salt, confirmed_at, updated_at)
      VALUES ('ana@example.org', '{"networks":["animacoop"]}', 'salt', ${t}, ${t});
    INSERT INTO events (id, primary_source_id, uid, title, start, timezone, first_seen_at,
                        updated_at)
      VALUES ('evt1', 7, 'uid-1@animacoop', 'Assemblée', ${t}, 'Europe/Paris', ${t}, ${t});
    INSERT INTO settings (key, value) VALUES ('hub', '{"title":"Intercoop"}');
  `);
  const item = raw.prepare(
    `INSERT INTO items (id, title, url, summary, content_html, published_at, updated_at,
                        first_seen_at, search_text)
     VALUES (?, 'Fête des coops', 'https://animacoop.example/fete', ?, ?, ${t}, ${t}, ${t},
             'fete des coops')`,
  );
  for (const row of releasedTexts.items) item.run(...row);
  const entry = raw.prepare(
    `INSERT INTO entries (id, source_id, network_slug, item_id, guid_hash, title, summary,
                          content_html, published_at, updated_at, first_seen_at, content_hash)
     VALUES (?, 7, 'animacoop', ?, ?, 'Fête des coops', ?, ?, ${t}, ${t}, ${t}, 'h1')`,
  );
  for (const row of releasedTexts.entries) entry.run(...row);
  const band = raw.prepare(
    'INSERT INTO item_bands (band_key, item_id, published_at) VALUES (?, ?, ?)',
  );
  for (const key of releasedKeys) band.run(key, 'itm1', t);
  raw.close();
}

/** Tables, columns (name, type, not null, default) and indexes, in a stable order. */
function shape(raw: BetterSqlite3.Database) {
  const objects = raw
    .prepare(
      `SELECT type, name, tbl_name FROM sqlite_master
       WHERE name NOT LIKE 'sqlite_%' AND name != '__drizzle_migrations' ORDER BY type, name`,
    )
    .all() as Array<{ type: string; name: string; tbl_name: string }>;
  return objects.map((o) =>
    o.type === 'table'
      ? {
          table: o.name,
          columns: (raw.pragma(`table_info(${o.name})`) as Array<Record<string, unknown>>)
            .map((c) => `${c.name} ${c.type} ${c.notnull ? 'NOT NULL' : ''} ${c.dflt_value}`)
            .sort(),
        }
      : { [o.type]: o.name, on: o.tbl_name },
  );
}

describe('migrations from the released schema (Node, SQLite file)', () => {
  it('the released migration is still in drizzle/, unchanged', () => {
    expect(readFileSync(join(migrationsFolder, '0000_init.sql'), 'utf8')).toBe(
      readFileSync(join(released, '0000_init.sql'), 'utf8'),
    );
  });

  it('a released database migrates to the current schema with its data kept', async () => {
    const path = join(dir, 'released.sqlite');
    releasedDatabase(path);
    const db = openSqlite(path);
    const fresh = openSqlite(join(dir, 'fresh.sqlite'));
    try {
      expect(shape(db.raw)).toEqual(shape(fresh.raw));
      // Read through the current schema: every column it names exists.
      const [network] = await db.orm.select().from(schema.networks);
      expect(network).toMatchObject({ slug: 'animacoop', name: 'Animacoop', tags: ['formation'] });
      const [source] = await db.orm.select().from(schema.sources);
      expect(source).toMatchObject({ id: 7, networkSlug: 'animacoop', etag: '"v1"' });
      const [item] = await db.orm.select().from(schema.items).where(eq(schema.items.id, 'itm1'));
      expect(item).toMatchObject({ id: 'itm1', title: 'Fête des coops' });
      const [entry] = await db.orm.select().from(schema.entries).where(eq(schema.entries.id, 1));
      expect(entry).toMatchObject({ itemId: 'itm1', sourceId: 7, guidHash: 'g1' });
      // Every story and entry keeps its summary and content, now rows of `texts`.
      const itemTexts = await db.orm
        .select({ id: schema.items.id, summary: texts.summary, content: texts.contentHtml })
        .from(schema.items)
        .leftJoin(texts, textOfItem)
        .orderBy(schema.items.id);
      expect(itemTexts.map((r) => [r.id, r.summary, r.content])).toEqual(releasedTexts.items);
      const entryTexts = await db.orm
        .select({
          id: schema.entries.id,
          itemId: schema.entries.itemId,
          guidHash: schema.entries.guidHash,
          summary: texts.summary,
          content: texts.contentHtml,
        })
        .from(schema.entries)
        .leftJoin(texts, textOfEntry)
        .orderBy(schema.entries.id);
      expect(entryTexts.map((r) => Object.values(r))).toEqual(releasedTexts.entries);
      // A story shares its best entry's row; a text is stored once per entry at most, and
      // the story whose text no entry has keeps its own.
      const textKeys = Object.fromEntries(
        (await db.orm.select().from(schema.items)).map((i) => [i.id, i.textKey]),
      );
      expect(textKeys).toEqual({
        itm1: 'entry:2',
        itm2: 'entry:3',
        itm3: null,
        itm4: 'item:itm4',
        itm5: 'entry:6',
        itm6: 'entry:7',
      });
      expect(await db.orm.select({ key: texts.key }).from(texts)).toHaveLength(7);
      // entries and items were rebuilt: the entries' foreign key names items again, and the
      // stories kept their rowids (feeds' ETags read the largest).
      const references = db.raw.pragma('foreign_key_list(entries)') as Array<{ table: string }>;
      expect(references.map((r) => r.table).sort()).toEqual(['items', 'sources']);
      expect(db.raw.prepare('SELECT rowid, id FROM items ORDER BY rowid').raw(true).all()).toEqual(
        releasedTexts.items.map(([id], i) => [i + 1, id]),
      );
      expect(db.raw.pragma('foreign_key_check')).toEqual([]);
      // 0015: guids indexed by the first 12 digits of their hash.
      const entryIndexes = db.raw.pragma('index_list(entries)') as Array<{ name: string }>;
      expect(entryIndexes.map((i) => i.name)).toContain('entries_guid_prefix');
      expect(entryIndexes.map((i) => i.name)).not.toContain('entries_guid');
      // 0016: entries by source, guid and content hash are gone; by source and guid stays.
      expect(entryIndexes.map((i) => i.name)).not.toContain('entries_source_guid_content');
      expect(entryIndexes.map((i) => i.name)).toContain('entries_source_guid');
      // 0014: no index on the stories' canonical_url any more.
      const itemIndexes = db.raw.pragma('index_list(items)') as Array<{ name: string }>;
      expect(itemIndexes.map((i) => i.name).filter((n) => !n.startsWith('sqlite_'))).toEqual([
        'items_published',
      ]);
      const [subscriber] = await db.orm.select().from(schema.subscribers);
      expect(subscriber).toMatchObject({ email: 'ana@example.org', status: 'active' });
      const [event] = await db.orm.select().from(schema.events);
      expect(event).toMatchObject({ id: 'evt1', title: 'Assemblée', timezone: 'Europe/Paris' });
      // The dedup index: each string key became the integer the store now writes for it.
      const keys = await db.orm.select().from(schema.itemKeys);
      expect(keys.map((k) => k.key).sort((a, b) => a - b)).toEqual(
        [...new Set(releasedKeys)].map(keyNumber).sort((a, b) => a - b),
      );
      // Each key points at its story's first entry (0012: itm1's entries are #1 and #2).
      expect(new Set(keys.map((k) => `${k.entryId} ${k.publishedAt}`))).toEqual(
        new Set([`1 ${1_790_000_000_000}`]),
      );
      expect(await db.orm.select().from(schema.settings)).toEqual([
        { key: 'hub', value: '{"title":"Intercoop"}' },
      ]);
    } finally {
      db.close();
      fresh.close();
    }
  });
});
