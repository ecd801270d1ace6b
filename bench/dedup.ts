/**
 * bench/dedup: ingests a labelled corpus (bench/dedup-corpus.ts) day by day, one document per
 * source and day, into a fresh SQLite file, with dedup and without it, and prints:
 * pairwise precision and recall of the merged clusters, time per 1,000 new items, and the
 * with/without time ratio. Usage: npm run bench:dedup [-- --stories 600] [-- --quality: precision
 * and recall only, one run]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/env.ts';
import { silentLogger } from '../src/deps.ts';
import { nodeDeps, type NodeDeps } from '../workers/node/deps.ts';
import { entries, networks, sources } from '../src/db/schema/index.ts';
import type { SourceRow } from '../src/db/schema/sources.ts';
import { storeFeedItems } from '../src/ingest/store-feed.ts';
import { buildCorpus, type CorpusEntry } from './dedup-corpus.ts';

const DAY = 86_400_000;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/**
 * `window` 0: each document holds only what the source published that day (worst case for the
 * ratio: every stored item is new). `window` N: each document is the source's feed as readers
 * fetch it, its N latest items, so unchanged items are re-read on every pull (a real pull).
 */
async function ingest(
  corpus: CorpusEntry[],
  dedupe: boolean,
  window = 0,
): Promise<{
  ms: number;
  writeMs: number;
  deps: NodeDeps;
  dir: string;
  totals: { new: number; updated: number; unchanged: number };
}> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const deps = nodeDeps({
    config: loadConfig({
      HUB_DB: join(dir, 'hub.sqlite'),
      // A corpus day may hold more new stories per source than the flood quota lets in.
      HUB_MAX_NEW_PER_PULL: '1000000',
    }),
    log: silentLogger,
  });
  let writeMs = 0;
  const batch = deps.db.batch.bind(deps.db);
  deps.db.batch = async (statements) => {
    const t = performance.now();
    await batch(statements);
    writeMs += performance.now() - t;
  };
  const bySource = new Map<string, SourceRow>();
  for (const slug of new Set(corpus.map((e) => e.network))) {
    await deps.db.orm.insert(networks).values({ slug, name: slug, createdAt: 0, updatedAt: 0 });
    const [row] = await deps.db.orm
      .insert(sources)
      .values({
        networkSlug: slug,
        kind: 'feed',
        url: `https://${slug}.example/feed`,
        fetchUrl: `https://${slug}.example/feed`,
        createdAt: 0,
      })
      .returning();
    bySource.set(slug, row!);
  }
  // One pull per day: each source's document holds what it published that day.
  const pulls = new Map<number, Map<string, CorpusEntry[]>>();
  for (const e of corpus) {
    const day = Math.floor(e.item.published!.getTime() / DAY);
    let bySrc = pulls.get(day);
    if (!bySrc) pulls.set(day, (bySrc = new Map()));
    const list = bySrc.get(e.network);
    if (list) list.push(e);
    else bySrc.set(e.network, [e]);
  }
  const days = [...pulls.keys()].sort((a, b) => a - b);
  const feeds = new Map<string, CorpusEntry[]>();
  const totals = { new: 0, updated: 0, unchanged: 0 };
  const started = performance.now();
  for (const day of days) {
    deps.clock = { now: () => new Date((day + 1) * DAY) };
    for (const [slug, list] of pulls.get(day)!) {
      const feed = [...list, ...(feeds.get(slug) ?? [])].slice(0, Math.max(window, list.length));
      feeds.set(slug, feed);
      const res = await storeFeedItems(
        deps,
        bySource.get(slug)!,
        (window ? feed : list).map((e) => e.item),
        { dedupe },
      );
      totals.new += res.new;
      totals.updated += res.updated;
      totals.unchanged += res.unchanged;
    }
  }
  return { ms: performance.now() - started, writeMs, deps, dir, totals };
}

/** Pairwise precision and recall of predicted clusters against the labelled stories. */
async function score(corpus: CorpusEntry[], deps: NodeDeps) {
  const rows = await deps.db.orm
    .select({
      guid: entries.guid,
      sourceId: entries.sourceId,
      networkSlug: entries.networkSlug,
      itemId: entries.itemId,
    })
    .from(entries);
  const itemOf = new Map(rows.map((r) => [`${r.networkSlug}|${r.guid}`, r.itemId]));
  const labelled = corpus.map((e) => ({ e, item: itemOf.get(`${e.network}|${e.item.guid}`)! }));
  const pairs = (groups: Map<string, number>) =>
    [...groups.values()].reduce((n, k) => n + (k * (k - 1)) / 2, 0);
  const count = (key: (x: (typeof labelled)[number]) => string) => {
    const m = new Map<string, number>();
    for (const x of labelled) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
    return m;
  };
  const truePairs = pairs(count((x) => x.e.story));
  const predicted = pairs(count((x) => x.item));
  const correct = pairs(count((x) => `${x.e.story}|${x.item}`));
  // Which variations were missed or wrongly merged, to explain the figures.
  const missed = new Map<string, number>();
  const byStory = new Map<string, typeof labelled>();
  for (const x of labelled) byStory.set(x.e.story, [...(byStory.get(x.e.story) ?? []), x]);
  for (const group of byStory.values()) {
    const main = group[0]!.item;
    for (const x of group.slice(1))
      if (x.item !== main) missed.set(x.e.kind, (missed.get(x.e.kind) ?? 0) + 1);
  }
  const wrong = new Map<string, number>();
  const byItem = new Map<string, typeof labelled>();
  for (const x of labelled) byItem.set(x.item, [...(byItem.get(x.item) ?? []), x]);
  for (const group of byItem.values()) {
    const stories = new Set(group.map((x) => x.e.story));
    if (stories.size > 1)
      for (const x of group) wrong.set(x.e.kind, (wrong.get(x.e.kind) ?? 0) + 1);
  }
  return {
    precision: predicted ? correct / predicted : 1,
    recall: truePairs ? correct / truePairs : 1,
    truePairs,
    predicted,
    correct,
    missed,
    wrong,
    items: new Set(rows.map((r) => r.itemId)).size,
  };
}

