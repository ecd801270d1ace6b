import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { LIMITS } from '../../src/ingest/feed-fields.ts';
import { expectLinearWork } from '../support/linear-work.ts';

const BASE = 'https://hostile.example.org/feed';
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/parse/${name}`, import.meta.url), 'utf8');

/** The outcome of a parse, its error included. */
function settled<T>(work: () => Promise<T>): Promise<T | unknown> {
  return work().catch((err: unknown) => err);
}

function rssWithItems(count: number, body = (i: number) => `<p>Article ${i}</p>`): string {
  const items = Array.from(
    { length: count },
    (_, i) =>
      `<item><title>Article ${i}</title><link>https://hostile.example.org/${i}</link><guid>g${i}</guid><description><![CDATA[${body(i)}]]></description></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Gros flux</title><link>https://hostile.example.org/</link>${items}</channel></rss>`;
}

describe('hostile documents', () => {
  it('refuses the billion-laughs bomb at once, without expanding anything', async () => {
    // Refused on its declarations: an expansion (10⁹ « lol ») would not end within the test's
    // timeout, which is what guards against it, not a bound in milliseconds.
    const result = await settled(() => parseFeed(fixture('billion-laughs.xml'), BASE));
    expect(result).toMatchObject({ kind: 'parse_error', message: expect.stringMatching(/ENTITY/) });
  });

  it('finds entity declarations whatever the DOCTYPE’s case, after CDATA sections too', async () => {
    for (const doctype of ['<!DOCTYPE', '<!doctype', '<!DocType']) {
      for (const before of ['', '<![CDATA[x]]><!-- c --><!x>']) {
        const doc = `<?xml version="1.0"?>${before}${doctype} rss [<!ENTITY a "b">]><rss/>`;
        await expect(parseFeed(doc, BASE)).rejects.toMatchObject({
          kind: 'parse_error',
          message: expect.stringMatching(/ENTITY/),
        });
      }
    }
  });

  it('refuses an overlong <!…> declaration at once (sax re-reads it at each character)', async () => {
    for (const head of ['<!DOCT', '<?xml version="1.0"?><rss version="2.0"><!X']) {
      const doc = `${head}${'T'.repeat(100_000)}<channel><title>t</title></channel></rss>`;
      await expect(parseFeed(doc, 'https://m.example/')).rejects.toMatchObject({
        kind: 'parse_error',
        message: expect.stringContaining('Déclaration <!…>'),
      });
    }
    // A DOCTYPE, long comments and long CDATA stay readable.
    const ok = `<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
"http://my.netscape.com/publish/formats/rss-0.91.dtd"><!-- ${'c'.repeat(9000)} -->
<rss version="2.0"><channel><title>t</title><item><title><![CDATA[${'d'.repeat(9000)}]]></title>
<guid>1</guid></item></channel></rss>`;
    expect((await parseFeed(ok, 'https://m.example/')).items).toHaveLength(1);
  });

  it('reads documents cut in a long run of unclosed tags in linear time', async () => {
    // Both tag scans (nesting check, recovering pass) backtracked here: 60 s (npm run fuzz).
    for (const doc of [
      (n: number) =>
        `<?xml version="1.0"?><rss><channel><title>t</title><item><description>a${'</x'.repeat(n)}`,
      (n: number) =>
        `<?xml version="1.0"?>\n<rEND:VCALENDARink><description>RM${'</llier'.repeat(n / 3)}`,
      (n: number) => `<?xml version="1.0"?><rss><channel><item><title>a${' <1'.repeat(n)}`,
    ]) {
      await expectLinearWork(doc(10).slice(22, 60), (scale) =>
        settled(() => parseFeed(doc(7_500 * scale), BASE)),
      );
    }
  });

  it('refuses external entities (XXE)', async () => {
    await expect(parseFeed(fixture('xxe.xml'), BASE)).rejects.toMatchObject({
      kind: 'parse_error',
    });
  });

  it('reads an undeclared entity reference as its text, with a warning (as feedparser does)', async () => {
    const doc =
      '<rss version="2.0"><channel><title>&undefinedthing; &eacute;</title></channel></rss>';
    const feed = await parseFeed(doc, BASE);
    expect(feed.title).toBe('&undefinedthing; é');
    expect(feed.warning).toMatch(/« & » non échappé/);
  });

  it('reads the items before the cut of a truncated document, with a warning; nothing left is an error', async () => {
    const full = rssWithItems(3);
    const half = await parseFeed(
      full.slice(0, full.indexOf('<item>', full.indexOf('g1')) + 20),
      BASE,
    );
    expect(half.items.map((i) => i.guid)).toEqual(['g0', 'g1', null]);
    expect(half.warning).toMatch(/éléments non fermés/);
    const end = await parseFeed(full.slice(0, -10), BASE);
    expect(end.items.map((i) => i.guid)).toEqual(['g0', 'g1', 'g2']);
    await expect(parseFeed(full.slice(0, 20), BASE)).rejects.toMatchObject({
      kind: 'parse_error',
    });
  });

  it('refuses binary garbage at the decode step', () => {
    const garbage = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24);
    expect(() => decodeBody(garbage, 'application/octet-stream')).toThrow(/données binaires/);
  });

  it('refuses 100,000 levels of XML nesting quickly', async () => {
    const deep = (n: number) =>
      `<rss version="2.0"><channel><title>x</title>${'<x>'.repeat(n)}${'</x>'.repeat(n)}<item><title>a</title></item></channel></rss>`;
    expect(await settled(() => parseFeed(deep(100_000), BASE))).toMatchObject({
      kind: 'parse_error',
      message: expect.stringMatching(/imbriqué/),
    });
    await expectLinearWork('nesting', (scale) =>
      settled(() => parseFeed(deep(12_500 * scale), BASE)),
    );
  });

  it('reads 100,000 levels of unescaped HTML in a description as HTML, bounded, quickly', async () => {
    const deep = (n: number) =>
      `<rss version="2.0"><channel><title>x</title><item><title>a</title><description>${'<a>'.repeat(n)}fond${'</a>'.repeat(n)}</description></item></channel></rss>`;
    const feed = await parseFeed(deep(100_000), BASE);
    expect(feed.items[0]!.contentHtml).toContain('fond');
    expect(feed.warning).toMatch(/HTML non échappé lu comme HTML dans <description>/);
    await expectLinearWork('unescaped HTML', (scale) => parseFeed(deep(12_500 * scale), BASE));
  });

  it('reads a 10,000-item feed in time linear in its items', async () => {
    expect((await parseFeed(rssWithItems(10_000), BASE)).items).toHaveLength(10_000);
    await expectLinearWork('items', (scale) => parseFeed(rssWithItems(1_250 * scale), BASE));
  });

  it(`keeps only the first ${LIMITS.items} items of a bigger feed`, async () => {
    const feed = await parseFeed(
      rssWithItems(LIMITS.items + 500, () => 'x'),
      BASE,
    );
    expect(feed.items).toHaveLength(LIMITS.items);
    expect(feed.items.at(-1)!.guid).toBe(`g${LIMITS.items - 1}`);
  });

  it('bounds every field of a huge (≈5 MB) item', async () => {
    const doc = (n: number) => {
      const huge = 'Économie sociale et solidaire. '.repeat(n);
      return `<rss version="2.0"><channel><title>${huge}</title><item><title>${huge}</title><author>${huge}</author>${'<category>c</category>'.repeat(1000)}<description>${huge}</description></item></channel></rss>`;
    };
    const feed = await parseFeed(doc(170_000), BASE);
    const item = feed.items[0]!;
    expect(feed.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(item.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(item.summary!.length).toBeLessThanOrEqual(LIMITS.summary);
    expect(item.author!.length).toBeLessThanOrEqual(LIMITS.author);
    expect(item.contentHtml!.length).toBeLessThanOrEqual(LIMITS.content + 100);
    expect(item.categories).toEqual(['c']);
    await expectLinearWork('huge fields', (scale) => parseFeed(doc(21_250 * scale), BASE));
  });

  it('survives an item whose fields are elements instead of text', async () => {
    const doc =
      '<rss version="2.0"><channel><title><b>x</b></title><item><title><x y="1"/></title><link><a/></link><pubDate><d/></pubDate><enclosure/><category/></item></channel></rss>';
    const feed = await parseFeed(doc, BASE);
    expect(feed.items[0]).toMatchObject({
      title: null,
      url: null,
      published: null,
      enclosures: [],
      categories: [],
    });
  });

  it('survives hostile JSON Feeds (wrong types everywhere, deep arrays)', async () => {
    const doc = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 42,
      items: [
        null,
        'x',
        {
          id: {},
          url: 'javascript:alert(1)',
          title: ['a'],
          tags: 'x',
          attachments: [{ url: 5 }],
          authors: 'me',
          date_published: 12,
        },
        { nested: JSON.parse('['.repeat(1000) + ']'.repeat(1000)) },
      ],
    });
    const feed = await parseFeed(doc, BASE);
    expect(feed.title).toBeNull();
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]).toMatchObject({
      guid: null,
      url: null,
      title: null,
      categories: [],
      enclosures: [],
      author: null,
      published: null,
    });
  });
});
