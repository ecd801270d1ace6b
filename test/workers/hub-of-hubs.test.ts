import { env, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { pull } from '../../src/ingest/pull.ts';
import { addSource } from '../support/store-fixtures.ts';

interface JsonFeed {
  next_url?: string;
  items: { title: string; _hub: { networks: string[] } }[];
}

describe('a hub on workerd pulling a Node hub (hubs of hubs)', () => {
  it('keeps the upstream networks, follows the history, filters on them', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    await addSource(deps, 'occitanie', `${inject('upstreamHubBase')}/feed.json?limit=10`);
    const summary = await pull(deps, { trigger: 'test', all: true });
    expect(summary.reports.map((r) => r.outcome)).toEqual(['ok']);
    // 28 upstream stories, in pages of 10: all of them on the first pull.
    expect(summary.newItems).toBe(28);
    const tiers = (await (
      await SELF.fetch('https://hub.test/feed.json?network=tiers-lieux')
    ).json()) as JsonFeed;
    expect(tiers.items.map((i) => i.title).sort()).toEqual([
      'Atelier fablab ouvert à tous',
      'Rencontre régionale des coopératives',
    ]);
    const page = await (await SELF.fetch('https://hub.test/?q=fablab')).text();
    expect(page).toMatch(
      /Tiers-Lieux &amp; Cie, via <a href="\/networks\/occitanie">occitanie<\/a>/,
    );
    const members = await (await SELF.fetch('https://hub.test/networks/occitanie')).text();
    expect(members).toContain('SCOP Ouest');
  });
});
