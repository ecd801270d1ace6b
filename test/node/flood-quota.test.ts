/**
 * One member cannot flood the hub: a feed whose 20,000 guids change at every pull adds at most
 * HUB_MAX_NEW_PER_PULL entries per pull (the newest), the source records the cut as a warning
 * (pull report, /networks, admin API), and the other networks' stories are stored as usual.
 * Retention (HUB_RETENTION_MONTHS) prunes old stories and does not store them again.
 */
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import { entries, items, itemKeys } from '../../src/db/schema/items.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { pull } from '../../src/ingest/pull.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { pruneOldStories } from '../../src/ingest/retention.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';

const GUIDS = 20_000;

/** An RSS document of `n` items whose guids, titles and texts all change with `round`. */
function floodFeed(round: number, n: number): string {
  const day = Date.UTC(2026, 10, 30);
  const parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Crue</title>'];
  for (let i = 0; i < n; i++)
    parts.push(
      `<item><guid>r${round}-${i}</guid><title>Lot ${round} annonce ${i}</title>` +
        `<pubDate>${new Date(day - i * 60_000).toUTCString()}</pubDate></item>`,
    );
  parts.push('</channel></rss>');
  return parts.join('');
}

describe('flood quota: a feed whose 20,000 guids change at every pull', () => {
  // Read in line (as on Workers): a reader thread stops a read past its 10 s budget, which a
  // document this size can reach on a loaded machine; the quota is what is under test here.
  const deps = makeNodeDeps({
    HUB_MAX_NEW_PER_PULL: '300',
    HUB_ADMIN_TOKEN: 't',
    HUB_PARSE_THREADS: '0',
  });
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let round = 0;
  const entriesOf = async (slug: string) =>
    (
      await deps.db.orm
        .select({ n: sql<number>`count(*)` })
        .from(entries)
        .where(eq(entries.networkSlug, slug))
    )[0]!.n;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/flood.xml', (_req, res) => {
      round++;
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(floodFeed(round, GUIDS));
    });
    await syncFederation(
      deps,
      parseNetworksFile(`networks:
  - slug: crue
    name: Crue
    feeds: [${server.base}/flood.xml]
  - slug: voisin
    name: Voisin
    feeds: [${server.base}/parse/rss2.xml]
`),
    );
  });
  afterAll(async () => {
    await server?.close();
    await deps.close();
  });

  it('adds at most 300 entries per pull, the newest, and says so; the neighbour is stored', async () => {
    const sizes: number[] = [];
    for (let i = 1; i <= 2; i++) {
      const summary = await pull(deps, { trigger: 'test', all: true });
      const flood = summary.reports.find((r) => r.networkSlug === 'crue')!;
      expect(flood.outcome, String(flood.error)).toBe('ok');
      expect(flood.new).toBe(300);
      expect(flood.truncated).not.toBeNull();
      expect(flood.truncated!.kept).toBe(300);
      expect(flood.truncated!.total).toBeGreaterThan(300);
      expect(flood.warning).toMatch(/^plafond de nouveautés atteint : 300 /);
      expect(await entriesOf('crue')).toBe(300 * i);
      sizes.push(
        statSync(deps.config.dbPath).size +
          (statSync(`${deps.config.dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0),
      );
    }
    expect(await entriesOf('voisin')).toBeGreaterThan(0);
    // The newest of the round were kept: item 0 is the most recent.
    const kept = await deps.db.orm
      .select({ guid: entries.guid })
      .from(entries)
      .where(eq(entries.guid, `r${round}-0`));
    expect(kept).toHaveLength(1);
    console.log(
      `flood quota: database ${sizes.map((s) => `${(s / 1e6).toFixed(1)} MB`).join(' → ')}`,
    );

    // The warning is on the source: the admin API and /networks say the document was cut.
    const app = createApp(deps);
    const sources = (await (
      await app.request('/api/admin/sources?network=crue', {
        headers: { authorization: 'Bearer t' },
      })
    ).json()) as { sources: Array<{ truncated: { kept: number; total: number } | null }> };
    expect(sources.sources[0]!.truncated?.kept).toBe(300);
    const page = await (await app.request('/networks/crue')).text();
    expect(page).toContain('tronqué : 300 sur');
    expect(page).toContain('plafond de nouveautés atteint : 300 nouvelles entrées gardées');
  }, 180_000);
});

describe('retention (HUB_RETENTION_MONTHS)', () => {
  it('off by default: nothing is pruned', async () => {
    const deps = { ...makeNodeDeps(), clock: manualClock('2026-12-01T00:00:00Z') };
    try {
      const src = await addSource(deps, 'ancien');
      await storeFeedItems(deps, src, [
        parsedItem({ guid: 'old', title: 'Vieux', published: new Date('2020-01-01T00:00:00Z') }),
      ]);
      expect(await pruneOldStories(deps, { force: true })).toBe(0);
      expect(await deps.db.orm.select().from(items)).toHaveLength(1);
    } finally {
      await deps.close();
    }
  });

  it('prunes stories older than N months with their entries and keys, and does not store them again', async () => {
    const deps = {
      ...makeNodeDeps({ HUB_RETENTION_MONTHS: '6' }),
      clock: manualClock('2026-12-01T00:00:00Z'),
    };
    try {
      const src = await addSource(deps, 'ancien');
      const old = parsedItem({
        guid: 'old',
        title: 'Assemblée générale de 2025',
        contentHtml: '<p>Compte rendu détaillé de l’assemblée générale annuelle du réseau.</p>',
        published: new Date('2025-01-10T00:00:00Z'),
      });
      const recent = parsedItem({
        guid: 'new',
        title: 'Rencontre de novembre',
        contentHtml: '<p>Une rencontre régionale des coopératives, avec ateliers et débats.</p>',
        published: new Date('2026-11-20T00:00:00Z'),
      });
      // Stored before retention was in force (as a hub that turns it on later would have them).
      deps.config.retentionMonths = 0;
      await storeFeedItems(deps, src, [old, recent]);
      deps.config.retentionMonths = 6;
      expect(await deps.db.orm.select().from(items)).toHaveLength(2);
      expect(await pruneOldStories(deps)).toBe(1);
      const left = await deps.db.orm.select({ title: items.title }).from(items);
      expect(left.map((r) => r.title)).toEqual(['Rencontre de novembre']);
      expect(await deps.db.orm.select().from(entries)).toHaveLength(1);
      const bands = await deps.db.orm.select().from(itemKeys);
      expect(bands.every((b) => b.publishedAt >= Date.UTC(2026, 5, 1))).toBe(true);
      // Once a day: a second tick the same day does nothing.
      expect(await pruneOldStories(deps)).toBe(0);
      // The feed still lists the old story: it is not stored again.
      const again = await storeFeedItems(deps, src, [old, recent]);
      expect(again.new).toBe(0);
      expect(await deps.db.orm.select().from(items)).toHaveLength(1);
    } finally {
      await deps.close();
    }
  });
});
