/**
 * The Node runtime's PullDispatcher: pulls dispatched sources right here, one run at a time.
 * Ids dispatched while a run is going are queued and pulled by the next run, so a slow pull
 * never overlaps itself (two refreshes of one source would race on its validators).
 */
import type { Deps, PullDispatcher } from '../deps.ts';
import { pullSourceIds } from './pull.ts';
import type { PullSummary } from './types.ts';

export interface InProcessDispatcher extends PullDispatcher {
  /** Resolves when everything dispatched so far has been pulled (tests, shutdown). */
  idle(): Promise<void>;
}

export function inProcessDispatcher(
  deps: () => Deps,
  onRun?: (summary: PullSummary) => void,
): InProcessDispatcher {
  const pending = new Set<number>();
  let running: Promise<void> | null = null;
  const drain = async () => {
    while (pending.size) {
      const ids = [...pending];
      pending.clear();
      try {
        // Not `onRun?.(await …)`: an absent callback would skip evaluating the pull itself.
        const summary = await pullSourceIds(deps(), ids, 'cron');
        onRun?.(summary);
      } catch (err) {
        // The run itself failed (database gone): the sources come due again after their lease.
        deps().log.error('scheduled pull failed', { error: String((err as Error)?.stack ?? err) });
      }
    }
  };
  const dispatcher: InProcessDispatcher = {
    dispatch(ids) {
      for (const id of ids) pending.add(id);
      running ??= drain().finally(() => (running = null));
      return running;
    },
    idle: () => running ?? Promise.resolve(),
  };
  return dispatcher;
}
