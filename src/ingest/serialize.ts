/**
 * One store at a time per database (a batch of documents, store-batcher.ts; a calendar), while
 * fetches go on concurrently. On one thread this costs no throughput (the work was never
 * parallel); it also means a story relayed by two sources stored one after the other is always
 * seen by the second one's dedup lookup (between processes and Workers invocations,
 * store-lease.ts does the same).
 */
const tails = new WeakMap<object, Promise<unknown>>();
/** Runs handed to `serialized` and not finished yet, the one running included. */
const unfinished = new WeakMap<object, number>();

export function serialized<T>(key: object, run: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  unfinished.set(key, (unfinished.get(key) ?? 0) + 1);
  const next = previous.then(run, run).finally(() => {
    unfinished.set(key, (unfinished.get(key) ?? 1) - 1);
  });
  tails.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Runs waiting behind the current one, asked from inside it: a store turn held across
 * processes (workers/cloudflare/store-turns.ts) is kept while another document is waiting.
 */
export function waitingBehind(key: object): number {
  return Math.max(0, (unfinished.get(key) ?? 0) - 1);
}
