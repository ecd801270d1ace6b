/**
 * On workerd, through the pull Queue's consumer (D1, the store-turn Durable Object): an upstream
 * hub's history page 2 that fails (5xx, gone, HTML, a calendar, broken XML, binary) ends its
 * history; the first page's stories are stored, the source is ok with the history's warning,
 * nothing of page 2 or after it is stored (test/support/history-pages.ts).
 */
import { createMessageBatch, env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { consumeQueueBatch, workerDeps, type Env } from '../../workers/cloudflare.ts';
import { entries, eventSources, sources } from '../../src/db/schema/index.ts';
import type { PullMessage } from '../../workers/cloudflare/pull-queue.ts';
import { addSource } from '../support/store-fixtures.ts';
import { historyStories } from '../support/history-pages.ts';

const base = inject('fixtureBase');
const SHAPES = ['500', '410', 'html', 'ics', 'broken-xml', 'garbage'];

describe('a hub’s history page that fails, pulled on a Queue (workerd)', () => {
  it('ends the history, not the source: first page stored, a warning, nothing after', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    const ids: number[] = [];
    for (const shape of SHAPES)
      ids.push((await addSource(deps, `h-${shape}`, `${base}/_history/${shape}/feed.json`)).id);
    const batch = createMessageBatch<PullMessage>(
      'intercoop-pulls',
      ids.map((sourceId) => ({
        id: `m-${sourceId}`,
        timestamp: new Date(),
        attempts: 1,
        body: { sourceId },
      })),
    );
    const { summaries } = await consumeQueueBatch(env as unknown as Env, batch);
    const reports = summaries.flatMap((s) => s.reports);
    expect(reports.map((r) => r.outcome)).toEqual(SHAPES.map(() => 'ok'));

    for (const [i, shape] of SHAPES.entries()) {
      const report = reports.find((r) => r.sourceId === ids[i])!;
      expect(report, shape).toMatchObject({ new: 2, error: null });
      expect(report.warning, shape).toMatch(/^historique du hub interrompu à la page 2 \(http/);
      expect(report.warning, shape).toContain(' / hub history stopped at page 2 (');
      const stored = await deps.db.orm
        .select({ title: entries.title })
        .from(entries)
        .where(eq(entries.sourceId, ids[i]!));
      expect(stored.map((s) => s.title).sort(), shape).toEqual(
        [...historyStories(shape).first].sort(),
      );
      const [row] = await deps.db.orm.select().from(sources).where(eq(sources.id, ids[i]!));
      expect(row, shape).toMatchObject({
        errorCount: 0,
        lastError: null,
        lastWarning: report.warning,
      });
    }
    expect(
      await deps.db.orm.select().from(eventSources).where(inArray(eventSources.sourceId, ids)),
    ).toEqual([]);
  });
});

describe('a hub’s history stopped by a 503, resumed at the next pull (workerd)', () => {
  it('the first pull stores page 1 and says it will retry; the second reads the rest', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    const { id } = await addSource(deps, 'h-flaky', `${base}/_history/flaky/feed.json`);
    const batch = (n: number) =>
      createMessageBatch<PullMessage>('intercoop-pulls', [
        { id: `flaky-${n}`, timestamp: new Date(), attempts: 1, body: { sourceId: id } },
      ]);
    const titles = async () =>
      (
        await deps.db.orm
          .select({ title: entries.title })
          .from(entries)
          .where(eq(entries.sourceId, id))
      )
        .map((s) => s.title)
        .sort();
    const { first, older } = historyStories('flaky');

    const once = await consumeQueueBatch(env as unknown as Env, batch(1));
    expect(once.summaries[0]!.reports[0]!.warning).toContain('retried on the next pull (1 of 3)');
    expect(await titles()).toEqual([...first].sort());

    const twice = await consumeQueueBatch(env as unknown as Env, batch(2));
    expect(twice.summaries[0]!.reports[0]).toMatchObject({ outcome: 'ok', warning: null });
    expect(await titles()).toEqual([...first, ...older].sort());
    const [row] = await deps.db.orm.select().from(sources).where(eq(sources.id, id));
    expect(row).toMatchObject({ historyResume: null, lastWarning: null });
  });
});
