import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { entries, items } from '../../src/db/schema/index.ts';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { startDemoFederation, type RunningFederation } from '../../workers/node/demo/server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource } from '../support/store-fixtures.ts';

/**
 * The demo federation through decode → parse → store (the fetch step is plain fetch here):
 * what the parser hands the store is good enough for dedup to merge every "[Relais]" story
 * with its original, in every format, the Latin-1 feed included.
 */
let running: RunningFederation;
const deps = makeNodeDeps();
beforeAll(async () => {
  running = await startDemoFederation({ port: 0 });
});
afterAll(async () => {
  await running.close();
  await deps.close();
});

describe('demo federation: parse then store', () => {
  it('stores every network, merging the relays with their originals', async () => {
    for (const network of running.federation.networks) {
      let feeds = network.feeds;
      if (!feeds.length) {
        const page = await (await fetch(network.site)).text();
        feeds = [
          new URL(page.match(/<link rel="alternate"[^>]*href="([^"]+)"/)![1]!, network.site).href,
        ];
      }
      for (const url of feeds) {
        const res = await fetch(url);
        const feed = await parseFeed(
          decodeBody(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type')),
          url,
        );
        const source = await addSource(deps, network.slug, url);
        const stored = await storeFeedItems(deps, source, feed.items);
        expect(stored.new + stored.updated, network.slug).toBe(
          running.federation.expected.itemsPerNetwork[network.slug],
        );
      }
    }
    const { itemsPerNetwork, relays } = running.federation.expected;
    const entryCount = Object.values(itemsPerNetwork).reduce((a, b) => a + b, 0);
    const [{ n: storedEntries }] = (await deps.db.orm.select({ n: count() }).from(entries)) as [
      { n: number },
    ];
    const [{ n: stories }] = (await deps.db.orm.select({ n: count() }).from(items)) as [
      { n: number },
    ];
    expect(storedEntries).toBe(entryCount);
    expect(stories).toBe(entryCount - relays);

    const relayed = await deps.db.orm
      .select({ itemId: entries.itemId, title: entries.title })
      .from(entries);
    for (const relay of relayed.filter((e) => e.title.startsWith('[Relais]'))) {
      const siblings = await deps.db.orm
        .select({ title: entries.title })
        .from(entries)
        .where(eq(entries.itemId, relay.itemId));
      expect(siblings.map((s) => s.title).sort()).toEqual(
        [relay.title.replace('[Relais] ', ''), relay.title].sort(),
      );
    }
    const latin1 = await deps.db.orm
      .select({ title: entries.title })
      .from(entries)
      .where(eq(entries.networkSlug, 'urscop-hauts-de-france'));
    expect(latin1.map((e) => e.title)).toContain(
      'Économie sociale et solidaire : les salariés reprennent leur imprimerie en Scop',
    );
  });
});
