/**
 * The digest's Cron Trigger on Workers. Cloudflare's crons are in UTC while HUB_DIGEST_CRON
 * is in the hub's zone (and moves with daylight saving), so the Worker is woken every hour
 * and starts a digest only when HUB_DIGEST_CRON, read in the hub's zone, fired during that
 * hour. Every tick also resumes retries and interrupted deliveries.
 */
import type { Deps } from '../../deps.ts';
import { readHubSettings } from '../../db/hub-settings.ts';
import { cronFiredBetween } from '../../cron.ts';
import { runDigests, type RunSummary } from './send.ts';
import type { EventsLoader } from './load-content.ts';

/** The hourly trigger in wrangler.toml that drives digests. */
export const DIGEST_TRIGGER = '5 * * * *';

export async function digestTick(
  deps: Deps,
  scheduledTime: number,
  loadEvents?: EventsLoader,
): Promise<RunSummary | null> {
  if (!deps.mailer) {
    deps.log.warn('digests off: no mailer (set HUB_MAIL_API_KEY)');
    return null;
  }
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const startNew = cronFiredBetween(
    deps.config.digestCron,
    scheduledTime - 3600_000,
    scheduledTime,
    hub.timezone,
  );
  // Leave room before the invocation's limit: what is not sent now is resumed next hour.
  return runDigests(deps, {
    startNew,
    loadEvents,
    concurrency: 6,
    deadline: Date.now() + 10 * 60_000,
  });
}
