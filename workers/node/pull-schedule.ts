/**
 * `serve`'s pull schedule: HUB_PULL_CRON (node-cron, server time like any crontab) selects
 * the due sources and hands them to the in-process dispatcher; a first tick at start-up so a
 * fresh hub fills itself without waiting for the first slot.
 */
import cron from 'node-cron';
import type { Deps } from '../../src/deps.ts';
import { dispatchDuePulls } from '../../src/ingest/pull.ts';
import { ConfigError } from '../../src/env.ts';

export interface PullSchedule {
  stop(): void;
}

export function schedulePulls(deps: Deps): PullSchedule {
  if (!cron.validate(deps.config.pullCron)) {
    throw new ConfigError(
      `HUB_PULL_CRON is not a valid cron expression: "${deps.config.pullCron}"`,
    );
  }
  const tick = async () => {
    try {
      const count = await dispatchDuePulls(deps);
      if (count) deps.log.info('pull dispatched', { sources: count });
    } catch (err) {
      deps.log.error('pull tick failed', { error: String((err as Error)?.stack ?? err) });
    }
  };
  const task = cron.schedule(deps.config.pullCron, tick, { noOverlap: true, name: 'pull' });
  void tick();
  return { stop: () => void task.stop() };
}
