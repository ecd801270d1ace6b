/**
 * Texts handed to the store as UTF-8 bytes (src/db/text-value.ts; a Node reading thread sends
 * them so: workers/node/packed-texts.ts) are stored as the TEXT their strings would be, on
 * SQLite and on D1: byte for byte, never as BLOBs, when entries are inserted and when an edit
 * updates their story. Shared by test/node/text-bytes.test.ts and test/workers/text-bytes.test.ts.
 */
import { expect } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { prepareItems, type PreparedItem } from '../../src/ingest/dedupe/prepare.ts';
import { storePreparedItems } from '../../src/ingest/store-feed.ts';
import { addSource, parsedItem } from './store-fixtures.ts';

const encoder = new TextEncoder();

/** How SQLite's hex() shows a text's UTF-8 ('' for null). */
export const hexOf = (text: string | null | undefined) =>
  text == null
    ? ''
    : Array.from(encoder.encode(text), (b) => b.toString(16).padStart(2, '0'))
        .join('')
        .toUpperCase();

/** Sentences of every width of UTF-8: accents, a curly apostrophe, CJK, emoji, a BOM inside. */
const WORDS = [
  'Coopérative d’habitants à Besançon : l’assemblée générale a voté',
  'café ☕ et 🌱 jardins partagés, 👩‍👩‍👧 familles accueillies',
  '協同組合 と 地域 — 東京 の 報告',
  'Le\uFEFFtexte garde son espace insécable\u00A0et ses « guillemets »',
];

/** Items whose texts span those widths, with an empty and a missing text among them. */
function parsedItems(slug: string, edition: string) {
  return WORDS.map((words, i) =>
    parsedItem({
      guid: `${slug}-${i}`,
      url: `https://${slug}.example/${i}`,
      title: `${words.slice(0, 30)} (${i})`,
      published: new Date(Date.UTC(2026, 10, 1 + i)),
      summary: i === 2 ? null : `${edition} ${words} — résumé ${i}`,
      contentHtml:
        i === 3 ? '' : `<p>${edition} ${words}.</p><p>${words} ${words} (${slug} ${i}).</p>`,
    }),
  );
}

/** The items' texts as a reading thread sends them: UTF-8 bytes, views of one buffer. */
function asBytes(items: PreparedItem[]): void {
  const views: Array<[PreparedItem, 'summary' | 'contentHtml' | 'searchText', Uint8Array]> = [];
  for (const item of items)
    for (const field of ['summary', 'contentHtml', 'searchText'] as const) {
      const text = item[field];
      if (typeof text === 'string') views.push([item, field, encoder.encode(text)]);
    }
  const buffer = new Uint8Array(views.reduce((n, [, , b]) => n + b.length, 0));
  let at = 0;
  for (const [item, field, bytes] of views) {
    buffer.set(bytes, at);
    item[field] = buffer.subarray(at, at + bytes.length);
    at += bytes.length;
  }
}

/** What is stored of each entry's texts and of its story's search text, by guid. */
async function storedTexts(deps: Deps, sourceId: number) {
  const rows = await deps.db.rows(
    `select e.guid, typeof(t.summary), hex(t.summary), typeof(t.content_html),
       hex(t.content_html), typeof(i.search_text), hex(i.search_text)
     from entries e left join texts t on t.key = e.text_key join items i on i.id = e.item_id
     where e.source_id = ? order by e.guid`,
    [sourceId],
  );
  return rows.map(([guid, ...values]) => ({ guid, values }));
}

/** The rows storing these items' texts as strings would give. */
function expected(items: PreparedItem[]) {
  const type = (t: unknown) => (t == null ? 'null' : 'text');
  return items
    .map((p) => ({
      guid: p.guid,
      values: [
        type(p.summary),
        hexOf(p.summary as string | null),
        type(p.contentHtml),
        hexOf(p.contentHtml as string | null),
        'text',
        hexOf(p.searchText as string),
      ],
    }))
    .sort((a, b) => (a.guid! < b.guid! ? -1 : 1));
}

export async function textBytesStoredAsText(deps: Deps, slug: string): Promise<void> {
  const source = await addSource(deps, slug);
  for (const edition of ['Première édition', 'Édition corrigée ✏️']) {
    const items = await prepareItems(parsedItems(slug, edition), { fingerprints: true });
    const want = expected(items);
    // Each text non-empty where given, no summary for one item, no content for another.
    expect(want.map((w) => w.values[0])).toEqual(['text', 'text', 'null', 'text']);
    expect(want.map((w) => w.values[2])).toEqual(['text', 'text', 'text', 'null']);
    asBytes(items);
    expect(items[0]!.contentHtml).toBeInstanceOf(Uint8Array);
    const result = await storePreparedItems(deps, source, items);
    // The second edition edits each entry: its story is updated with the new search text.
    expect(result).toMatchObject(
      edition.startsWith('P') ? { new: 4, updated: 0 } : { new: 0, updated: 4 },
    );
    expect(await storedTexts(deps, source.id)).toEqual(want);
  }
}
