import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { and, eq, isNotNull, like, sql } from 'drizzle-orm';
import worker, { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { entries, networks, pulls, sources } from '../../src/db/schema/index.ts';
import { insertGroups } from '../../src/db/client.ts';

const base = inject('fixtureBase');

describe('pull fan-out on a Queue (workerd, D1, Queues)', () => {
  // Local Queues deliver one batch of 10 at a time: on a loaded machine 500 sources take minutes.
  it('the pull cron enqueues 500 due sources and the queue consumer pulls them all', async () => {
    const deps = workerDeps(env as unknown as Env);
    const now = Date.now();
    const run = Math.random().toString(36).slice(2, 8);
    await deps.db.orm
      .insert(networks)
      .values({ slug: `fanout-${run}`, name: 'Fan-out', createdAt: now, updatedAt: now });
    const rows = Array.from({ length: 500 }, (_, i) => {
      const url = `${base}/_pull/stable/q${run}-${i}`;
      return {
        networkSlug: `fanout-${run}`,
        kind: 'feed' as const,
        url,
        fetchUrl: url,
        createdAt: now,
      };
    });
    for (const group of insertGroups(deps.db, sources, rows))
      await deps.db.orm.insert(sources).values(group);

    const controller = createScheduledController({ cron: '*/30 * * * *', scheduledTime: now });
    const ctx = createExecutionContext();
    await worker.scheduled(controller as any, env as unknown as Env, ctx as any);
    await waitOnExecutionContext(ctx);

    // Held back while queued: the next tick must not enqueue them twice.
    const [leased] = await deps.db.orm
      .select({ n: sql<number>`count(*)` })
      .from(sources)
      .where(and(eq(sources.networkSlug, `fanout-${run}`), sql`${sources.nextFetchAt} > ${now}`));
    expect(leased!.n).toBe(500);

    const pulled = async () =>
      (
        await deps.db.orm
          .select({ n: sql<number>`count(*)` })
          .from(sources)
          .where(and(eq(sources.networkSlug, `fanout-${run}`), isNotNull(sources.lastSuccessAt)))
      )[0]!.n;
    const deadline = Date.now() + 270_000;
    while ((await pulled()) < 500 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(await pulled()).toBe(500);

    const [stored] = await deps.db.orm
      .select({ n: sql<number>`count(*)` })
      .from(entries)
      .where(like(entries.guid, `q${run}-%`));
    expect(stored!.n).toBe(1000);
    // One run, filled in by the batches (max_batch_size 10: at least 50 consumer invocations),
    // finished by the last: /healthz reports the whole pull, not the last batch of ten.
    const runRow = async () =>
      (
        await deps.db.orm
          .select()
          .from(pulls)
          .where(and(eq(pulls.trigger, 'cron'), eq(pulls.sources, 500)))
      )[0];
    while (!(await runRow())?.finishedAt && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(await runRow()).toMatchObject({
      trigger: 'cron',
      sources: 500,
      sourcesDone: 500,
      ok: 500,
      failed: 0,
      newItems: 1000,
    });
    expect(await deps.db.orm.select().from(pulls).where(eq(pulls.trigger, 'queue'))).toEqual([]);
    const ctx2 = createExecutionContext();
    const health = (await (
      (await worker.fetch(
        new Request('https://hub.test/healthz') as any,
        env as unknown as Env,
        ctx2 as any,
      )) as unknown as Response
    ).json()) as { last_pull: Record<string, unknown> };
    expect(health.last_pull).toMatchObject({
      trigger: 'cron',
      sources: 500,
      sources_done: 500,
      in_progress: false,
      ok: 500,
      new_items: 1000,
    });
  }, 300_000);

  it('POST /api/admin/pull?queue=1 enqueues a network now, though nothing is due; the consumer pulls it', async () => {
    const deps = workerDeps(env as unknown as Env);
    const now = Date.now();
    const run = Math.random().toString(36).slice(2, 8);
    const slug = `now-${run}`;
    await deps.db.orm
      .insert(networks)
      .values({ slug, name: 'Maintenant', createdAt: now, updatedAt: now });
    const urls = Array.from({ length: 12 }, (_, i) => `${base}/_pull/stable/now${run}-${i}`);
    // Pulled a minute ago: the schedule would leave them alone for a while.
    const rows = urls.map((url) => ({
      networkSlug: slug,
      kind: 'feed' as const,
      url,
      fetchUrl: url,
      createdAt: now,
      nextFetchAt: now + 3_600_000,
    }));
    for (const group of insertGroups(deps.db, sources, rows))
      await deps.db.orm.insert(sources).values(group);
    const call = async (path: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`https://hub.test${path}`, {
          method: 'POST',
          headers: { authorization: 'Bearer test-admin-token' },
        }) as any,
        env as unknown as Env,
        ctx as any,
      );
      await waitOnExecutionContext(ctx);
      return res as unknown as Response;
    };
    const res = await call(`/api/admin/pull?queue=1&network=${slug}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ dispatched: 12 });
    const pulled = async () =>
      (
        await deps.db.orm
          .select({ n: sql<number>`count(*)` })
          .from(sources)
          .where(and(eq(sources.networkSlug, slug), isNotNull(sources.lastSuccessAt)))
      )[0]!.n;
    const deadline = Date.now() + 60_000;
    while ((await pulled()) < 12 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await pulled()).toBe(12);
    // Only due sources with due=1: none here.
    expect(await (await call(`/api/admin/pull?queue=1&due=1&network=${slug}`)).json()).toEqual({
      dispatched: 0,
    });
  }, 90_000);

  it('without a queue binding, the cron invocation pulls the due sources itself', async () => {
    const bare = { ...(env as unknown as Env), PULL_QUEUE: undefined };
    const deps = workerDeps(bare);
    const now = Date.now();
    const run = Math.random().toString(36).slice(2, 8);
    await deps.db.orm
      .insert(networks)
      .values({ slug: `solo-${run}`, name: 'Solo', createdAt: now, updatedAt: now });
    const url = `${base}/_pull/stable/solo-${run}`;
    await deps.db.orm
      .insert(sources)
      .values({ networkSlug: `solo-${run}`, kind: 'feed', url, fetchUrl: url, createdAt: now });
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: '*/30 * * * *', scheduledTime: now }) as any,
      bare,
      ctx as any,
    );
    await waitOnExecutionContext(ctx);
    const [row] = await deps.db.orm.select().from(sources).where(eq(sources.url, url));
    expect(row).toMatchObject({ lastStatus: 200, errorCount: 0 });
    expect(row!.lastSuccessAt).not.toBeNull();
  });
});
