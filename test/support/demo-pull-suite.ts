/**
 * A pull of the demo federation (`intercoop demo`), on Node and in workerd alike: the
 * federation file synced, every source pulled through the real fetcher from the demo server
 * (started by the global setup), relays merged, agendas read, then a re-pull that is all 304s.
 */
import { describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { entries, eventSources, items } from '../../src/db/schema/index.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { pull } from '../../src/ingest/pull.ts';
import { createApp } from '../../src/app.ts';
import { buildDemoFederation, demoNetworksYaml } from '../../workers/node/demo/content.ts';

export function demoPullSuite(
  runtime: string,
  makeDeps: () => Promise<Deps>,
  demoBase: string,
  demoNow: string,
): void {
  describe(`demo federation pulled (${runtime})`, () => {
    it('syncs, pulls every member (every format, Latin-1, a site by discovery, agendas), merges relays, then re-pulls with 304s', async () => {
      const deps = await makeDeps();
      const federation = buildDemoFederation(demoBase, new Date(demoNow));
      await syncFederation(
        deps,
        parseNetworksFile(demoNetworksYaml(federation, 'https://hub.test')),
      );

      const first = await pull(deps, { trigger: 'test', all: true });
      const sourceCount = federation.networks.reduce(
        (n, net) => n + Math.max(1, net.feeds.length) + net.agendas.length,
        0,
      );
      expect(first.reports.filter((r) => r.outcome !== 'ok')).toEqual([]);
      expect(first.sources).toBe(sourceCount);

      const { itemsPerNetwork, relays, eventUids } = federation.expected;
      const entryCount = Object.values(itemsPerNetwork).reduce((a, b) => a + b, 0);
      const [{ n: storedEntries }] = (await deps.db.orm.select({ n: count() }).from(entries)) as [
        { n: number },
      ];
      const [{ n: stories }] = (await deps.db.orm.select({ n: count() }).from(items)) as [
        { n: number },
      ];
      expect(storedEntries).toBe(entryCount);
      expect(stories).toBe(entryCount - relays);
      const uids = (await deps.db.orm.select({ uid: eventSources.uid }).from(eventSources)).map(
        (r) => r.uid,
      );
      expect(new Set(uids)).toEqual(new Set(eventUids));

      const second = await pull(deps, { trigger: 'test', all: true });
      expect(second).toMatchObject({
        sources: sourceCount,
        notModified: sourceCount,
        failed: 0,
        newItems: 0,
        updatedItems: 0,
      });

      const app = createApp(deps);
      const feed = (await (await app.request('https://hub.test/feed.json?limit=200')).json()) as {
        items: Array<{ _hub: { networks: string[] } }>;
      };
      expect(feed.items).toHaveLength(entryCount - relays);
      expect(feed.items.filter((i) => i._hub.networks.length > 1)).toHaveLength(relays);
      const health = (await (await app.request('https://hub.test/healthz')).json()) as {
        last_pull: { not_modified: number };
        sources_failing: unknown[];
      };
      expect(health.last_pull.not_modified).toBe(sourceCount);
      expect(health.sources_failing).toEqual([]);
    });
  });
}
