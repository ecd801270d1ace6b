import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { IngestError } from '../../src/ingest/types.ts';

const BASE = 'https://hub-fetched.example.net/feeds/doc';
const fixture = (name: string) =>
  decodeBody(
    new Uint8Array(readFileSync(new URL(`../fixtures/parse/${name}`, import.meta.url))),
    null,
  );
const parse = (name: string) => parseFeed(fixture(name), BASE);

describe('parseFeed: RSS 2.0', async () => {
  const feed = await parse('rss2.xml');
  const [first, undated, cest] = feed.items;

  it('reads the channel', () => {
    expect(feed).toMatchObject({
      kind: 'feed',
      format: 'rss',
      title: 'Coopérer en Occitanie',
      link: 'https://coop-occitanie.example.org/',
    });
    expect(feed.items).toHaveLength(3);
  });

  it('reads guid, link resolved against the channel link, plain-text title with entities decoded', () => {
    expect(first!.guid).toBe('coop-occ-42');
    expect(first!.url).toBe('https://coop-occitanie.example.org/actus/mois-ess');
    expect(first!.title).toBe('Économie sociale & solidaire : le mois');
  });

  it('reads dates with offsets and zone names; an invalid date is null', () => {
    expect(first!.published?.toISOString()).toBe('2026-11-02T09:00:00.000Z');
    expect(cest!.published?.toISOString()).toBe('2026-10-13T07:30:00.000Z');
    expect(undated!.published).toBeNull();
    expect(undated!.updated).toBeNull();
  });

  it('prefers content:encoded, sanitised, with URLs resolved against the item link', () => {
    expect(first!.contentHtml).toBe(
      '<p>Un mois pour découvrir <a href="https://coop-occitanie.example.org/programme" rel="noopener noreferrer">le programme</a>.</p>' +
        '<img src="https://coop-occitanie.example.org/actus/img/affiche.jpg" alt="Affiche">',
    );
    expect(first!.summary).toBe("Un mois pour découvrir l'ESS.");
  });

  it('reads dc:creator, the name in "email (Name)", deduplicated categories and every enclosure', () => {
    expect(first!.author).toBe('Camille Martin');
    expect(undated!.author).toBe('La rédaction');
    expect(first!.categories).toEqual(['ESS', 'Occitanie']);
    expect(first!.enclosures).toEqual([
      {
        url: 'https://coop-occitanie.example.org/media/podcast.mp3',
        type: 'audio/mpeg',
        length: 123456,
      },
      {
        url: 'https://coop-occitanie.example.org/media/programme.pdf',
        type: 'application/pdf',
        length: null,
      },
    ]);
  });

  it('uses a permalink guid as the link; no guid gives null', () => {
    expect(undated!.url).toBe('https://coop-occitanie.example.org/actus/sans-date');
    expect(cest!.guid).toBeNull();
    expect(cest!.contentHtml).toBeNull();
  });
});

describe('parseFeed: RSS 1.0 (RDF) and 0.91', () => {
  it('reads an RDF feed with dc:date, dc:subject and rdf:about as guid', async () => {
    const feed = await parse('rss1.rdf');
    expect(feed.format).toBe('rdf');
    expect(feed.title).toBe('Numérique en Bretagne');
    expect(feed.items[0]).toMatchObject({
      guid: 'https://numerique-bretagne.example.org/billets/1',
      url: 'https://numerique-bretagne.example.org/billets/1',
      author: 'Yann Le Goff',
      categories: ['médiation numérique'],
      summary: 'Formation à Rennes, inscription.',
    });
    expect(feed.items[0]!.published?.toISOString()).toBe('2026-11-03T07:15:00.000Z');
    expect(feed.items[0]!.contentHtml).toContain(
      'href="https://numerique-bretagne.example.org/inscription"',
    );
  });

  it('reads RSS 0.91 with its public DOCTYPE (not an entity declaration)', async () => {
    const feed = await parse('rss091.xml');
    expect(feed.items[0]).toMatchObject({
      title: 'Un vieil article',
      url: 'http://vieux.example.org/1',
    });
  });
});

describe('parseFeed: Atom 1.0', async () => {
  const feed = await parse('atom.xml');
  const [first, xhtml, invalid] = feed.items;

  it('resolves links against xml:base (feed and entry level)', () => {
    expect(feed.link).toBe('https://tierslieux.example.org/blog/');
    expect(first!.url).toBe('https://tierslieux.example.org/blog/2026/fabrique-nantes');
    expect(xhtml!.url).toBe('https://autre.example.org/articles/numero-2');
    expect(first!.enclosures).toEqual([
      { url: 'https://tierslieux.example.org/img/fabrique.jpg', type: 'image/jpeg', length: 2048 },
    ]);
  });

  it('reads html titles, xhtml titles and content in document order', () => {
    expect(feed.title).toBe('Tiers-lieux & fabriques');
    expect(xhtml!.title).toBe('Un titre XHTML');
    expect(xhtml!.contentHtml).toBe(
      '<p>Un paragraphe avec <a href="https://autre.example.org/articles/lien" rel="noopener noreferrer">un lien</a>.</p>',
    );
  });

  it('sanitises html content resolved against the entry link; text summaries stay text', () => {
    expect(first!.contentHtml).toBe(
      '<p>Voir <a href="https://tierslieux.example.org/blog/2026/plan.html" rel="noopener noreferrer">le plan</a> <img src="https://tierslieux.example.org/blog/2026/photo.jpg"></p>',
    );
    expect(first!.summary).toBe('Une fabrique <b>ouvre</b>.');
    expect(invalid!.contentHtml).toBe('<p>Texte &lt;pas du HTML&gt;</p><p>Second paragraphe.</p>');
  });

  it('reads published/updated, falls back to updated, and gives null for unreadable dates', () => {
    expect(first!.published?.toISOString()).toBe('2026-11-04T09:00:00.000Z');
    expect(first!.updated?.toISOString()).toBe('2026-11-04T10:00:00.000Z');
    expect(xhtml!.published?.toISOString()).toBe('2026-11-01T09:00:00.000Z');
    expect(invalid!.published).toBeNull();
    expect(invalid!.updated).toBeNull();
  });

  it('reads categories by term and authors (entry first, then feed)', () => {
    expect(first!.categories).toEqual(['tiers-lieux', 'Pays de la Loire']);
    expect(first!.author).toBe('Réseau des tiers-lieux');
    expect(xhtml!.author).toBe('Léa');
  });
});

