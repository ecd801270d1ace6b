/**
 * `serve`'s pull schedule: HUB_PULL_CRON (croner, src/cron.ts's dialect, server time like any
 * crontab) selects the due sources and hands them to the in-process dispatcher; a first tick
 * at start-up so a fresh hub fills itself without waiting for the first slot.
 */
import { Cron } from 'croner';
import type { Deps } from '../../src/deps.ts';
import { dispatchDuePulls } from '../../src/ingest/pull.ts';
import { cronOptions } from '../../src/cron.ts';

export interface PullSchedule {
  stop(): void;
}

export function schedulePulls(deps: Deps): PullSchedule {
  const tick = async () => {
    try {
      const count = await dispatchDuePulls(deps);
      if (count) deps.log.info('pull dispatched', { sources: count });
    } catch (err) {
      deps.log.error('pull tick failed', { error: String((err as Error)?.stack ?? err) });
    }
  };
  // protect: a tick still running when the next fires is not started twice.
  const task = new Cron(
    deps.config.pullCron,
    { ...cronOptions(), name: 'pull', protect: true },
    tick,
  );
  void tick();
  return { stop: () => task.stop() };
}
