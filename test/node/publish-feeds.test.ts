import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { execFileSync } from 'node:child_process';
import type { ServerType } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { sources } from '../../src/db/schema/index.ts';
import { startServer } from '../../workers/node/serve.ts';
import { answerBeforeRouting } from '../../src/publish/fast-path.ts';
import { readHubSettings, writeHubSettings } from '../../src/db/hub-settings.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { seedFederation } from '../support/publish-seed.ts';
import { parsedItem } from '../support/store-fixtures.ts';
import {
  feedparser,
  jingAtom,
  jsonFeedErrors,
  newsboatTitles,
} from '../support/feed-validators.ts';

interface JsonFeed {
  next_url?: string;
  items: {
    id: string;
    title: string;
    tags?: string[];
    _hub: { networks: string[]; links: string[] };
  }[];
}

const FILLERS = 130;
const TOTAL = FILLERS + 3; // the relayed story counts once

describe('unified feed (Node, real SQLite, real validators)', () => {
  const deps = makeNodeDeps();
  const app = createApp(deps);
  let server: ServerType;
  let base = '';
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers });
  const json = async (path: string) => (await (await get(path)).json()) as JsonFeed;

  beforeAll(async () => {
    await seedFederation(deps, FILLERS);
    const started = await startServer(deps, 0, '127.0.0.1');
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
  });
  afterAll(async () => {
    server?.close();
    await deps.close();
  });

  it('Atom passes the RFC 4287 RELAX NG grammar (jing) and says where each story came from', async () => {
    const res = await get('/feed.atom?limit=5');
    expect(res.headers.get('content-type')).toContain('application/atom+xml');
    const xml = await res.text();
    expect(jingAtom(xml)).toBe('');
    // The grammar does reject: a feed without id and updated.
    expect(jingAtom('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')).not.toBe(
      '',
    );
    const parsed = feedparser(xml);
    expect(parsed.bozo).toBe(0);
    expect(parsed.entries).toHaveLength(5);
    const relayed = parsed.entries.find((e) => e.title === 'Rencontre régionale des coopératives')!;
    expect(relayed.id).toMatch(/^urn:intercoop:item:/);
    expect(relayed.source?.title).toBe('Animacoop');
    expect(relayed.tags).toEqual(expect.arrayContaining(['animacoop', 'tiers-lieux', 'Événement']));
    const podcast = parsed.entries.find((e) => e.title.startsWith('Podcast'))!;
    expect(podcast.title).toBe('Podcast : AT&T <b>pas</b> du HTML ]]> fin'); // plain text kept as text
    expect(podcast.enclosures).toEqual([
      { href: 'https://animacoop.example/ep1.mp3', type: 'audio/mpeg' },
      { href: 'https://animacoop.example/ep1.ogg', type: 'audio/ogg' },
    ]);
    const next = parsed.links.find((l) => l.rel === 'next')!.href;
    expect(next).toMatch(/\/feed\.atom\?limit=5&before=/);
    // The next page names itself (RFC 5005) and keeps the feed's id.
    const page2 = await (await get(next.replace('https://hub.example.org', ''))).text();
    expect(jingAtom(page2)).toBe('');
    const parsed2 = feedparser(page2);
    expect(parsed2.links.find((l) => l.rel === 'self')?.href).toBe(next);
    expect(parsed2.entries.map((e) => e.id)).not.toContain(parsed.entries[0]!.id);
    expect(page2.match(/<id>([^<]+)<\/id>/)![1]).toBe(xml.match(/<id>([^<]+)<\/id>/)![1]);
  });

  it('RSS parses without bozo in feedparser and loads in newsboat', async () => {
    const xml = await (await get('/feed.xml?limit=20')).text();
    const parsed = feedparser(xml);
    expect(parsed.bozo, parsed.exception ?? '').toBe(0);
    expect(parsed.version).toBe('rss20');
    expect(parsed.entries).toHaveLength(20);
    const relayed = parsed.entries.find((e) => e.title === 'Rencontre régionale des coopératives')!;
    expect(relayed.source).toEqual({
      href: 'https://hub.example.org/networks/animacoop/feed.xml',
      title: 'Animacoop',
    });
    expect(relayed.tags).toEqual(expect.arrayContaining(['animacoop', 'tiers-lieux']));
    const titles = await newsboatTitles(`${base}/feed.xml?limit=20`);
    expect(titles).toHaveLength(20);
    expect(titles).toContain('Rencontre régionale des coopératives');
  });

  it('JSON Feed validates against the JSON Feed 1.1 schema and carries _hub provenance', async () => {
    const doc = await json('/feed.json?limit=10');
    expect(jsonFeedErrors(doc)).toEqual([]);
    const relayed = doc.items.find((i) => i.title === 'Rencontre régionale des coopératives')!;
    expect(relayed._hub.networks).toEqual(['animacoop', 'tiers-lieux']);
    expect(relayed._hub.links).toEqual([
      'https://animacoop.example/rencontre',
      'https://tiers.example/relais-rencontre',
    ]);
    expect(jsonFeedErrors({ ...doc, items: [{ id: 'x' }] })).not.toEqual([]); // the schema does reject
  });

  it('pages through every story with next_url on a stable cursor, without duplicates', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/feed.json?limit=50';
    let pages = 0;
    while (url) {
      const doc: JsonFeed = await json(url.replace('https://hub.example.org', ''));
      seen.push(...doc.items.map((i) => i.id));
      url = doc.next_url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(TOTAL);
    expect(new Set(seen).size).toBe(TOTAL);
    // The default page is 50 stories.
    expect((await json('/feed.json')).items).toHaveLength(50);
  });

  it('filters by network (repeatable), tag, territory and text', async () => {
    const titles = async (q: string) =>
      (await json(`/feed.json?limit=200&${q}`)).items.map((i) => i.title).sort();
    expect(await titles('network=tiers-lieux')).toEqual([
      'Atelier fablab ouvert à tous',
      'Rencontre régionale des coopératives',
    ]);
    expect(await titles('network=tiers-lieux&network=animacoop')).toHaveLength(3);
    expect(await titles('network=scop-ouest')).toHaveLength(FILLERS);
    // Network tag (case-insensitive) or the story's own category.
    expect(await titles('tag=COOPÉRATION'.replace('É', 'é'))).toHaveLength(2); // animacoop's tag
    expect(await titles('tag=audio')).toEqual(['Podcast : AT&T <b>pas</b> du HTML ]]> fin']);
    expect(await titles('tag=emploi')).toHaveLength(FILLERS);
    expect(await titles('territory=bretagne')).toHaveLength(FILLERS + 2);
    expect(await titles('q=fablab')).toEqual(['Atelier fablab ouvert à tous']);
    // Punctuation (%, _ included) separates words and is never a LIKE wildcard.
    expect(await titles('q=100%25')).toEqual(await titles('q=100'));
    expect(await titles('territory=Bretagne&q=rencontre')).toEqual([
      'Rencontre régionale des coopératives',
    ]);
  });

  it('answers bad filters with a clear 400', async () => {
    for (const q of [
      'limit=0',
      'limit=201',
      'limit=abc',
      'network=Not%20A%20Slug',
      'before=garbage',
    ]) {
      const res = await get(`/feed.json?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/limit|network|before/);
    }
    expect((await json('/feed.json?limit=200')).items).toHaveLength(TOTAL > 200 ? 200 : TOTAL);
  });

  it('per-network feeds show that network only; an unknown one is a 404', async () => {
    const doc = await json('/networks/tiers-lieux/feed.json');
    expect(doc.items).toHaveLength(2);
    expect(jsonFeedErrors(doc)).toEqual([]);
    const atom = await (await get('/networks/animacoop/feed.atom')).text();
    expect(jingAtom(atom)).toBe('');
    expect(atom).toContain('<title type="text">Intercoop — Animacoop</title>');
    expect(feedparser(await (await get('/networks/animacoop/feed.xml')).text()).bozo).toBe(0);
    expect((await get('/networks/nope/feed.xml')).status).toBe(404);
  });

  it('answers conditional requests with 304 and shows new pulls at once', async () => {
    const first = await get('/feed.xml');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Date.parse(lastModified)).toBeGreaterThan(0);
    const again = await get('/feed.xml', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await get('/feed.xml', { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-none-match': '"other"' })).status).toBe(200);
    // The same request is served from the cache: identical body.
    expect(await (await get('/feed.xml')).text()).toBe(await first.clone().text());

    const [src] = await deps.db.orm.select().from(sources).limit(1);
    await storeFeedItems(deps, src!, [
      parsedItem({
        guid: 'new-1',
        url: 'https://animacoop.example/nouveau',
        title: 'Toute nouvelle actualité du réseau',
        contentHtml: '<p>Une annonce toute fraîche.</p>',
        published: new Date(),
      }),
    ]);
    // Node re-reads the store version at most once a second (workers/node/deps.ts).
    await new Promise((r) => setTimeout(r, 1100));
    const after = await get('/feed.xml', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toContain('Toute nouvelle actualité du réseau');
  });

  it('answers repeat requests before routing, exactly as the routed answer, until the store changes', async () => {
    const url = `${base}/networks/animacoop/feed.json?limit=5`;
    const req = (headers: Record<string, string> = {}) => new Request(url, { headers });
    // The hub's own headers; the HTTP server adds the transport ones (date, content-length…).
    const own = (h: Headers) =>
      Object.fromEntries(
        [...h].filter(
          ([name]) => !['connection', 'content-length', 'date', 'keep-alive'].includes(name),
        ),
      );
    // Unknown before the first routed answer, whatever the request.
    expect(answerBeforeRouting(deps, req())).toBeNull();
    const routed = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    const routedBody = await routed.text();
    const routedGz = await get(url, { 'accept-encoding': 'gzip' });
    const etag = routed.headers.get('etag')!;

    const early = answerBeforeRouting(deps, req());
    expect(early?.status).toBe(200);
    expect(own(early!.headers)).toEqual(own(routed.headers));
    expect(await early!.text()).toBe(routedBody);
    const earlyGz = answerBeforeRouting(deps, req({ 'accept-encoding': 'gzip' }));
    expect(earlyGz?.headers.get('etag')).toBe(routedGz.headers.get('etag'));
    expect(new Uint8Array(await earlyGz!.arrayBuffer())).toEqual(
      new Uint8Array(await routedGz.arrayBuffer()),
    );
    const early304 = answerBeforeRouting(deps, req({ 'if-none-match': `W/"x", ${etag}` }));
    expect(early304?.status).toBe(304);
    const routed304 = await fetch(url, {
      headers: { 'if-none-match': etag, 'accept-encoding': 'identity' },
    });
    expect(routed304.status).toBe(304);
    expect(own(early304!.headers)).toEqual(own(routed304.headers));
    // The app's fetch (what the servers call) answers them at once, not through a promise.
    expect(app.fetch(req({ 'if-none-match': etag }))).toBeInstanceOf(Response);
    expect(app.fetch(req({ 'if-none-match': '"other"' }))).toBeInstanceOf(Promise);
    // What it cannot decide alone is routed: another ETag, a date, another method or URL.
    expect(answerBeforeRouting(deps, req({ 'if-none-match': '"other"' }))).toBeNull();
    expect(
      answerBeforeRouting(deps, req({ 'if-modified-since': routed.headers.get('last-modified')! })),
    ).toBeNull();
    expect(answerBeforeRouting(deps, new Request(url, { method: 'HEAD' }))).toBeNull();
    expect(answerBeforeRouting(deps, new Request(`${url}&tag=ess`))).toBeNull();

    // A new story: once the version read expires (1 s on Node) nothing is answered early and
    // the routed answer has the story.
    const [src] = await deps.db.orm
      .select()
      .from(sources)
      .where(eq(sources.networkSlug, 'animacoop'))
      .limit(1);
    await storeFeedItems(deps, src!, [
      parsedItem({
        guid: 'early-1',
        url: 'https://animacoop.example/tot',
        title: 'Une actualité qui invalide le chemin court',
        published: new Date(),
      }),
    ]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(answerBeforeRouting(deps, req({ 'if-none-match': etag }))).toBeNull();
    expect(answerBeforeRouting(deps, req())).toBeNull();
    const fresh = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain('Une actualité qui invalide le chemin court');
  });

  it('a new hub title shows in the feeds at the next version read, without a pull', async () => {
    const before = await get('/feed.atom');
    const etag = before.headers.get('etag')!;
    const hub = await readHubSettings(deps.db, deps.config.baseUrl);
    await writeHubSettings(deps.db, { ...hub, title: 'Intercoop Occitanie' });
    await new Promise((r) => setTimeout(r, 1100));
    const after = await get('/feed.atom', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('<title type="text">Intercoop Occitanie</title>');
    await writeHubSettings(deps.db, hub);
    await new Promise((r) => setTimeout(r, 1100)); // the next tests see the restored title
  });

  it('keeps a gzip copy for readers that accept it, with its own ETag', async () => {
    const res = await get('/feed.atom', { 'accept-encoding': 'gzip, deflate' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/-gz"$/);
    const xml = await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).text();
    expect(jingAtom(xml)).toBe('');
    expect(xml).toBe(await (await get('/feed.atom')).text());
    expect(
      (await get('/feed.atom', { 'accept-encoding': 'gzip', 'if-none-match': etag })).status,
    ).toBe(304);
    expect(
      (await get('/feed.atom', { 'accept-encoding': 'gzip;q=0' })).headers.get('content-encoding'),
    ).toBeNull();
  });

  it('/networks.opml lists every member feed and agenda, grouped by network (OPML 2.0)', async () => {
    const res = await get('/networks.opml');
    expect(res.headers.get('content-type')).toContain('text/x-opml');
    const opml = await res.text();
    // Parsed by a real XML parser: well-formed, and the structure readers import.
    const outline = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
assert root.tag == 'opml' and root.get('version') == '2.0'
print(json.dumps([{ 'text': o.get('text'), 'feeds': [c.get('xmlUrl') or c.get('url') for c in o] } for o in root.find('body')]))
`,
        ],
        { input: opml, encoding: 'utf8' },
      ),
    ) as { text: string; feeds: string[] }[];
    expect(outline.map((o) => o.text)).toEqual(['Animacoop', 'SCOP Ouest', 'Tiers-Lieux & Cie']);
    expect(outline[0]!.feeds).toEqual(['https://animacoop.example/feed.xml']);
    expect(outline[1]!.feeds).toEqual([]); // retired (410) source left out
    expect(
      (await get('/networks.opml', { 'if-none-match': res.headers.get('etag')! })).status,
    ).toBe(304);
  });
});
