/**
 * The Workers side of pull fan-out: a PullDispatcher that enqueues source ids on the pull
 * Queue, and the consumer that pulls a batch of them (see wrangler.toml's [[queues.*]]).
 */
import type { MessageBatch, Queue } from '@cloudflare/workers-types';
import type { Deps, PullDispatcher } from '../../src/deps.ts';
import { pullSourceIds, startDispatchedRun } from '../../src/ingest/pull.ts';
import type { PullSummary } from '../../src/ingest/types.ts';

/** One message = one source: retries and the dead-letter queue then work per source. */
export interface PullMessage {
  sourceId: number;
  /** The `pulls` row of the run it belongs to (absent in messages queued by older code). */
  runId?: number;
}

/** Queue.sendBatch takes at most 100 messages (and 256 KB) per call. */
const SEND_BATCH = 100;

/**
 * Enqueues one message per source, all naming one `pulls` row for the run: the batches fill it
 * in, so /healthz reports the whole pull, not the last batch of ten.
 */
export function queueDispatcher(queue: Queue<PullMessage>, deps: () => Deps): PullDispatcher {
  return {
    async dispatch(ids, trigger = 'cron') {
      const runId = await startDispatchedRun(deps(), trigger, ids.length);
      for (let i = 0; i < ids.length; i += SEND_BATCH) {
        await queue.sendBatch(
          ids.slice(i, i + SEND_BATCH).map((sourceId) => ({ body: { sourceId, runId } })),
        );
      }
    },
  };
}

/**
 * Pulls one delivered batch. Refresh records each source's own failure, so messages are
 * acknowledged once pulled; only a failure of the run itself (database unreachable) lets
 * the batch be retried by the Queue, and in the end dead-lettered.
 */
export async function consumePullBatch(
  deps: Deps,
  batch: MessageBatch<PullMessage>,
): Promise<PullSummary[]> {
  // A batch may hold messages of several runs (a cron tick and a coordinator's pull).
  const byRun = new Map<number, number[]>();
  for (const m of batch.messages) {
    const id = Number(m.body?.sourceId);
    if (!Number.isInteger(id) || id <= 0) continue;
    const run = Number(m.body?.runId);
    const key = Number.isInteger(run) && run > 0 ? run : 0;
    byRun.set(key, [...(byRun.get(key) ?? []), id]);
  }
  const summaries: PullSummary[] = [];
  for (const [run, ids] of byRun)
    summaries.push(await pullSourceIds(deps, ids, 'queue', run || undefined));
  batch.ackAll();
  return summaries;
}
