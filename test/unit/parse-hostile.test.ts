import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { LIMITS } from '../../src/ingest/feed-fields.ts';

const BASE = 'https://hostile.example.org/feed';
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/parse/${name}`, import.meta.url), 'utf8');

async function timed<T>(work: () => Promise<T>): Promise<{ result: T | unknown; ms: number }> {
  const start = performance.now();
  const result = await work().catch((err: unknown) => err);
  return { result, ms: performance.now() - start };
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
    const { result, ms } = await timed(() => parseFeed(fixture('billion-laughs.xml'), BASE));
    expect(result).toMatchObject({ kind: 'parse_error', message: expect.stringMatching(/ENTITY/) });
    expect(ms).toBeLessThan(100);
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
      `<?xml version="1.0"?><rss><channel><title>t</title><item><description>a${'</x'.repeat(60_000)}`,
      `<?xml version="1.0"?>\n<rEND:VCALENDARink><description>RM${'</llier'.repeat(20_000)}`,
      `<?xml version="1.0"?><rss><channel><item><title>a${' <1'.repeat(60_000)}`,
    ]) {
      const { ms } = await timed(() => parseFeed(doc, BASE));
      expect(ms).toBeLessThan(2000);
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
    const deep = `<rss version="2.0"><channel><title>x</title>${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}<item><title>a</title></item></channel></rss>`;
    const { result, ms } = await timed(() => parseFeed(deep, BASE));
    expect(result).toMatchObject({
      kind: 'parse_error',
      message: expect.stringMatching(/imbriqué/),
    });
    expect(ms).toBeLessThan(1000);
  });

  it('reads 100,000 levels of unescaped HTML in a description as HTML, bounded, quickly', async () => {
    const deep = `<rss version="2.0"><channel><title>x</title><item><title>a</title><description>${'<a>'.repeat(100_000)}fond${'</a>'.repeat(100_000)}</description></item></channel></rss>`;
    const { result, ms } = await timed(() => parseFeed(deep, BASE));
    const feed = result as Awaited<ReturnType<typeof parseFeed>>;
    expect(feed.items[0]!.contentHtml).toContain('fond');
    expect(feed.warning).toMatch(/HTML non échappé lu comme HTML dans <description>/);
    expect(ms).toBeLessThan(3000);
  });

  it('reads a 10,000-item feed in bounded time', async () => {
    const { result, ms } = await timed(() => parseFeed(rssWithItems(10_000), BASE));
    expect((result as { items: unknown[] }).items).toHaveLength(10_000);
    expect(ms).toBeLessThan(10_000);
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
    const huge = 'Économie sociale et solidaire. '.repeat(170_000);
    const doc = `<rss version="2.0"><channel><title>${huge}</title><item><title>${huge}</title><author>${huge}</author>${'<category>c</category>'.repeat(1000)}<description>${huge}</description></item></channel></rss>`;
    const { result, ms } = await timed(() => parseFeed(doc, BASE));
    const feed = result as Awaited<ReturnType<typeof parseFeed>>;
    const item = feed.items[0]!;
    expect(feed.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(item.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(item.summary!.length).toBeLessThanOrEqual(LIMITS.summary);
    expect(item.author!.length).toBeLessThanOrEqual(LIMITS.author);
    expect(item.contentHtml!.length).toBeLessThanOrEqual(LIMITS.content + 100);
    expect(item.categories).toEqual(['c']);
    expect(ms).toBeLessThan(10_000);
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
