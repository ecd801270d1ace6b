/**
 * The recovering second pass (src/ingest/xml-repair.ts, parse-xml-feed.ts): feeds strict XML
 * refuses but ordinary readers read. Python's feedparser (Debian's python3-feedparser) is the
 * oracle: for each class of breakage, several shapes, the hub keeps every item feedparser
 * keeps, with the same links, and says what was wrong in a warning rather than an error.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { decodeBody } from '../../src/ingest/decode.ts';

const BASE = 'https://reseau.example/feed';
const HEAD =
  '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Réseau</title><link>https://reseau.example/</link>';
const rss = (items: string) => `${HEAD}${items}</channel></rss>`;
const item = (inner: string) => `<item>${inner}</item>`;
const second = item('<title>Deux</title><link>https://reseau.example/2</link>');

/** What feedparser reads from the document: its bozo flag and each entry's link. */
function feedparser(doc: string): { bozo: boolean; links: string[]; titles: string[] } {
  const run = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({"bozo": bool(d.bozo), "links": [e.get("link") for e in d.entries],
  "titles": [e.get("title") for e in d.entries]}))`,
    ],
    { input: doc, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

/** Each class: shapes strict XML refuses (or reads wrong) that feedparser reads. */
const CLASSES: Record<string, string[]> = {
  'bare "&"': [
    rss(item('<title>R&D en Occitanie</title><link>https://reseau.example/1</link>') + second),
    rss(item('<title>Un</title><link>https://reseau.example/1?a=1&b=2</link>') + second),
    rss(
      item(
        '<title>Un</title><link>https://reseau.example/1</link><enclosure url="https://reseau.example/a.mp3?x=1&y=2" type="audio/mpeg" length="1"/>',
      ) + second,
    ),
    rss(item('<title>Un &foo; deux</title><link>https://reseau.example/1</link>') + second),
  ],
  'unescaped HTML inside an element': [
    rss(
      item(
        '<title>Un</title><link>https://reseau.example/1</link><description><p>Bonjour <b>monde</b></p></description>',
      ) + second,
    ),
    rss(
      item(
        '<title>Un</title><link>https://reseau.example/1</link><description><p>Bonjour<br>monde <img src="a.jpg"></description>',
      ) + second,
    ),
    rss(
      item(
        '<title>Un</title><link>https://reseau.example/1</link><content:encoded><p>Texte</p><hr></content:encoded>',
      ) + second,
    ),
    rss(item('<title>Pain <et> beurre</title><link>https://reseau.example/1</link>') + second),
    rss(
      item(
        '<title>3 < 4</title><link>https://reseau.example/1</link><description>a < b</description>',
      ) + second,
    ),
  ],
  'junk around the document': [
    `<br />\n<b>Warning</b>: Cannot modify header information in <b>/var/www/feed.php</b><br />\n${rss(item('<title>Un</title><link>https://reseau.example/1</link>') + second)}`,
    `\n\nNotice: session_start(): headers already sent\n${rss(item('<title>Un\u0008</title><link>https://reseau.example/1</link>') + second)}`,
  ],
  'a document cut short': [
    rss(item('<title>Un</title><link>https://reseau.example/1</link>') + second).slice(0, -20),
    `${HEAD}${item('<title>Un</title><link>https://reseau.example/1</link>')}<item><title>Deux</title><link>https://reseau.example/2</link><description><![CDATA[<p>coupé`,
  ],
  'mismatched tags': [
    rss(
      `<item><title>Un</title><link>https://reseau.example/1</link>${second.replace('<item>', '<item><guid>x</guid>')}`,
    ),
    rss(item('<title>Un</title><link>https://reseau.example/1</link><foo><bar></foo>') + second),
  ],
};

