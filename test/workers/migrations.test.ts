/**
 * drizzle/0011_texts_stored_once.sql on D1: a database holding stories and entries made by the
 * schema before it keeps every story's and entry's text once migrated (the same file as on
 * SQLite, test/node/migrations.test.ts); and 0012_item_keys_by_entry.sql: its dedup keys point
 * at their story's first entry; 0014_drop_items_canonical.sql, 0015_entries_guid_prefix.sql and
 * 0016_drop_entries_source_guid_content.sql change indexes, rows kept.
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const MOVE = '0011_texts_stored_once.sql';

describe('the texts migration on D1', () => {
  it('moves summaries and contents to texts, every story and entry keeping its own', async () => {
    const db = env.MIGRATION_DB;
    const all = env.TEST_MIGRATIONS;
    const at = all.findIndex((m: { name: string }) => m.name === MOVE);
    expect(at).toBeGreaterThan(0);
    await applyD1Migrations(db, all.slice(0, at));
    const t = 1_790_000_000_000;
    await db.batch([
      db.prepare(
        `INSERT INTO networks (slug, name, site, created_at, updated_at)
         VALUES ('animacoop', 'Animacoop', 'https://animacoop.example/', ${t}, ${t})`,
      ),
      db.prepare(
        `INSERT INTO sources (id, network_slug, kind, url, fetch_url, created_at)
         VALUES (7, 'animacoop', 'feed', 'https://a.example/feed', 'https://a.example/feed', ${t})`,
      ),
      ...items.map(([id, summary, content]) =>
        db
          .prepare(
            `INSERT INTO items (id, title, summary, content_html, published_at, updated_at,
                                first_seen_at)
             VALUES (?, 'Titre', ?, ?, ${t}, ${t}, ${t})`,
          )
          .bind(id, summary, content),
      ),
      ...entries.map(([id, itemId, summary, content]) =>
        db
          .prepare(
            `INSERT INTO entries (id, source_id, network_slug, item_id, guid_hash, title, summary,
                                  content_html, published_at, updated_at, first_seen_at,
                                  content_hash)
             VALUES (?, 7, 'animacoop', ?, 'g' || ?, 'Titre', ?, ?, ${t}, ${t}, ${t}, 'h')`,
          )
          .bind(id, itemId, id, summary, content),
      ),
      // The dedup index as 0009 made it, by story (0012 moves it to entries).
      ...keys.map(([key, itemId]) =>
        db
          .prepare(`INSERT INTO item_keys (key, published_at, item_id) VALUES (?, ${t}, ?)`)
          .bind(key, itemId),
      ),
    ]);
    await applyD1Migrations(db, all);
    const itemTexts = await db
      .prepare(
        `SELECT i.id, t.summary, t.content_html FROM items i
         LEFT JOIN texts t ON t.key = i.text_key ORDER BY i.id`,
      )
      .raw();
    expect(itemTexts).toEqual(items);
    const entryTexts = await db
      .prepare(
        `SELECT e.id, e.item_id, t.summary, t.content_html FROM entries e
         LEFT JOIN texts t ON t.key = e.text_key ORDER BY e.id`,
      )
      .raw();
    expect(entryTexts).toEqual(entries);
    const columns = await db.prepare(`SELECT name FROM pragma_table_info('entries')`).raw();
    expect(columns.flat()).not.toContain('content_html');
    // Rebuilt tables: the entries' foreign key names items again, stories keep their rowids.
    const references = await db
      .prepare(`SELECT "table" FROM pragma_foreign_key_list('entries') ORDER BY "table"`)
      .raw();
    expect(references.flat()).toEqual(['items', 'sources']);
    const rowids = await db.prepare('SELECT rowid, id FROM items ORDER BY rowid').raw();
    expect(rowids).toEqual(items.map(([id], i) => [i + 1, id]));
    await expect(
      db
        .prepare(
          `INSERT INTO entries (source_id, network_slug, item_id, guid_hash, title, published_at,
                                updated_at, first_seen_at, content_hash)
           VALUES (7, 'animacoop', 'no-such-item', 'gx', 'T', 1, 1, 1, 'h')`,
        )
        .run(),
    ).rejects.toThrow(/FOREIGN KEY/);
    // Each key points at its story's first entry; a story without entries had nothing to find.
    const keyRows = await db
      .prepare('SELECT key, published_at, entry_id FROM item_keys ORDER BY key')
      .raw();
    expect(keyRows).toEqual([
      [4294967297, t, 1],
      [8589934594, t, 1],
      [274877906947, t, 3],
    ]);
    // 0014: the stories' canonical_url index is gone, the stories are all there.
    const itemIndexes = await db
      .prepare(`SELECT name FROM pragma_index_list('items') WHERE origin = 'c' ORDER BY name`)
      .raw();
    expect(itemIndexes.flat()).toEqual(['items_published']);
    expect(await db.prepare('SELECT count(*) FROM items').raw()).toEqual([[items.length]]);
    // 0015: guids are indexed by the first 12 digits of their hash; the guid lookup still
    // finds an entry by its whole hash, through that index.
    const [[hash]] = await db.prepare('SELECT guid_hash FROM entries WHERE id = 3').raw();
    const found = await db
      .prepare(
        `SELECT id FROM entries INDEXED BY entries_guid_prefix
         WHERE substr(guid_hash, 1, 12) = substr(?, 1, 12) AND guid_hash = ?`,
      )
      .bind(hash, hash)
      .raw();
    expect(found).toEqual([[3]]);
    // 0016: entries by source, guid and content hash are gone (the re-pull check goes through
    // entries_source_guid), the entries are all there.
    const entryIndexes = await db
      .prepare(`SELECT name FROM pragma_index_list('entries') WHERE origin = 'c' ORDER BY name`)
      .raw();
    expect(entryIndexes.flat()).not.toContain('entries_source_guid_content');
    expect(entryIndexes.flat()).toContain('entries_source_guid');
    expect(await db.prepare('SELECT count(*) FROM entries').raw()).toEqual([[entries.length]]);
  });
});

/** [key, story]: two keys of itm1, one of itm2, one of a story whose entries are gone. */
const keys = [
  [4294967297, 'itm1'],
  [8589934594, 'itm1'],
  [274877906947, 'itm2'],
  [279172874244, 'gone'],
] as const;

/** [id, summary, content]: best entry second, summary only, no text, a text no entry has. */
const items = [
  ['itm1', null, '<p>La fête revient à Rennes samedi.</p>'],
  ['itm2', 'Résumé « seul »', null],
  ['itm3', null, null],
  ['itm4', 'Un résumé', '<p>Texte que seul le récit a gardé.</p>'],
];
/** [id, item, summary, content]. */
const entries = [
  [1, 'itm1', null, '<p>Relais court</p>'],
  [2, 'itm1', null, '<p>La fête revient à Rennes samedi.</p>'],
  [3, 'itm2', 'Résumé « seul »', null],
  [4, 'itm3', null, null],
  [5, 'itm4', 'Un autre résumé', '<p>Texte de l’entrée</p>'],
];
