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
import { keyNumber } from '../../src/db/item-keys.ts';
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
    INSERT INTO items (id, title, url, published_at, updated_at, first_seen_at, search_text)
      VALUES ('itm1', 'Fête des coops', 'https://animacoop.example/fete', ${t}, ${t}, ${t},
              'fete des coops');
    INSERT INTO entries (source_id, network_slug, item_id, guid_hash, title, published_at,
                         updated_at, first_seen_at, content_hash)
      VALUES (7, 'animacoop', 'itm1', 'g1', 'Fête des coops', ${t}, ${t}, ${t}, 'h1');
    INSERT INTO subscribers (email, choices, token_salt, confirmed_at, updated_at)
      VALUES ('ana@example.org', '{"networks":["animacoop"]}', 'salt', ${t}, ${t});
    INSERT INTO events (id, primary_source_id, uid, title, start, timezone, first_seen_at,
                        updated_at)
      VALUES ('evt1', 7, 'uid-1@animacoop', 'Assemblée', ${t}, 'Europe/Paris', ${t}, ${t});
    INSERT INTO settings (key, value) VALUES ('hub', '{"title":"Intercoop"}');
  `);
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
      const [item] = await db.orm.select().from(schema.items);
      expect(item).toMatchObject({ id: 'itm1', title: 'Fête des coops' });
      const [entry] = await db.orm.select().from(schema.entries);
      expect(entry).toMatchObject({ itemId: 'itm1', sourceId: 7, guidHash: 'g1' });
      const [subscriber] = await db.orm.select().from(schema.subscribers);
      expect(subscriber).toMatchObject({ email: 'ana@example.org', status: 'active' });
      const [event] = await db.orm.select().from(schema.events);
      expect(event).toMatchObject({ id: 'evt1', title: 'Assemblée', timezone: 'Europe/Paris' });
      // The dedup index: each string key became the integer the store now writes for it.
      const keys = await db.orm.select().from(schema.itemKeys);
      expect(keys.map((k) => k.key).sort((a, b) => a - b)).toEqual(
        [...new Set(releasedKeys)].map(keyNumber).sort((a, b) => a - b),
      );
      expect(new Set(keys.map((k) => `${k.itemId} ${k.publishedAt}`))).toEqual(
        new Set([`itm1 ${1_790_000_000_000}`]),
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
