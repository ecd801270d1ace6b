/**
 * A reading thread packs the summaries and contents its hashing encoded already from those
 * bytes (src/ingest/kept-text-bytes.ts) instead of encoding them again: the buffer and the
 * texts left as strings must be what encoding each text gives.
 */
import { describe, expect, it } from 'vitest';
import { readFeed } from '../../src/ingest/feed-reader.ts';
import { KeptTextBytes } from '../../src/ingest/kept-text-bytes.ts';
import { packTexts } from '../../workers/node/packed-texts.ts';
import { renderSource } from '../../bench/ingest/federation.ts';

const long = (i: number) =>
  `Chère coopérative n° ${i} : ☕ 🌱 👩‍👩‍👧 協同組合 « guillemets »\u00A0et "suite" \\ du texte ${i}.`;

/** Items whose texts span UTF-8's widths, JSON's escapes, a lone surrogate and U+FFFD. */
function jsonFeed(): string {
  const items = [
    {
      id: 'a',
      title: 'Long',
      content_html: `<p>${long(1)}</p><p>${long(2)}</p>`,
      summary: long(0),
    },
    { id: 'b', title: 'Court', content_html: '<p>Bref é 😀</p>', summary: 'Bref' },
    { id: 'c', title: 'Sans texte' },
    {
      id: 'd',
      title: 'Lone',
      content_html: `<p>${long(3)} \ud800 ${long(4)}</p>`,
      summary: long(8),
    },
    { id: 'e', title: 'Résumé seul', summary: long(5) },
    { id: 'f', title: 'Remplacé', content_html: `<p>${long(6)} \uFFFD ${long(7)}</p>` },
    { id: 'a', title: 'Doublon', content_html: `<p>${long(9)}</p>` },
  ].map((item) => ({ ...item, url: `https://m.example/${item.id}` }));
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items });
}

/** What packTexts made of the items: the buffer and each text (a string, or its bytes). */
function packed(buffer: ArrayBuffer | null, items: Awaited<ReturnType<typeof readFeed>>['items']) {
  const texts = items.map((item) =>
    [item.summary, item.contentHtml, item.searchText].map((t) =>
      t instanceof Uint8Array ? Array.from(t) : t,
    ),
  );
  return { bytes: buffer ? Array.from(new Uint8Array(buffer)) : null, texts };
}

describe('packTexts with the bytes hashing kept', () => {
  const documents: Array<[string, string]> = [['texts of every width', jsonFeed()]];
  for (const i of [0, 1, 2]) {
    const feed = renderSource(() => 'http://127.0.0.1:8080', i, 50, 250, Date.UTC(2026, 10, 1));
    documents.push([`bench feed ${i}`, feed.body]);
  }

  for (const [name, text] of documents) {
    it(`packs the same bytes as encoding each text (${name})`, async () => {
      const kept = new KeptTextBytes();
      kept.reset();
      const url = 'https://m.example/feed';
      const withKept = await readFeed(text, url, { fingerprints: true, keptTexts: kept });
      const encoder = new TextEncoder();
      let used = 0;
      for (const item of withKept.items) {
        for (const field of ['summary', 'contentHtml'] as const) {
          const bytes = kept.of(item, field);
          const value = item[field];
          if (bytes === null || typeof value !== 'string') continue;
          // Only texts the encoder writes as they are (no lone surrogate, no U+FFFD) are kept.
          const wellFormed = (value as string & { isWellFormed(): boolean }).isWellFormed();
          expect(wellFormed && !value.includes('\uFFFD')).toBe(true);
          expect(Array.from(bytes)).toEqual(Array.from(encoder.encode(value)));
          used++;
        }
      }
      expect(used).toBeGreaterThan(2);
      const plain = await readFeed(text, url, { fingerprints: true });
      expect(packed(packTexts(withKept.items, kept), withKept.items)).toEqual(
        packed(packTexts(plain.items), plain.items),
      );
    });
  }

  it('keeps nothing of a text with a lone surrogate or U+FFFD, and forgets at reset', async () => {
    const kept = new KeptTextBytes();
    const read = await readFeed(jsonFeed(), 'https://m.example/feed', {
      fingerprints: true,
      keptTexts: kept,
    });
    const byUrl = new Map(read.items.map((item) => [item.url, item]));
    expect(kept.of(byUrl.get('https://m.example/d')!, 'contentHtml')).toBeNull();
    expect(kept.of(byUrl.get('https://m.example/f')!, 'contentHtml')).toBeNull();
    expect(kept.of(byUrl.get('https://m.example/a')!, 'contentHtml')).not.toBeNull();
    kept.reset();
    expect(kept.of(byUrl.get('https://m.example/a')!, 'contentHtml')).toBeNull();
  });
});
