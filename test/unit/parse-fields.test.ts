/**
 * The fields a reader expects from RSS as the world writes it (parse-xml-feed.ts): authors as
 * names (never a channel's address), Dublin Core / iTunes / Atom / Media RSS fallbacks, and a
 * video's playable file before its torrent.
 */
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { personName } from '../../src/ingest/parse-xml-feed.ts';

const BASE = 'https://reseau.example/feed';
const NS =
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"';
const rss = (channel: string, items: string[]) =>
  `<rss version="2.0" ${NS}><channel><title>R</title><link>https://reseau.example/</link>${channel}${items.map((i) => `<item><link>https://reseau.example/${Math.random()}</link>${i}</item>`).join('')}</channel></rss>`;
const first = async (channel: string, item: string) =>
  (await parseFeed(rss(channel, [item]), BASE)).items[0]!;

describe('personName', () => {
  it.each([
    ['jean@example.org (Jean Dupont)', true, 'Jean Dupont'],
    ['Jean Dupont <jean@example.org>', true, 'Jean Dupont'],
    ['"Jean Dupont" <mailto:jean@example.org>', true, 'Jean Dupont'],
    ['jean@example.org', true, 'jean@example.org'],
    ['jean@example.org', false, null],
    ['mailto:jean@example.org', false, null],
    ['jean@example.org ()', false, null],
    ['La rédaction', false, 'La rédaction'],
  ])('%j (address allowed: %s) → %j', (value, allowed, name) => {
    expect(personName(value, allowed)).toBe(name);
  });
});

describe('RSS authors', () => {
  it('gives the name of an item author written as a mailbox', async () => {
    for (const author of [
      'jean@example.org (Jean Dupont)',
      'Jean Dupont &lt;jean@example.org&gt;',
    ]) {
      expect((await first('', `<author>${author}</author>`)).author).toBe('Jean Dupont');
    }
    expect((await first('', '<dc:creator>Léa Fabre</dc:creator>')).author).toBe('Léa Fabre');
    expect((await first('', '<itunes:author>Nadia Benali</itunes:author>')).author).toBe(
      'Nadia Benali',
    );
    expect(
      (await first('', '<atom:author><atom:name>Marc Roux</atom:name></atom:author>')).author,
    ).toBe('Marc Roux');
  });

  it('never gives an item the channel managingEditor or webMaster address', async () => {
    for (const channel of [
      '<managingEditor>redac@reseau.example</managingEditor>',
      '<webMaster>web@reseau.example (Service web)</webMaster>',
      '<managingEditor>mailto:redac@reseau.example</managingEditor><webMaster>web@reseau.example</webMaster>',
    ]) {
      expect((await first(channel, '<title>a</title>')).author, channel).toBeNull();
    }
  });

  it('gives an item without author the channel’s name when the channel names one', async () => {
    expect(
      (await first('<managingEditor>redac@reseau.example (La rédaction)</managingEditor>', ''))
        .author,
    ).toBe('La rédaction');
    expect((await first('<itunes:author>Collectif</itunes:author>', '')).author).toBe('Collectif');
    expect((await first('<dc:creator>Le bureau</dc:creator>', '')).author).toBe('Le bureau');
  });
});

describe('RSS fallbacks', () => {
  it('reads dc:title, itunes:title and atom:title when <title> is missing', async () => {
    for (const el of ['dc:title', 'itunes:title', 'atom:title', 'media:title']) {
      expect((await first('', `<${el}>Le titre</${el}>`)).title, el).toBe('Le titre');
    }
  });

  it('reads the link from atom:link, the date from atom:published, the text from iTunes or Media RSS', async () => {
    const item = (
      await parseFeed(
        rss('', []).replace(
          '</channel>',
          '<item><atom:link rel="alternate" href="/a/1"/><atom:published>2026-11-02T10:00:00Z</atom:published><itunes:summary>Résumé de l’épisode</itunes:summary></item></channel>',
        ),
        BASE,
      )
    ).items[0]!;
    expect(item).toMatchObject({
      url: 'https://reseau.example/a/1',
      summary: 'Résumé de l’épisode',
      contentHtml: '<p>Résumé de l’épisode</p>',
    });
    expect(item.published?.toISOString()).toBe('2026-11-02T10:00:00.000Z');
    expect(
      (await first('', '<media:group><media:description>Vidéo</media:description></media:group>'))
        .summary,
    ).toBe('Vidéo');
  });

  it('puts playable media first: media:group video before a torrent, audio before a cover', async () => {
    const video = await first(
      '',
      '<enclosure url="https://t.example/v.torrent" type="application/x-bittorrent" length="1"/><media:group><media:content url="https://t.example/v-720.mp4" type="video/mp4" fileSize="20"/></media:group><media:thumbnail url="https://t.example/v.jpg"/>',
    );
    expect(video.enclosures.map((e) => [e.url, e.type])).toEqual([
      ['https://t.example/v-720.mp4', 'video/mp4'],
      ['https://t.example/v.torrent', 'application/x-bittorrent'],
      ['https://t.example/v.jpg', 'image/jpeg'],
    ]);
    const untyped = await first(
      '',
      '<media:content url="https://t.example/v.webm" medium="video"/>',
    );
    expect(untyped.enclosures[0]).toMatchObject({ type: 'video/webm' });
    const episode = await first(
      '',
      '<itunes:image href="https://p.example/12.png"/><enclosure url="https://p.example/12.mp3" type="audio/mpeg" length="3"/>',
    );
    expect(episode.enclosures.map((e) => e.type)).toEqual(['audio/mpeg', 'image/png']);
  });

  it('reads a YouTube-style Atom entry’s media:group description and thumbnail', async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>Chaîne</title><entry><id>yt:1</id><title>Vidéo</title><link rel="alternate" href="https://video.example/watch?v=1"/><updated>2026-11-02T10:00:00Z</updated><media:group><media:description>Le texte de la vidéo</media:description><media:thumbnail url="https://video.example/1.jpg"/></media:group></entry></feed>`,
      BASE,
    );
    expect(feed.items[0]).toMatchObject({
      summary: 'Le texte de la vidéo',
      enclosures: [{ url: 'https://video.example/1.jpg', type: 'image/jpeg', length: null }],
    });
  });
});
