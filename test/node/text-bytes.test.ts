/**
 * Texts given as UTF-8 bytes are stored as the TEXT their strings would be (SQLite), and a
 * feed read on a thread sends its large texts so: one transferred buffer per document, stored
 * exactly as the same feed read in line (workers/node/packed-texts.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inlineFeedReader, type ReadFeed } from '../../src/ingest/feed-reader.ts';
import { StoreBatcher } from '../../src/ingest/store-batcher.ts';
import { feedReaderPool } from '../../workers/node/feed-reader-pool.ts';
import { renderSource } from '../../bench/ingest/federation.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource } from '../support/store-fixtures.ts';
import { textBytesStoredAsText } from '../support/text-bytes-scenarios.ts';

const NOW = Date.UTC(2026, 10, 20);

/** A JSON Feed whose texts span UTF-8's widths, with a lone surrogate, short and empty texts. */
function jsonFeed(): string {
  const long = (i: number) =>
    `Chère coopérative n° ${i} : ☕ 🌱 👩‍👩‍👧 協同組合 « guillemets »\u00A0et suite du texte ${i}.`;
  const items = [
    { id: 'a', title: 'Long', content_html: `<p>${long(1)}</p><p>${long(2)}</p>` },
    { id: 'b', title: 'Court', content_html: '<p>Bref é 😀</p>', summary: 'Bref' },
    { id: 'c', title: 'Sans texte' },
    { id: 'd', title: 'Vide', content_html: '', summary: '' },
    // A character no UTF-8 encodes: SQLite stores what the string gives, as before.
    { id: 'e', title: 'Seul', content_html: `<p>${long(3)} \ud800 ${long(4)}</p>` },
    { id: 'f', title: 'Résumé seul', summary: long(5) },
    // U+FFFD itself is well-formed: it travels as bytes like any other character.
    { id: 'g', title: 'Remplacé', content_html: `<p>${long(6)} \uFFFD ${long(7)}</p>` },
  ].map((item) => ({
    ...item,
    url: `https://m.example/${item.id}`,
    date_published: '2026-11-01T10:00:00Z',
  }));
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items });
}

/**
 * Every column of the texts, stories and entries a source's items made, by guid hash; stored
 * as a pull stores them (store-batcher.ts), which frees the texts' buffer once they are stored.
 */
async function stored(read: ReadFeed) {
  // Every item of a big document stored at once (the flood quota keeps 300 per pull).
  const deps = makeNodeDeps({ HUB_MAX_NEW_PER_PULL: '5000' });
  try {
    const source = await addSource(deps, 'reseau-a');
    const { release, items } = read;
    let released = 0;
    const handed = new StoreBatcher(deps).lane().store(
      {
        source,
        items,
        release: release && (() => (released++, release())),
      },
      true,
    );
    const { committed } = await handed.stored;
    await committed;
    if (release) {
      expect(released).toBe(1);
      // The texts' memory is freed: their views are empty.
      const views = items.filter((i) => i.contentHtml instanceof Uint8Array);
      expect(views.length).toBeGreaterThan(0);
      expect(views.every((i) => (i.contentHtml as Uint8Array).length === 0)).toBe(true);
    }
    const rows = (sql: string) => deps.db.rows(sql, []);
    return {
      texts: await rows(
        `select e.guid_hash, typeof(t.summary), hex(t.summary), typeof(t.content_html),
           hex(t.content_html) from entries e left join texts t on t.key = e.text_key
         order by e.guid_hash`,
      ),
      items: await rows(
        `select e.guid_hash, typeof(i.search_text), hex(i.search_text), i.title, i.text_key
         from entries e join items i on i.id = e.item_id order by e.guid_hash`,
      ),
      entries: await rows(
        `select guid_hash, guid, url, title, text_key, content_hash, minhash, text_length
         from entries order by guid_hash`,
      ),
    };
  } finally {
    await deps.close();
  }
}

describe('texts as bytes', () => {
  const pool = feedReaderPool(1);
  afterAll(() => pool.close());

  it('are stored as the TEXT of their strings, inserted and updated (SQLite)', async () => {
    const deps = makeNodeDeps();
    try {
      await textBytesStoredAsText(deps, 'octets');
    } finally {
      await deps.close();
    }
  });

  it('a feed read on a thread brings its large texts as bytes of one buffer, stored as read in line', async () => {
    const text = jsonFeed();
    const url = 'https://m.example/feed.json';
    const threaded = await pool.read(text, url);
    expect(threaded.release).toBeTypeOf('function');
    const byId = new Map(threaded.items.map((i) => [i.guid, i]));
    const a = byId.get('a')!;
    expect(a.contentHtml).toBeInstanceOf(Uint8Array);
    expect(a.searchText).toBeInstanceOf(Uint8Array);
    const f = byId.get('f')!;
    expect(f.summary).toBeInstanceOf(Uint8Array);
    expect((a.contentHtml as Uint8Array).buffer).toBe((f.summary as Uint8Array).buffer);
    // Short texts stay strings; so does a text with a lone surrogate (U+FFFD once encoded).
    expect(typeof byId.get('b')!.contentHtml).toBe('string');
    const lone = byId.get('e')!.contentHtml;
    expect(typeof lone).toBe('string');
    expect(lone).toContain('\ud800');
    expect(byId.get('c')!.contentHtml).toBeNull();
    expect(byId.get('g')!.contentHtml).toBeInstanceOf(Uint8Array);
    const fromThread = await stored(threaded);
    const inLine = await stored(await inlineFeedReader.read(text, url));
    expect(fromThread).toEqual(inLine);
    expect(fromThread.texts.length).toBe(7);
    expect(fromThread.texts.flatMap((r) => [r[1], r[3]])).not.toContain('blob');
    expect(fromThread.items.map((r) => r[1])).toEqual(Array(7).fill('text'));
  });

  it('a document of thousands of items: one buffer, every text stored as read in line', async () => {
    const feed = renderSource(() => 'https://m.example', 3, 2000, 40, NOW);
    const url = 'https://m.example/3.xml';
    const threaded = await pool.read(feed.body, url);
    expect(threaded.items.length).toBe(2000);
    const buffers = new Set(
      threaded.items.flatMap((i) =>
        [i.summary, i.contentHtml, i.searchText].map((t) => (t as Uint8Array).buffer),
      ),
    );
    expect(buffers.size).toBe(1);
    const fromThread = await stored(threaded);
    expect(fromThread).toEqual(await stored(await inlineFeedReader.read(feed.body, url)));
    expect(fromThread.items.length).toBe(2000);
  }, 120_000);
});
