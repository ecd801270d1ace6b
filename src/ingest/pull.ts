/**
 * A pull: which sources are due, refreshing them with bounded concurrency (per host too),
 * and a row in `pulls` for /healthz, the admin API and the CLI summary.
 *
 * Two ways in: `pull()` pulls now, in this process (CLI, admin API, the Node schedule);
 * `dispatchDuePulls()` only selects due sources and hands them to `deps.dispatcher` (a Queue
 * on Workers, whose consumer calls `pullSources`; an in-process pool on Node).
 */
import { pruneOldStories } from './retention.ts';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { pulls, sources, type SourceRow } from '../db/schema/sources.ts';
import { refreshInTurn } from './refresh.ts';
import { StoreBatcher } from './store-batcher.ts';
import { hostKey, runLimited } from './limiter.ts';
import { refoldSearchText } from '../db/search-refold.ts';
import { repairStoredCredentials } from '../db/credentials-repair.ts';
import { chunks, IN_LIST } from './dedupe/chunk.ts';
import type { PullSummary, SourceReport } from './types.ts';

export interface PullOptions {
  /** Recorded in `pulls.trigger`: cli, cron, admin, queue, demo, bench… */
  trigger: string;
  /** Only this network's sources. */
  network?: string;
  /** Every active source, due or not (a coordinator asking for a pull now). Default: due only. */
  all?: boolean;
  onProgress?: (report: SourceReport, done: number, total: number) => void;
}

/**
 * How long a dispatched source is held back from the next selection: a queue consumer that
 * dies leaves it due again afterwards, instead of it being enqueued twice meanwhile.
 */
export const DISPATCH_LEASE_MS = 20 * 60_000;

/** Active sources to pull now, oldest due first. */
export async function selectSources(
  deps: Deps,
  options: { network?: string; all?: boolean },
): Promise<SourceRow[]> {
  const now = deps.clock.now().getTime();
  const conditions = [eq(sources.status, 'active')];
  if (options.network) conditions.push(eq(sources.networkSlug, options.network));
  if (!options.all) conditions.push(lte(sources.nextFetchAt, now));
  return deps.db.orm
    .select()
    .from(sources)
    .where(and(...conditions))
    .orderBy(asc(sources.nextFetchAt), asc(sources.id));
}

export async function pull(deps: Deps, options: PullOptions): Promise<PullSummary> {
  return pullSources(deps, await selectSources(deps, options), options.trigger, options.onProgress);
}

/**
 * Pulls the sources with these ids (a queue message batch), skipping any no longer active.
 * With `runId` (a run handed to the Queue: startDispatchedRun) the counts are added to that
 * run's row, so /healthz reports the whole pull rather than this batch.
 */
export async function pullSourceIds(
  deps: Deps,
  ids: number[],
  trigger: string,
  runId?: number,
): Promise<PullSummary> {
  const rows: SourceRow[] = [];
  for (const part of chunks(ids, IN_LIST)) {
    rows.push(
      ...(await deps.db.orm
        .select()
        .from(sources)
        .where(and(inArray(sources.id, part), eq(sources.status, 'active')))),
    );
  }
  return pullSources(
    deps,
    rows,
    trigger,
    undefined,
    runId ? { id: runId, handed: new Set(ids).size } : undefined,
  );
}

/**
 * A run handed to the pull Queue: one `pulls` row for all its sources, filled in by the
 * batches as they are pulled (pullSourceIds with its id). Returns the row's id.
 */
export async function startDispatchedRun(
  deps: Deps,
  trigger: string,
  sourceCount: number,
): Promise<number> {
  const [run] = await deps.db.orm
    .insert(pulls)
    .values({ trigger, startedAt: deps.clock.now().getTime(), sources: sourceCount })
    .returning({ id: pulls.id });
  return run!.id;
}

/**
 * Refreshes `rows` and records the run (or, with `partOf`, adds this batch to a dispatched
 * run: `handed` sources were asked for, skipped ones included). Never throws for a source's
 * failure.
 */
