/**
 * One document parsed and stored at a time per database, while fetches go on concurrently.
 * On one thread this costs no throughput (the work was never parallel), and it keeps a single
 * parsed document in memory instead of one per fetch in flight; it also means a story relayed
 * by two sources fetched together is always seen by the second one's dedup lookup (between
 * processes and Workers invocations, store-lease.ts does the same).
 */
const tails = new WeakMap<object, Promise<unknown>>();

export function serialized<T>(key: object, run: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const next = previous.then(run, run);
  tails.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}
