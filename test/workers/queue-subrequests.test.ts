/**
 * What one queue invocation costs in subrequests (D1 queries, fetches, store turns), which
 * Cloudflare caps per invocation (README, "Which Workers plan"), and how concurrent
 * invocations take turns to store: through the store-turn Durable Object, never by polling a
 * lease row in D1; and a document D1 refuses fails alone, not its whole batch. Feeds are the
 * bench federation's (bench/ingest/federation.ts): ~50 French stories per member in RSS, Atom
 * and JSON Feed, ~5 % relaying another member's story.
 */
import { createMessageBatch, env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { consumeQueueBatch, workerDeps, type Env } from '../../workers/cloudflare.ts';
import { totalSubrequests } from '../../workers/cloudflare/subrequests.ts';
import { entries, networks, settings, sources } from '../../src/db/schema/index.ts';
import { insertGroups } from '../../src/db/client.ts';
import { federationFeedUrl } from '../support/federation-feeds.ts';
import { relaysPerFeed } from '../../bench/ingest/federation.ts';
import type { PullMessage } from '../../workers/cloudflare/pull-queue.ts';

const base = inject('fixtureBase');
const ITEMS = 50;
/**
 * Issue 19's target is 40 for a first pull (the Free plan allows 50). Measured: 206 with the
 * lease row, 196 through the store-turn object, 76 with one candidate query per document
 * (thirteen before), 58–67 with the turn kept between an invocation's stores, 20–21 with the
 * batch stored as one (store-batcher.ts: 10 fetches, one store turn, known entries, candidates,
 * the joined stories' entries and one write for the ten documents and their sources' records);
 * see the README's "Which Workers plan". All 304: 25 before, 16 with the ten records in one
 * write.
 */
const FIRST_PULL_MAX = 40;
const ALL_304_MAX = 20;

/** `count` members of a federation of that size, as sources of their own networks. */
async function federation(count: number): Promise<{ ids: number[]; token: string }> {
  const deps = workerDeps(env as unknown as Env);
  const token = Math.random().toString(36).slice(2, 8);
  const now = Date.now();
  const slugs = Array.from({ length: count }, (_, i) => `q${token}-${i}`);
  const networkRows = slugs.map((slug) => ({ slug, name: slug, createdAt: now, updatedAt: now }));
  for (const group of insertGroups(deps.db, networks, networkRows))
    await deps.db.orm.insert(networks).values(group);
  const rows = slugs.map((slug, i) => {
    const url = federationFeedUrl(base, token, count, ITEMS, i);
    return { networkSlug: slug, kind: 'feed' as const, url, fetchUrl: url, createdAt: now };
  });
  for (const group of insertGroups(deps.db, sources, rows))
    await deps.db.orm.insert(sources).values(group);
  const found = await deps.db.orm
    .select({ id: sources.id })
    .from(sources)
    .where(inArray(sources.networkSlug, slugs))
    .orderBy(sources.id);
  return { ids: found.map((r) => r.id), token };
}

const batchOf = (ids: number[]) =>
  createMessageBatch<PullMessage>(
    'intercoop-pulls',
    ids.map((sourceId, i) => ({
      id: `m-${sourceId}-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { sourceId },
    })),
  );

async function storedOf(ids: number[]) {
  const deps = workerDeps(env as unknown as Env);
  const [row] = await deps.db.orm
    .select({ entries: sql<number>`count(*)`, items: sql<number>`count(distinct item_id)` })
    .from(entries)
    .where(inArray(entries.sourceId, ids));
  return row!;
}

describe('queue invocations: subrequests and store turns (workerd, D1, Durable Object)', () => {
  it('a batch of 10 members of ~50 stories: its subrequests, first pull and all-304, relays merged', async () => {
    const { ids } = await federation(10);
    const first = await consumeQueueBatch(env as unknown as Env, batchOf(ids));
    const stored = await storedOf(ids);
    console.log('10-source batch, first pull: subrequests', first.subrequests);
    expect(first.summaries.map((s) => [s.ok, s.failed, s.newItems])).toEqual([[10, 0, 500]]);
    // Every relay joined its original, pulled in the same batch.
    expect(stored).toEqual({ entries: 500, items: 500 - 10 * relaysPerFeed(ITEMS, 10) });
    expect(first.subrequests.fetch).toBe(10);
    expect(totalSubrequests(first.subrequests)).toBeLessThanOrEqual(FIRST_PULL_MAX);

    const again = await consumeQueueBatch(env as unknown as Env, batchOf(ids));
    console.log('10-source batch, all 304: subrequests', again.subrequests);
    expect(again.summaries.map((s) => [s.notModified, s.newItems])).toEqual([[10, 0]]);
    expect(totalSubrequests(again.subrequests)).toBeLessThanOrEqual(ALL_304_MAX);
  }, 60_000);

  it('concurrent batches store in turn through the Durable Object: no lease row, no poll, every relay kept once', async () => {
    // 30 members whose relays cross batches: member i's batch is i % 3.
    const { ids } = await federation(30);
    const batches = [0, 1, 2].map((b) => ids.filter((_, i) => i % 3 === b));
    const deps = workerDeps(env as unknown as Env);
    // A lease row would be written and deleted around each store: watch for one meanwhile.
    let leaseSeen = false;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const rows = await deps.db.orm
          .select()
          .from(settings)
          .where(eq(settings.key, 'lease:store'));
        if (rows.length) leaseSeen = true;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const results = await Promise.all(
      batches.map((b) => consumeQueueBatch(env as unknown as Env, batchOf(b))),
    );
    watching = false;
    await watch;
    for (const r of results) {
      console.log('concurrent batch: subrequests', r.subrequests);
      expect(r.summaries.map((s) => [s.ok, s.failed])).toEqual([[10, 0]]);
      expect(r.subrequests.durableObject).toBeGreaterThanOrEqual(1);
      expect(totalSubrequests(r.subrequests)).toBeLessThanOrEqual(FIRST_PULL_MAX);
    }
    expect(leaseSeen).toBe(false);
    expect(await storedOf(ids)).toEqual({
      entries: 30 * ITEMS,
      items: 30 * ITEMS - 30 * relaysPerFeed(ITEMS, 30),
    });
  }, 90_000);

  it('a document D1 refuses fails alone: its source records a storage error, the others of the batch are stored', async () => {
    const { ids } = await federation(10);
    const deps = workerDeps(env as unknown as Env);
    // D1 refuses every entry of one member, as it would a value past its limits: a constraint.
    const refused = ids[3]!;
    await env.DB.exec(
      `create trigger refuse_member before insert on entries when new.source_id = ${refused} begin select raise(abort, 'CHECK constraint failed: refusee'); end`,
    );
    try {
      const { summaries } = await consumeQueueBatch(env as unknown as Env, batchOf(ids));
      expect(summaries.map((s) => [s.ok, s.failed])).toEqual([[9, 1]]);
      const failed = summaries[0]!.reports.find((r) => r.outcome === 'error')!;
      expect(failed).toMatchObject({ sourceId: refused, errorKind: 'storage_error' });
      const rows = await deps.db.orm.select().from(sources).where(inArray(sources.id, ids));
      for (const row of rows) {
        if (row.id === refused)
          expect([row.lastErrorKind, row.etag]).toEqual(['storage_error', null]);
        else expect([row.lastErrorKind, row.etag !== null]).toEqual([null, true]);
      }
      expect((await storedOf([refused])).entries).toBe(0);
      expect((await storedOf(ids.filter((id) => id !== refused))).entries).toBe(9 * ITEMS);
    } finally {
      await env.DB.exec('drop trigger refuse_member');
    }
  }, 60_000);
});
