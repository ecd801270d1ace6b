/**
 * A batch of documents stored as one (store-feed.ts storeDocuments, what a pull and a Workers
 * queue invocation do) decides exactly as the same documents stored one after the other: same
 * entries and ids, same stories, same merge reasons and details, same stories' fields. The
 * documents are bench:dedup's labelled corpus (near-duplicates, excerpt relays, reposts,
 * serial titles, templates), pulled day by day as feeds of their latest stories, so a pull
 * re-reads unchanged entries and edits some, and relays of one day meet in one batch.
 * And a document the database refuses fails alone: the others of its batch are stored.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import BetterSqlite3 from 'better-sqlite3';
import { entries, items, networks, sources } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import type { ParsedItem } from '../../src/ingest/types.ts';
import { prepareItems } from '../../src/ingest/dedupe/prepare.ts';
import { storeDocuments, storeFeedItems } from '../../src/ingest/store-feed.ts';
import { buildCorpus } from '../../bench/dedup-corpus.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { pull } from '../../src/ingest/pull.ts';
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

/** An RSS feed of `n` stories of member `i`, with `extra` items first. */
function rss(i: number, n: number, extra = ''): string {
  const items = Array.from(
    { length: n },
    (_, k) =>
      `<item><title>Nouvelle ${k} du réseau ${i}</title><guid>https://m${i}.example/${k}</guid>` +
      `<link>https://m${i}.example/${k}</link><pubDate>Mon, 0${1 + (k % 9)} Nov 2026 10:00:00 GMT</pubDate>` +
      `<description>Le réseau ${i} raconte sa nouvelle numéro ${k}, avec des mots à lui.</description></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Réseau ${i}</title>${extra}${items}</channel></rss>`;
}

describe('a document the database refuses, in a batch (pull, Node, real SQLite and HTTP)', () => {
  it('fails alone with a recorded storage error; the other documents of its batch are stored', async () => {
    const server = await startFixtureServer();
    const deps = makeNodeDeps();
    opened.push(deps);
    try {
      const poisoned =
        '<item><title>Une nouvelle refusée</title><guid>refusee-par-la-base</guid>' +
        '<description>La base refuse cette entrée.</description></item>';
      const urls = [0, 1, 2, 3].map((i) => {
        server.route(`/batch/${i}.xml`, (_req, res) => {
          res
            .writeHead(200, { 'content-type': 'application/rss+xml', etag: `"m${i}"` })
            .end(rss(i, 5, i === 2 ? poisoned : ''));
        });
        return `${server.base}/batch/${i}.xml`;
      });
      for (const [i, url] of urls.entries()) {
        await deps.db.orm
          .insert(networks)
          .values({ slug: `m${i}`, name: `m${i}`, createdAt: 0, updatedAt: 0 });
        await deps.db.orm
          .insert(sources)
          .values({ networkSlug: `m${i}`, kind: 'feed', url, fetchUrl: url, createdAt: 0 });
      }
      // The database refuses one entry, as it would a value past its limits: a constraint.
      const raw = new BetterSqlite3(deps.config.dbPath);
      raw.exec(`create trigger refuse_one before insert on entries
        when new.guid = 'refusee-par-la-base'
        begin select raise(abort, 'CHECK constraint failed: refusee'); end`);
      raw.close();

      const summary = await pull(deps, { trigger: 'test', all: true });
      const byUrl = new Map(summary.reports.map((r) => [r.url, r]));
      expect(byUrl.get(urls[2]!)).toMatchObject({ outcome: 'error', errorKind: 'storage_error' });
      expect(byUrl.get(urls[2]!)!.error).toMatch(/refusee/);
      for (const i of [0, 1, 3])
        expect(byUrl.get(urls[i]!)).toMatchObject({ outcome: 'ok', new: 5 });
      const rows = await deps.db.orm.select().from(sources).orderBy(asc(sources.id));
      expect(rows.map((r) => [r.lastErrorKind, r.etag])).toEqual([
        [null, '"m0"'],
        [null, '"m1"'],
        // Its validators are not saved: the next pull fetches it again.
        ['storage_error', null],
        [null, '"m3"'],
      ]);
      for (const [i, row] of rows.entries()) {
        const stored = await deps.db.orm.select().from(entries).where(eq(entries.sourceId, row.id));
        expect(stored.length, `member ${i}`).toBe(i === 2 ? 0 : 5);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});
