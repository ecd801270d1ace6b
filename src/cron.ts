/**
 * The hub's one cron dialect, croner's, on Node and on Workers alike (croner runs in workerd):
 * five fields (minute hour day month weekday) or six with seconds first; names (`mon`, `dec`),
 * `@weekly`/`@daily`/…, steps, ranges, lists, `L` and `#`; day of month and day of week
 * combined by OR when both are restricted, as Vixie cron does. `serve` schedules with croner
 * itself; a Worker, woken by an hourly trigger in UTC, asks whether the expression fired in
 * the past hour in the hub's zone. Settings are checked at start-up (env.ts), so an expression
 * one runtime would refuse never waits silently for a digest that does not come.
 */
import { Cron } from 'croner';

export class CronError extends Error {}

/**
 * croner's options for the hub: 5 or 6 fields, in `timezone` (absent: the server's). `serve`
 * schedules its jobs with these too, so both runtimes read an expression alike.
 */
export function cronOptions(timezone?: string) {
  return { mode: '5-or-6-parts' as const, ...(timezone ? { timezone } : {}) };
}

/** A paused croner job for `expr`, or CronError with croner's reason. */
export function parseCron(expr: string, timezone?: string): Cron {
  try {
    return new Cron(expr.trim(), { ...cronOptions(timezone), paused: true });
  } catch (err) {
    throw new CronError(`${String((err as Error)?.message ?? err)}`);
  }
}

/**
 * Checks a cron setting, with a message that names it and shows the forms accepted: at
 * start-up on both runtimes, so both read one dialect and a typo is said at once.
 */
export function checkCronSetting(name: string, expr: string): void {
  try {
    const next = parseCron(expr).nextRun();
    if (!next) throw new CronError('it never fires');
  } catch (err) {
    throw new CronError(
      `${name} is not a cron expression the hub reads: "${expr}" (${(err as Error).message}). ` +
        'Five fields (minute hour day month weekday) or six with seconds first, names and ' +
        'shortcuts allowed: "0 8 * * 1", "0 8 * * mon", "@weekly", "0 0 8 * * 1".',
    );
  }
}

/** Did the cron, read in `timeZone`, fire at some instant in (from, to]? */
export function cronFiredBetween(
  expr: string,
  from: number,
  to: number,
  timeZone: string,
): boolean {
  const next = parseCron(expr, timeZone).nextRun(new Date(from));
  return next !== null && next.getTime() > from && next.getTime() <= to;
}
