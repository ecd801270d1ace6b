/**
 * The Workers side of pull fan-out: a PullDispatcher that enqueues source ids on the pull
 * Queue, and the consumer that pulls a batch of them (see wrangler.toml's [[queues.*]]).
 */
import type { MessageBatch, Queue } from '@cloudflare/workers-types';
import type { Deps, PullDispatcher } from '../../src/deps.ts';
import { pullSourceIds } from '../../src/ingest/pull.ts';
import type { PullSummary } from '../../src/ingest/types.ts';

/** One message = one source: retries and the dead-letter queue then work per source. */
export interface PullMessage {
  sourceId: number;
}

/** Queue.sendBatch takes at most 100 messages (and 256 KB) per call. */
const SEND_BATCH = 100;

export function queueDispatcher(queue: Queue<PullMessage>): PullDispatcher {
  return {
    async dispatch(ids) {
      for (let i = 0; i < ids.length; i += SEND_BATCH) {
        await queue.sendBatch(
          ids.slice(i, i + SEND_BATCH).map((sourceId) => ({ body: { sourceId } })),
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
): Promise<PullSummary> {
  const ids = [
    ...new Set(
      batch.messages
        .map((m) => Number(m.body?.sourceId))
        .filter((id) => Number.isInteger(id) && id > 0),
    ),
  ];
  const summary = await pullSourceIds(deps, ids, 'queue');
  batch.ackAll();
  return summary;
}
