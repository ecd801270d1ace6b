import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { sources } from '../../src/db/schema/index.ts';
import { seedFederation } from '../support/publish-seed.ts';
import { parsedItem } from '../support/store-fixtures.ts';

interface JsonFeed {
  next_url?: string;
  items: { id: string; title: string; _hub: { networks: string[]; links: string[] } }[];
}

const FILLERS = 60;
const deps = () => {
  const d = workerDeps(env as unknown as Env);
  d.log = { info() {}, warn() {}, error() {} };
  return d;
};
const json = async (path: string) =>
  (await (await SELF.fetch(`https://hub.test${path}`)).json()) as JsonFeed;

describe('unified feed and pages in workerd with D1', () => {
  beforeAll(async () => {
    await seedFederation(deps(), FILLERS);
  });

  it('filters and pages the JSON Feed with provenance', async () => {
    const tiers = await json('/feed.json?network=tiers-lieux');
    expect(tiers.items.map((i) => i.title).sort()).toEqual([
      'Atelier fablab ouvert à tous',
      'Rencontre régionale des coopératives',
    ]);
    expect(tiers.items.find((i) => i.title.startsWith('Rencontre'))!._hub.networks).toEqual([
      'animacoop',
      'tiers-lieux',
    ]);
    expect((await json('/feed.json?territory=bretagne&limit=200')).items).toHaveLength(FILLERS + 2);
    expect((await json('/feed.json?tag=audio')).items).toHaveLength(1);
    expect((await json('/feed.json?q=fablab')).items).toHaveLength(1);
    const seen = new Set<string>();
    let url: string | undefined = '/feed.json?limit=25';
    while (url) {
      const doc: JsonFeed = await json(url.replace('https://hub.example.org', ''));
      for (const i of doc.items) seen.add(i.id);
      url = doc.next_url;
    }
    expect(seen.size).toBe(FILLERS + 3);
    const bad = await SELF.fetch('https://hub.test/feed.json?limit=500');
    expect(bad.status).toBe(400);
  });

  it('serves Atom and RSS with validators, and 304s', async () => {
    const atom = await SELF.fetch('https://hub.test/feed.atom?limit=5');
    expect(atom.headers.get('content-type')).toContain('application/atom+xml');
    expect(await atom.text()).toContain('<source>');
    const rss = await SELF.fetch('https://hub.test/networks/animacoop/feed.xml');
    const etag = rss.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(rss.headers.get('last-modified')).toBeTruthy();
    expect(rss.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await rss.text()).toContain(
      '<source url="https://hub.example.org/networks/animacoop/feed.xml">Animacoop</source>',
    );
    const again = await SELF.fetch('https://hub.test/networks/animacoop/feed.xml', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect((await SELF.fetch('https://hub.test/networks/nope/feed.xml')).status).toBe(404);
  });

  it('answers a popular feed from the Cache API without reading D1 again', async () => {
    const url = 'https://hub.test/feed.json?q=nouveaut%C3%A9';
    expect((await json('/feed.json?q=nouveaut%C3%A9')).items).toHaveLength(0);
    const d = deps();
    const [src] = await d.db.orm.select().from(sources).limit(1);
    await storeFeedItems(d, src!, [
      parsedItem({
        guid: 'w-new',
        url: 'https://animacoop.example/w-new',
        title: 'Une nouveauté',
        contentHtml: '<p>Nouveauté du jour.</p>',
        published: new Date(),
      }),
    ]);
    // Same URL: served from caches.default (edge TTL), so the new story is not there yet…
    const cached = await SELF.fetch(url);
    expect(((await cached.json()) as JsonFeed).items).toHaveLength(0);
    expect(cached.headers.get('cache-control')).toBe('public, max-age=300');
    // …while a request the cache has not seen reads the store.
    expect((await json('/feed.json?q=nouveaut%C3%A9&limit=10')).items.map((i) => i.title)).toEqual([
      'Une nouveauté',
    ]);
  });

  it('renders the pages from D1, with an HTML 404 for an unknown network', async () => {
    const home = await SELF.fetch('https://hub.test/?network=tiers-lieux');
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Rencontre régionale des coopératives');
    expect(html).toContain('href="/feed.xml?network=tiers-lieux"');
    const dir = await (await SELF.fetch('https://hub.test/networks')).text();
    expect(dir).toContain('Erreur : le serveur a répondu 404');
    expect(dir).toContain('Source retirée (410)');
    const missing = await SELF.fetch('https://hub.test/networks/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
  });
});