describe('recovering pass: every item feedparser reads, with a warning', () => {
  for (const [name, shapes] of Object.entries(CLASSES)) {
    it(name, async () => {
      for (const doc of shapes) {
        const oracle = feedparser(doc);
        const feed = await parseFeed(doc, BASE);
        expect(
          feed.items.map((i) => i.url),
          doc,
        ).toEqual(oracle.links);
        expect(feed.warning, doc).toMatch(/^Flux mal formé lu en mode tolérant/);
      }
    }, 60_000);
  }

  it('keeps the text of unescaped HTML and literal tags a title holds', async () => {
    const [amp, , enclosure, entity] = CLASSES['bare "&"']!;
    expect((await parseFeed(amp!, BASE)).items[0]!.title).toBe('R&D en Occitanie');
    expect((await parseFeed(enclosure!, BASE)).items[0]!.enclosures[0]!.url).toBe(
      'https://reseau.example/a.mp3?x=1&y=2',
    );
    expect((await parseFeed(entity!, BASE)).items[0]!.title).toBe('Un &foo; deux');
    const [wellFormed, broken, encoded, et, lt] = CLASSES['unescaped HTML inside an element']!;
    expect((await parseFeed(wellFormed!, BASE)).items[0]!.contentHtml).toBe(
      '<p>Bonjour <b>monde</b></p>',
    );
    expect((await parseFeed(broken!, BASE)).items[0]!.contentHtml).toBe(
      '<p>Bonjour<br>monde <img src="https://reseau.example/a.jpg"></p>',
    );
    expect((await parseFeed(encoded!, BASE)).items[0]!.contentHtml).toBe('<p>Texte</p><hr>');
    // feedparser drops "<et>"; a person wrote it: the hub keeps it.
    expect((await parseFeed(et!, BASE)).items[0]!.title).toBe('Pain <et> beurre');
    expect((await parseFeed(lt!, BASE)).items[0]).toMatchObject({
      title: '3 < 4',
      summary: 'a < b',
    });
  });

  it('reads mixed-case names right in the tolerant mode (rss-parser over sax without strict)', async () => {
    const doc = rss(
      item(
        '<title>Un</title><guid isPermaLink="false">urn:un</guid><pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate><media:content url="https://reseau.example/v.mp4" type="video/mp4" fileSize="12"/><foo><bar></foo>',
      ),
    ).replace(
      '<rss version="2.0"',
      '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"',
    );
    const feed = await parseFeed(doc, BASE);
    expect(feed.warning).toMatch(/lues en mode tolérant/);
    expect(feed.items[0]).toMatchObject({
      guid: 'urn:un',
      url: null,
      enclosures: [{ url: 'https://reseau.example/v.mp4', type: 'video/mp4', length: 12 }],
    });
    expect(feed.items[0]!.published?.toISOString()).toBe('2026-11-02T09:00:00.000Z');
  });

  it('says nothing of a well-formed feed, and still refuses what is not a feed', async () => {
    const clean = rss(item('<title>R&amp;D</title><link>https://reseau.example/1</link>'));
    expect((await parseFeed(clean, BASE)).warning).toBeUndefined();
    await expect(parseFeed('<?xml version="1.0"?><svg><g/></svg>', BASE)).rejects.toMatchObject({
      kind: 'not_a_feed',
    });
    await expect(parseFeed('<rss version="2.0"><chan', BASE)).rejects.toMatchObject({
      kind: 'parse_error',
    });
  });

  it('reads a broken WordPress export (PHP warning, bare "&", raw HTML, control characters)', async () => {
    const doc = readFileSync(
      new URL('../fixtures/parse/wordpress-broken.xml', import.meta.url),
      'utf8',
    );
    const feed = await parseFeed(decodeBody(new TextEncoder().encode(doc), null), BASE);
    expect(feed.items.map((i) => i.url)).toEqual(feedparser(doc).links);
    expect(feed.items.map((i) => [i.title, i.author])).toEqual([
      ['Pain <et> beurre : la boulangerie coopérative ouvre à Alès', 'Léa Fabre'],
      ['R&D : un appel à projets pour les tiers-lieux ruraux', 'Marc Roux'],
      ['Assemblée générale 2026 : 3 < 4 résolutions adoptées', 'Léa Fabre'],
    ]);
    expect(feed.title).toBe('Tiers-lieux & Coopératives du Gard');
    expect(feed.warning).toMatch(/texte avant le début du flux ignoré/);
    expect(feed.warning).toMatch(/« & » non échappés/);
  }, 30_000);
});

describe('JSON Feed version', () => {
  it.each([
    '1.1',
    '1',
    ' 1.0 ',
    'https://jsonfeed.org/version/1.1',
    'http://jsonfeed.org/version/1',
  ])('accepts "version": %j', async (version) => {
    const feed = await parseFeed(
      JSON.stringify({ version, title: 'T', items: [{ id: '1', content_text: 'Bonjour' }] }),
      BASE,
    );
    expect(feed.items).toHaveLength(1);
  });

  it.each(['2', 'https://example.org/version/1', ''])('refuses "version": %j', async (version) => {
    await expect(parseFeed(JSON.stringify({ version, items: [] }), BASE)).rejects.toMatchObject({
      kind: 'not_a_feed',
    });
  });
});
