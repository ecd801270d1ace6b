import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { startServer } from '../../workers/node/serve.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { seedFederation } from '../support/publish-seed.ts';
import { addSource } from '../support/store-fixtures.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { networks } from '../../src/db/schema/index.ts';
import { pull } from '../../src/ingest/pull.ts';
import { createApp } from '../../src/app.ts';

interface JsonFeed {
  next_url?: string;
  _hub?: { networks: { slug: string; name: string }[] };
  items: { id: string; url: string; title: string; _hub: { networks: string[] } }[];
}

const FILLERS = 45; // 48 stories upstream: three pages of 20

/**
 * A regional hub (a real Node hub on 127.0.0.1) pulled by a national hub: the national hub keeps
 * the regional networks as provenance, merges a story it also gets straight from its network,
 * follows the regional history on its first pull, and filters on the regional networks.
 */
describe('hubs that federate hubs (two Node hubs)', () => {
  const regional = makeNodeDeps();
  const national = makeNodeDeps();
  let server: ServerType;
  let regionalBase = '';
  let member: Awaited<ReturnType<typeof startFixtureServer>>;
  let historyFetches = 0;
  const app = createApp(national);
  const get = async (path: string) => await app.request(path);

  beforeAll(async () => {
    await seedFederation(regional, FILLERS);
    const started = await startServer(regional, 0, '127.0.0.1');
    server = started.server;
    regionalBase = `http://127.0.0.1:${started.port}`;
    await writeHubSettings(regional.db, {
      title: 'Hub Occitanie',
      baseUrl: regionalBase,
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    // Animacoop also publishes its own feed, which the national hub pulls directly.
    member = await startFixtureServer();
    member.route('/animacoop.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Animacoop</title>
        <link>https://animacoop.example/</link><item><guid>animacoop-own-1</guid>
        <title>Rencontre régionale des coopératives</title>
        <link>https://animacoop.example/rencontre</link>
        <description>Une journée pour se rencontrer, échanger et construire ensemble.</description>
        <pubDate>Thu, 01 Oct 2026 08:00:00 GMT</pubDate></item></channel></rss>`,
      );
    });
    // The national hub reaches the regional one through this relay, which counts history pages.
    member.route('/regional/', async (req, res) => {
      const path = req.url!.slice('/regional'.length);
      if (path.includes('before=')) historyFetches++;
      const upstream = await fetch(`${regionalBase}${path}`);
      const body = (await upstream.text()).replaceAll(regionalBase, `${member.base}/regional`);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type')! });
      res.end(body);
    });
    await addSource(national, 'occitanie', `${member.base}/regional/feed.json?limit=20`);
    await addSource(national, 'animacoop', `${member.base}/animacoop.xml`);
    await national.db.orm
      .update(networks)
      .set({ name: 'Hub Occitanie' })
      .where(eq(networks.slug, 'occitanie'));
    await national.db.orm
      .update(networks)
      .set({ name: 'Animacoop (direct)' })
      .where(eq(networks.slug, 'animacoop'));
    const summary = await pull(national, { trigger: 'test', all: true });
    expect(summary.reports.map((s) => s.outcome)).toEqual(['ok', 'ok']);
    expect(historyFetches).toBe(2); // pages 2 and 3 of 20 stories
  });
  afterAll(async () => {
    server?.close();
    await member?.close();
    await regional.close();
    await national.close();
  });

  it('the regional JSON Feed names its networks and each story’s', async () => {
    const doc = (await (await fetch(`${regionalBase}/feed.json?limit=20`)).json()) as JsonFeed;
    expect(doc._hub!.networks.map((n) => n.name)).toEqual(
      expect.arrayContaining(['Animacoop', 'Tiers-Lieux & Cie', 'SCOP Ouest']),
    );
    expect(doc.next_url).toContain(`${regionalBase}/feed.json?`);
  });

  it('follows the regional history on the first pull: every upstream story, once', async () => {
    const all: JsonFeed['items'] = [];
    let path: string | undefined = '/feed.json?limit=200';
    while (path) {
      const doc = (await (await get(path)).json()) as JsonFeed;
      all.push(...doc.items);
      path = doc.next_url
        ? new URL(doc.next_url).pathname + new URL(doc.next_url).search
        : undefined;
    }
    // 48 regional stories (one of them also pulled straight from Animacoop): 48 stories.
    expect(all.length).toBe(FILLERS + 3);
    expect(new Set(all.map((i) => i.url)).size).toBe(all.length);
  });

  it('a story reaching the national hub directly and through the regional hub is one story', async () => {
    const doc = (await (await get('/feed.json?limit=200')).json()) as JsonFeed;
    const rencontre = doc.items.filter((i) => i.title === 'Rencontre régionale des coopératives');
    expect(rencontre).toHaveLength(1);
    expect([...rencontre[0]!._hub.networks].sort()).toEqual(['animacoop', 'occitanie']);
  });

  it('keeps the upstream provenance: "Animacoop, via Hub Occitanie"', async () => {
    const html = await (await get('/?q=fablab')).text();
    expect(html).toMatch(
      /Tiers-Lieux &amp; Cie, via <a href="\/networks\/occitanie">Hub Occitanie<\/a>/,
    );
    const relayed = await (await get('/?q=Rencontre')).text();
    // Published by Animacoop directly, and by Animacoop and Tiers-Lieux through the regional hub.
    expect(relayed).toContain('Animacoop, Tiers-Lieux &amp; Cie, via');
    expect(relayed).toContain('Animacoop (direct)');
  });

  it('filters on the original networks, and shows the regional hub with its members', async () => {
    const tiers = (await (await get('/feed.json?network=tiers-lieux')).json()) as JsonFeed;
    expect(tiers.items.map((i) => i.title).sort()).toEqual([
      'Atelier fablab ouvert à tous',
      'Rencontre régionale des coopératives',
    ]);
    const scop = (await (await get('/feed.json?network=scop-ouest&limit=200')).json()) as JsonFeed;
    expect(scop.items).toHaveLength(FILLERS);
    const page = await (await get('/networks/occitanie')).text();
    expect(page).toContain('Réseaux de ce hub');
    for (const name of ['Animacoop', 'Tiers-Lieux &amp; Cie', 'SCOP Ouest'])
      expect(page).toContain(name);
  });

  it('a second pull reads the first page only', async () => {
    const before = historyFetches;
    const summary = await pull(national, { trigger: 'test', all: true, network: 'occitanie' });
    expect(summary.reports[0]!.outcome).toBe('ok');
    expect(summary.reports[0]!.new).toBe(0);
    expect(historyFetches).toBe(before);
  });
});