export async function pullSources(
  deps: Deps,
  rows: SourceRow[],
  trigger: string,
  onProgress?: PullOptions['onProgress'],
  partOf?: { id: number; handed: number },
): Promise<PullSummary> {
  const startedAt = deps.clock.now().getTime();
  const [run] = partOf
    ? [{ id: partOf.id }]
    : await deps.db.orm
        .insert(pulls)
        .values({ trigger, startedAt, sources: rows.length })
        .returning({ id: pulls.id });
  const reports: SourceReport[] = [];
  const recorded: Array<Promise<void>> = [];
  // The documents read meanwhile are stored together (store-batcher.ts).
  const batcher = new StoreBatcher(deps);
  await runLimited(
    rows,
    (s) => hostKey(s.fetchUrl),
    { concurrency: deps.config.fetch.concurrency, perKey: deps.config.fetch.perHost },
    async (source) => {
      // The source's turn ends once its document is handed to the store batch; its report
      // comes with the commit.
      const { report } = await refreshInTurn(deps, source, batcher);
      recorded.push(
        report.then((r) => {
          reports.push(r);
          onProgress?.(r, reports.length, rows.length);
        }),
      );
    },
  );
  // No store follows: what the last ones wrote is committed now, not after a group commit's
  // idle delay.
  await batcher.idle();
  await deps.db.durably(async () => undefined);
  await Promise.all(recorded);
  // Reports arrive as stores commit; the summary lists them in the sources' order, so
  // `pull --json` and the pull report read the same from one run to the next.
  const position = new Map(rows.map((s, i) => [s.id, i]));
  reports.sort((a, b) => (position.get(a.sourceId) ?? 0) - (position.get(b.sourceId) ?? 0));
  // Stories stored before search folding get folded a slice per pull (see search-refold.ts),
  // and stored links that kept a private feed's password repaired (db/credentials-repair.ts).
  await refoldSearchText(deps).catch((e) =>
    deps.log.warn('search refold failed', { error: String(e) }),
  );
  await repairStoredCredentials(deps).catch((e) =>
    deps.log.warn('stored links repair failed', { error: String(e) }),
  );
  const summary: PullSummary = {
    pullId: run!.id,
    trigger,
    startedAt,
    finishedAt: deps.clock.now().getTime(),
    sources: rows.length,
    ok: reports.filter((r) => r.outcome === 'ok').length,
    notModified: reports.filter((r) => r.outcome === 'not_modified').length,
    failed: reports.filter((r) => r.outcome === 'error' || r.outcome === 'gone').length,
    newItems: reports.reduce((n, r) => n + r.new, 0),
    updatedItems: reports.reduce((n, r) => n + r.updated, 0),
    reports,
  };
  if (partOf) {
    // Batches of one run may end at once: each adds its counts in one statement; the one
    // that completes the run stamps its end.
    await deps.db.orm
      .update(pulls)
      .set({
        ok: sql`${pulls.ok} + ${summary.ok}`,
        notModified: sql`${pulls.notModified} + ${summary.notModified}`,
        failed: sql`${pulls.failed} + ${summary.failed}`,
        newItems: sql`${pulls.newItems} + ${summary.newItems}`,
        updatedItems: sql`${pulls.updatedItems} + ${summary.updatedItems}`,
        sourcesDone: sql`${pulls.sourcesDone} + ${partOf.handed}`,
        finishedAt: sql`case when ${pulls.sourcesDone} + ${partOf.handed} >= ${pulls.sources}
          then ${summary.finishedAt} else ${pulls.finishedAt} end`,
      })
      .where(eq(pulls.id, partOf.id));
    return summary;
  }
  await deps.db.orm
    .update(pulls)
    .set({
      finishedAt: summary.finishedAt,
      sourcesDone: summary.sources,
      ok: summary.ok,
      notModified: summary.notModified,
      failed: summary.failed,
      newItems: summary.newItems,
      updatedItems: summary.updatedItems,
    })
    .where(eq(pulls.id, summary.pullId));
  return summary;
}

/**
 * The scheduled tick on both runtimes: selects due sources, holds them back for the lease,
 * and hands their ids to the dispatcher. Returns how many were dispatched.
 */
export async function dispatchDuePulls(deps: Deps): Promise<number> {
  // The scheduled tick is also when old stories are pruned (HUB_RETENTION_MONTHS; once a day).
  try {
    await pruneOldStories(deps);
  } catch (err) {
    // A failed prune (database busy) is retried at the next tick; the pulls go on.
    deps.log.error('pruning old stories failed', { error: String(err) });
  }
  return dispatchPulls(deps, { trigger: 'cron' });
}

/**
 * Like the scheduled tick, for any selection (a coordinator's "pull now" through the queue:
 * POST /api/admin/pull?queue=1). Returns how many sources were dispatched.
 */
export async function dispatchPulls(
  deps: Deps,
  options: { network?: string; all?: boolean; trigger?: string },
): Promise<number> {
  const due = await selectSources(deps, options);
  if (!due.length) return 0;
  const ids = due.map((s) => s.id);
  const leaseUntil = deps.clock.now().getTime() + DISPATCH_LEASE_MS;
  await deps.db.batch(
    chunks(ids, IN_LIST).map((part) =>
      deps.db.orm.update(sources).set({ nextFetchAt: leaseUntil }).where(inArray(sources.id, part)),
    ),
  );
  await deps.dispatcher.dispatch(ids, options.trigger ?? 'admin');
  return ids.length;
}
