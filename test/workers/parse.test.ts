import { describe, expect, inject, it } from 'vitest';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { sanitizeHtml } from '../../src/ingest/sanitize.ts';
import { feedToParseOutput } from '../../src/ingest/parse-feed-output.ts';

/** The same decode → parse → sanitise path inside workerd (nodejs_compat), fixtures fetched from the fixture server. */
const base = inject('fixtureBase');

async function fetchFeed(name: string) {
  const url = `${base}/parse/${name}`;
  const res = await fetch(url);
  const text = decodeBody(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
  return parseFeed(text, url);
}

describe('decode in workerd', () => {
  it('falls back to windows-1252 for Latin-1 bytes and maps 0x80–0x9F', () => {
    const bytes = Uint8Array.from([
      0xc9, 0x63, 0x6f, 0x6e, 0x6f, 0x6d, 0x69, 0x65, 0x20, 0x80, 0x20, 0x96,
    ]);
    expect(decodeBody(bytes, null)).toBe('Économie € –');
    expect(decodeBody(bytes, 'text/xml; charset=iso-8859-1')).toBe('Économie € –');
  });

  it('decodes UTF-16LE by its BOM and ISO-8859-15 by its label', () => {
    expect(
      decodeBody(
        new Uint8Array([0xff, 0xfe, 0xc9, 0x00, 0x53, 0x00]),
        'text/xml; charset=iso-8859-1',
      ),
    ).toBe('ÉS');
    expect(decodeBody(new Uint8Array([0xa4]), 'text/plain; charset=iso-8859-15')).toBe('€');
  });

  it('rejects binary bytes', () => {
    expect(() => decodeBody(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), null)).toThrow(
      /données binaires/,
    );
  });
});

