/**
 * `serve`'s digest schedule: HUB_DIGEST_CRON read in the hub's time zone (croner, the dialect
 * the Workers' hourly tick reads too: src/cron.ts), plus one timer for
 * what the ledger asks next (a due retry, a crashed run's claim going stale, a run stopped by
 * a mail configuration error), and a resume of leftovers at start-up: nothing waits for the
 * next digest cron, a week away by default.
 */
import { Cron } from 'croner';
import { cronOptions } from '../../src/cron.ts';
import type { Deps } from '../../src/deps.ts';
import { readHubSettings } from '../../src/db/hub-settings.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import type { EventsLoader } from '../../src/newsletter/digest/load-content.ts';

/** How soon a run stopped by a mail configuration error tries again. */
export const CONFIGURATION_RETRY_MS = 15 * 60_000;

export interface DigestSchedule {
  stop(): void;
}

export async function scheduleDigests(
  deps: Deps,
  loadEvents?: EventsLoader,
): Promise<DigestSchedule> {
  if (!deps.mailer) {
    deps.log.warn('digests off: no mailer (set HUB_SMTP_URL)');
    return { stop() {} };
  }
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  let running = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const run = async (startNew: boolean) => {
    if (running) return;
    running = true;
    clearTimeout(retry);
    try {
      const s = await runDigests(deps, { startNew, loadEvents });
      if (s.digestId !== null) deps.log.info('digest run', { ...s });
      // A refused configuration may be fixed at the provider (a key, a verified sender).
      const next = s.configurationError
        ? deps.clock.now().getTime() + CONFIGURATION_RETRY_MS
        : s.nextRetryAt;
      if (next !== null) {
        retry = setTimeout(
          () => void run(false),
          Math.max(1000, next - deps.clock.now().getTime()),
        );
        retry.unref?.();
      }
    } catch (err) {
      deps.log.error('digest run failed', { error: String((err as Error)?.stack ?? err) });
    } finally {
      running = false;
    }
  };
  // `run` itself never overlaps (a slow run and the next firing share the `running` flag).
  const task = new Cron(
    deps.config.digestCron,
    { ...cronOptions(hub.timezone), name: 'digest' },
    () => void run(true),
  );
  // Leftovers of an interrupted run or pending retries: resume them, start nothing new.
  void run(false);
  return {
    stop() {
      task.stop();
      clearTimeout(retry);
    },
  };
}