function describeCorpus(corpus: CorpusEntry[], stories: number): void {
  const relays = corpus.filter((e) => e.story.startsWith('story-') && e.kind !== 'original');
  const negatives = corpus.filter((e) => e.story.startsWith('neg-'));
  console.log(
    `corpus: ${stories} stories, ${relays.length} relays (${relays.filter((e) => e.kind.startsWith('excerpt')).length} excerpt relays), ${negatives.length} near-miss negatives (${negatives.filter((e) => e.kind.startsWith('excerpt')).length} around excerpts), ${corpus.length} entries, ${new Set(corpus.map((e) => e.network)).size} networks`,
  );
}

function printQuality(r: Awaited<ReturnType<typeof score>>, corpus: CorpusEntry[]): void {
  console.log(
    `items: ${r.items} (from ${corpus.length} entries; ${new Set(corpus.map((e) => e.story)).size} true stories)`,
  );
  console.log(`pairs: true ${r.truePairs}, predicted ${r.predicted}, correct ${r.correct}`);
  console.log(
    `precision ${r.precision.toFixed(4)} (target ≥ 0.995) · recall ${r.recall.toFixed(4)} (target ≥ 0.98)`,
  );
  if (r.missed.size)
    console.log(`missed relays by variation: ${JSON.stringify(Object.fromEntries(r.missed))}`);
  if (r.wrong.size)
    console.log(`entries in wrong merges by kind: ${JSON.stringify(Object.fromEntries(r.wrong))}`);
}

async function main() {
  const stories = arg('stories', 600);
  const corpus = buildCorpus(stories);
  describeCorpus(corpus, stories);
  if (process.argv.includes('--quality')) {
    // Precision and recall only (one run, no timings): quick to compare two versions.
    const run = await ingest(corpus, true);
    printQuality(await score(corpus, run.deps), corpus);
    await run.deps.close();
    rmSync(run.dir, { recursive: true, force: true });
    return;
  }

  // Warm-up (JIT, SQLite page cache) so the two timed runs compare fairly.
  const warm = await ingest(buildCorpus(60, 7), true);
  await warm.deps.close();
  rmSync(warm.dir, { recursive: true, force: true });

  const runs: Array<{ dedupe: boolean; window: number; ms: number; writeMs: number }> = [];
  let result: Awaited<ReturnType<typeof score>> | null = null;
  const FEED_WINDOW = 15;
  for (const window of [0, FEED_WINDOW]) {
    for (const dedupe of [false, true, false, true, false, true]) {
      const run = await ingest(corpus, dedupe, window);
      runs.push({ dedupe, window, ms: run.ms, writeMs: run.writeMs });
      if (dedupe && !result) result = await score(corpus, run.deps);
      await run.deps.close();
      rmSync(run.dir, { recursive: true, force: true });
    }
  }
  // Best of three runs each: other processes share the machine.
  const best = (d: boolean, w: number) =>
    runs.filter((r) => r.dedupe === d && r.window === w).sort((a, b) => a.ms - b.ms)[0]!;
  printQuality(result!, corpus);
  for (const [w, label] of [
    [0, 'documents of new items only'],
    [FEED_WINDOW, `feed documents of the ${FEED_WINDOW} latest items`],
  ] as const) {
    const on = best(true, w);
    const off = best(false, w);
    const per = (ms: number) => ((ms / corpus.length) * 1000).toFixed(0);
    console.log(`${label}:`);
    console.log(
      `  with dedup:    ${on.ms.toFixed(0)} ms (writes ${on.writeMs.toFixed(0)}) · ${per(on.ms)} ms per 1,000 new items`,
    );
    console.log(
      `  without dedup: ${off.ms.toFixed(0)} ms (writes ${off.writeMs.toFixed(0)}) · ${per(off.ms)} ms per 1,000 new items`,
    );
    console.log(`  ratio with/without: ${(on.ms / off.ms).toFixed(2)}× (target ≤ 1.5×)`);
  }
}

if (process.argv.includes('--profile')) {
  // One run only (add --off for the baseline), for `node --cpu-prof`.
  const run = await ingest(
    buildCorpus(arg('stories', 600)),
    !process.argv.includes('--off'),
    arg('window', 0),
  );
  console.log(
    `ingest ${run.ms.toFixed(0)} ms, of which writes ${run.writeMs.toFixed(0)} ms; ${JSON.stringify(run.totals)}`,
  );
  await run.deps.close();
} else await main();
