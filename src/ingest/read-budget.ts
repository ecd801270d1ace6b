/**
 * How long reading one fetched document may take, in one place. On Node a reader thread past
 * it is terminated and replaced (workers/node/feed-reader-pool.ts); on Workers, where a read
 * cannot be interrupted, the caps on the work itself bound it (agenda/caps.ts, the feed
 * parser's limits) well below it.
 */
import { IngestError } from './types.ts';

export const READ_BUDGET_MS = 10_000;
/**
 * A feed's budget is larger: a 10,000-item feed (the parser's cap) legitimately needs ~6 s of
 * CPU with its fingerprints, more than 10 s of wall time on a busy machine. Its HTML is read in
 * linear time (bounded-html.ts), so only a document that would hold a thread for good meets it.
 */
export const FEED_READ_BUDGET_MS = 60_000;

/** The error a source records when its document was not read in time. */
export function readTooLong(budgetMs: number = READ_BUDGET_MS): IngestError {
  const seconds = (budgetMs / 1000).toLocaleString('fr-FR');
  return new IngestError(
    'read_timeout',
    `Lecture trop longue : le document demandait plus de ${seconds} s de lecture, elle a été ` +
      'arrêtée (il sera relu à la prochaine récupération).',
  );
}
