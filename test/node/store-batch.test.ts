/**
 * A batch of documents stored as one (store-feed.ts storeDocuments, what a pull and a Workers
 * queue invocation do) decides exactly as the same documents stored one after the other: same
 * entries and ids, same stories, same merge reasons and details, same stories' fields. The
 * documents are bench:dedup's labelled corpus (near-duplicates, excerpt relays, reposts,
 * serial titles, templates), pulled day by day as feeds of their latest stories, so a pull
 * re-reads unchanged entries and edits some, and relays of one day meet in one batch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { entries, items, networks, sources } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import type { ParsedItem } from '../../src/ingest/types.ts';
import { prepareItems } from '../../src/ingest/dedupe/prepare.ts';
import { storeDocuments, storeFeedItems } from '../../src/ingest/store-feed.ts';
import { buildCorpus } from '../../bench/dedup-corpus.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import type { NodeDeps } from '../../workers/node/deps.ts';

const DAY = 86_400_000;
/** Stories a feed lists: older ones are re-read unchanged. */
const WINDOW = 6;

type Pull = Array<{ network: string; items: ParsedItem[] }>;

/** The corpus as daily pulls: each source's feed of its latest stories, some of them edited. */
function dailyPulls(stories: number): Array<{ day: number; pull: Pull }> {
  const corpus = buildCorpus(stories, 7);
  const byDay = new Map<number, Map<string, ParsedItem[]>>();
  for (const e of corpus) {
    const day = Math.floor(e.item.published!.getTime() / DAY);
    const bySource = byDay.get(day) ?? new Map<string, ParsedItem[]>();
    byDay.set(day, bySource);
    bySource.set(e.network, [...(bySource.get(e.network) ?? []), e.item]);
  }
  const feeds = new Map<string, ParsedItem[]>();
  return [...byDay.keys()]
    .sort((a, b) => a - b)
    .map((day, n) => ({
      day,
      pull: [...byDay.get(day)!].map(([network, fresh]) => {
        const feed = [...fresh, ...(feeds.get(network) ?? [])].slice(0, WINDOW);
        feeds.set(network, feed);
        // Every third pull, the oldest story listed is edited (then restored the next time).
        const edited =
          n % 3 === 2 && feed.length > fresh.length
            ? feed.map((item, i) =>
                i === feed.length - 1
                  ? { ...item, summary: `${item.summary ?? ''} (modifié)` }
                  : item,
              )
            : feed;
        return { network, items: edited };
      }),
    }));
}

async function ingest(pulls: Array<{ day: number; pull: Pull }>, batched: boolean) {
  const deps = makeNodeDeps({ HUB_MAX_NEW_PER_PULL: '1000000' });
  opened.push(deps);
  const bySource = new Map<string, SourceRow>();
  for (const { pull } of pulls)
    for (const { network } of pull) {
      if (bySource.has(network)) continue;
      await deps.db.orm
        .insert(networks)
        .values({ slug: network, name: network, createdAt: 0, updatedAt: 0 });
      const [row] = await deps.db.orm
        .insert(sources)
        .values({
          networkSlug: network,
          kind: 'feed',
          url: `https://${network}.example/feed`,
          fetchUrl: `https://${network}.example/feed`,
          createdAt: 0,
        })
        .returning();
      bySource.set(network, row!);
    }
  const results: unknown[] = [];
  for (const { day, pull } of pulls) {
    deps.clock = { now: () => new Date((day + 1) * DAY) };
    if (batched) {
      // Batches of up to ten documents, as a queue invocation stores them.
      for (let i = 0; i < pull.length; i += 10) {
        const part = pull.slice(i, i + 10);
        const documents = await Promise.all(
          part.map(async ({ network, items }) => ({
            source: bySource.get(network)!,
            items: await prepareItems(items),
          })),
        );
        results.push(...(await storeDocuments(deps, documents)));
      }
    } else
      for (const { network, items } of pull)
        results.push(await storeFeedItems(deps, bySource.get(network)!, items));
  }
  return { deps, results };
}

/** What was stored, with each story named by its first entry (story ids are random). */
async function stored(deps: NodeDeps) {
  const rows = await deps.db.orm.select().from(entries).orderBy(asc(entries.id));
  const storyOf = new Map<string, number>();
  for (const r of rows) if (!storyOf.has(r.itemId)) storyOf.set(r.itemId, r.id);
  const stories = await deps.db.orm.select().from(items);
  return {
    entries: rows.map(({ itemId, ...r }) => ({ ...r, story: storyOf.get(itemId) })),
    stories: stories
      .map(({ id, ...s }) => ({ ...s, story: storyOf.get(id) }))
      .sort((a, b) => a.story! - b.story!),
  };
}

const opened: NodeDeps[] = [];
afterAll(async () => {
  for (const deps of opened) await deps.close();
});

describe('a batch of documents stored as one (storeDocuments, Node, real SQLite)', () => {
  it('decides as the same documents stored one after the other: entries, stories, merge reasons and details', async () => {
    const pulls = dailyPulls(160);
    const one = await ingest(pulls, false);
    const batch = await ingest(pulls, true);
    expect(batch.results).toEqual(one.results);
    const a = await stored(one.deps);
    const b = await stored(batch.deps);
    // The corpus makes what is compared: merges of every kind, within batches too, and edits.
    const reasons = new Set(a.entries.map((e) => e.mergeReason));
    for (const reason of ['first', 'guid', 'canonical_url', 'near_duplicate', 'excerpt'])
      expect(reasons, reason).toContain(reason);
    expect(a.entries.some((e) => e.updatedAt > e.firstSeenAt)).toBe(true);
    expect(b.entries).toEqual(a.entries);
    expect(b.stories).toEqual(a.stories);
  }, 120_000);
});
