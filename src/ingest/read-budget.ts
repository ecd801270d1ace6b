/**
 * How long reading one fetched calendar may take, in one place. On Node a reader thread past
 * it is terminated and replaced (workers/node/feed-reader-pool.ts; feeds are not held to it
 * yet: a 10,000-item feed needs ~6 s of CPU);
 * on Workers, where a read cannot be interrupted, the caps on the work itself bound it
 * (agenda/caps.ts, the feed parser's limits) well below it.
 */
import { IngestError } from './types.ts';

export const READ_BUDGET_MS = 10_000;

/** The error a source records when its document was not read in time. */
export function readTooLong(budgetMs: number = READ_BUDGET_MS): IngestError {
  const seconds = (budgetMs / 1000).toLocaleString('fr-FR');
  return new IngestError(
    'read_timeout',
    `Lecture trop longue : le document demandait plus de ${seconds} s de lecture, elle a été ` +
      'arrêtée (il sera relu à la prochaine récupération).',
  );
}