describe('parseFeed: JSON Feed', () => {
  it('reads JSON Feed 1.1', async () => {
    const feed = await parse('feed-1.1.json');
    expect(feed).toMatchObject({
      format: 'json',
      title: 'Collectivités & numérique',
      link: 'https://collectivites.example.org/',
    });
    const [first, second] = feed.items;
    expect(first).toMatchObject({
      guid: '2026-11-05-appel',
      url: 'https://collectivites.example.org/appels/2026-11-05',
      title: 'Appel à projets « Inclusion numérique »',
      author: 'Sophie Bernard, Paul Roux',
      summary: 'Un appel pour les collectivités.',
      categories: ['Inclusion', 'collectivités'],
      enclosures: [
        {
          url: 'https://collectivites.example.org/docs/appel.pdf',
          type: 'application/pdf',
          length: 52000,
        },
      ],
    });
    expect(first!.published?.toISOString()).toBe('2026-11-05T08:00:00.000Z');
    expect(first!.updated?.toISOString()).toBe('2026-11-06T08:00:00.000Z');
    expect(first!.contentHtml).toContain(
      '<iframe src="https://www.youtube-nocookie.com/embed/xyz"',
    );
    expect(first!.contentHtml).not.toContain('evil.example');
    expect(second).toMatchObject({
      guid: '17',
      url: null,
      title: null,
      published: null,
      author: 'Association des collectivités',
    });
    expect(second!.contentHtml).toBe(
      '<p>Texte brut &lt;sans&gt; balises.</p><p>Deuxième paragraphe.</p>',
    );
  });

  it('reads JSON Feed 1.0 (single author object)', async () => {
    const feed = await parse('feed-1.0.json');
    expect(feed.items[0]).toMatchObject({
      guid: 'a1',
      title: 'Article un',
      author: 'Jean Dupont',
      contentHtml: '<p>Bonjour</p>',
    });
  });

  it('refuses JSON that is not a JSON Feed, and broken JSON', async () => {
    await expect(parseFeed('{"hello": "world"}', BASE)).rejects.toMatchObject({
      kind: 'not_a_feed',
    });
    await expect(
      parseFeed('{"version": "https://jsonfeed.org/version/1.1", "items": [', BASE),
    ).rejects.toMatchObject({ kind: 'parse_error' });
  });
});

describe('parseFeed: encodings and errors', () => {
  it('reads a Latin-1 feed decoded through its XML declaration', async () => {
    const feed = await parse('latin1.xml');
    expect(feed.title).toBe('Économie sociale et solidaire');
    expect(feed.items[0]!.title).toBe('Café associatif – € collectés');
  });

  it('resolves relative links against the document URL when the feed has no link', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>x</title><item><title>a</title><link>a/b.html</link></item></channel></rss>',
      BASE,
    );
    expect(feed.items[0]!.url).toBe('https://hub-fetched.example.net/feeds/a/b.html');
  });

  it.each([['page.html', 'not_a_feed', /page HTML/]])(
    '%s → %s with a readable message',
    async (name, kind, message) => {
      const err = await parse(name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IngestError);
      expect(err).toMatchObject({ kind });
      expect((err as Error).message).toMatch(message);
    },
  );

  it('reads truncated.xml up to its cut, saying where strict XML broke', async () => {
    const feed = await parse('truncated.xml');
    expect(feed.items.map((i) => i.guid)).toEqual(['coop-occ-42']);
    expect(feed.warning).toMatch(
      /^Flux mal formé lu en mode tolérant \(XML invalide : .+ \(ligne \d+, colonne \d+\)\) : éléments non fermés/,
    );
  });

  it('refuses XML that is neither RSS nor Atom, plain text and empty documents', async () => {
    await expect(parseFeed('<?xml version="1.0"?><svg><g/></svg>', BASE)).rejects.toMatchObject({
      kind: 'not_a_feed',
    });
    await expect(parseFeed('Bonjour, ceci est du texte.', BASE)).rejects.toMatchObject({
      kind: 'not_a_feed',
    });
    await expect(parseFeed('  \n', BASE)).rejects.toMatchObject({ kind: 'not_a_feed' });
  });
});