describe('parse in workerd', () => {
  it('reads RSS 2.0 through rss-parser, resolved and sanitised', async () => {
    const feed = await fetchFeed('rss2.xml');
    expect(feed.items[0]).toMatchObject({
      guid: 'coop-occ-42',
      url: 'https://coop-occitanie.example.org/actus/mois-ess',
      title: 'Économie sociale & solidaire : le mois',
      categories: ['ESS', 'Occitanie'],
    });
    expect(feed.items[0]!.contentHtml).not.toContain('script');
    expect(feed.items[0]!.published?.toISOString()).toBe('2026-11-02T09:00:00.000Z');
  });

  it('reads RSS 1.0, Atom with xml:base and XHTML, JSON Feed 1.0 and 1.1', async () => {
    expect((await fetchFeed('rss1.rdf')).items[0]!.author).toBe('Yann Le Goff');
    const atom = await fetchFeed('atom.xml');
    expect(atom.items.map((i) => i.url)).toEqual([
      'https://tierslieux.example.org/blog/2026/fabrique-nantes',
      'https://autre.example.org/articles/numero-2',
      'https://tierslieux.example.org/blog/invalide',
    ]);
    expect(atom.items[1]!.title).toBe('Un titre XHTML');
    expect((await fetchFeed('feed-1.1.json')).items[0]!.author).toBe('Sophie Bernard, Paul Roux');
    expect((await fetchFeed('feed-1.0.json')).items[0]!.author).toBe('Jean Dupont');
  });

  it('reads the Latin-1 fixture through its XML declaration', async () => {
    const feed = await fetchFeed('latin1.xml');
    expect(feed.title).toBe('Économie sociale et solidaire');
    expect(feed.items[0]!.title).toBe('Café associatif – € collectés');
  });

  it('gives the parse JSON shape', async () => {
    const out = feedToParseOutput(await fetchFeed('feed-1.1.json'));
    expect(out.items[0]).toMatchObject({
      id: '2026-11-05-appel',
      published: '2026-11-05T08:00:00.000Z',
      content_html: expect.stringContaining('<p>'),
    });
  });

  it('reads malformed feeds by the recovering pass: truncated, broken WordPress', async () => {
    const truncated = await fetchFeed('truncated.xml');
    expect(truncated.items.map((i) => i.guid)).toEqual(['coop-occ-42']);
    expect(truncated.warning).toMatch(/^Flux mal formé lu en mode tolérant \(XML invalide/);
    const wordpress = await fetchFeed('wordpress-broken.xml');
    expect(wordpress.items.map((i) => [i.title, i.url])).toEqual([
      [
        'Pain <et> beurre : la boulangerie coopérative ouvre à Alès',
        'https://tierslieux-gard.example.org/?p=812&utm_source=rss&utm_medium=rss',
      ],
      [
        'R&D : un appel à projets pour les tiers-lieux ruraux',
        'https://tierslieux-gard.example.org/?p=798&utm_source=rss',
      ],
      [
        'Assemblée générale 2026 : 3 < 4 résolutions adoptées',
        'https://tierslieux-gard.example.org/?p=777',
      ],
    ]);
    expect(wordpress.warning).toMatch(/« & » non échappés/);
  });

  it('detects undeclared UTF-16/32 and legacy non-Latin encodings', async () => {
    for (const [name, title] of [
      ['fr-utf-16-le.xml', 'Économie sociale et solidaire : la coopé'],
      ['fr-utf-32-be.xml', 'Économie sociale et solidaire : la coopé'],
      ['ru-koi8-r.xml', 'Новости кооперативов: в Москве прошло со'],
      ['ru-short-cp1251.xml', 'Собрание в Москве'],
      ['el-iso-8859-7.xml', 'Νέα των συνεταιρισμών: στην Αθήνα πραγμα'],
      [
        'ja-shift_jis.xml',
        '協同組合のニュース：東京で社会的経済の集会が開かれました。地域の農業協同組合と若',
      ],
      [
        'zh-gb18030.xml',
        '合作社新闻：社会经济大会在北京举行。会议讨论了农村合作社的发展和对青年的支持。',
      ],
    ]) {
      expect((await fetchFeed(`encodings/${name}`)).items[0]!.title, name).toBe(title);
    }
  });

  it('refuses HTML pages and entity bombs', async () => {
    await expect(fetchFeed('page.html')).rejects.toMatchObject({ kind: 'not_a_feed' });
    // Refused on the declarations: an expansion would not end within the test's timeout.
    await expect(fetchFeed('billion-laughs.xml')).rejects.toMatchObject({
      kind: 'parse_error',
      message: expect.stringMatching(/ENTITY/),
    });
    await expect(fetchFeed('xxe.xml')).rejects.toMatchObject({ kind: 'parse_error' });
  });

  it('reads a 10,000-item feed', async () => {
    const items = Array.from(
      { length: 10_000 },
      (_, i) =>
        `<item><title>A ${i}</title><guid>g${i}</guid><description>&lt;p&gt;x ${i}&lt;/p&gt;</description></item>`,
    ).join('');
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`,
      'https://big.example/',
    );
    expect(feed.items).toHaveLength(10_000);
  });
});

describe('sanitize in workerd', () => {
  it.each([
    ['<a href="java&#x09;script:alert(1)">x</a>', '<a>x</a>'],
    ['<img src=x onerror=alert(1)>', '<img src="https://r.example/a/x">'],
    ['<svg onload=alert(1)><script>alert(1)</script></svg>ok', 'ok'],
    [
      '<iframe src="https://evil.example/"></iframe><iframe src="https://player.vimeo.com/video/1"></iframe>',
      '<iframe src="https://player.vimeo.com/video/1" sandbox="allow-scripts allow-same-origin allow-popups" allowfullscreen loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>',
    ],
    [
      '<img src="p.gif" width="1" height="1"><a href="../b">b</a>',
      '<a href="https://r.example/b" rel="noopener noreferrer">b</a>',
    ],
  ])('%s', (input, expected) => {
    expect(sanitizeHtml(input, 'https://r.example/a/page')).toBe(expected);
  });
});
