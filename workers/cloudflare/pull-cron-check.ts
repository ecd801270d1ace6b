/**
 * On Workers the pull schedule is wrangler.toml's `[triggers] crons`: HUB_PULL_CRON in `[vars]`
 * cannot change it (Cloudflare fires the triggers, the Worker only hears which one). So each pull
 * tick checks that the two agree, and says plainly when they do not.
 */

/** Cron fields compared as written, whitespace aside. */
const normalise = (cron: string) => cron.trim().split(/\s+/).join(' ');

/** The warning for a pull trigger that is not HUB_PULL_CRON, or null when they agree or it is unset. */
export function pullCronWarning(configured: unknown, fired: string): string | null {
  if (typeof configured !== 'string' || !configured.trim()) return null;
  if (normalise(configured) === normalise(fired)) return null;
  return (
    `HUB_PULL_CRON ("${configured}") has no effect on Workers: pulls follow wrangler.toml's ` +
    `[triggers] crons, and the trigger that fired is "${fired}". Put the same expression in ` +
    'both (or remove HUB_PULL_CRON from [vars]). · HUB_PULL_CRON est sans effet sur Workers : ' +
    'les récupérations suivent [triggers] dans wrangler.toml.'
  );
}
