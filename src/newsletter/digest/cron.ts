/**
 * A small five-field cron matcher (minute hour day-of-month month day-of-week; `*`, lists,
 * ranges, steps) evaluated in a time zone. Cloudflare Cron Triggers fire in UTC: the Worker
 * runs hourly and asks whether HUB_DIGEST_CRON, read in the hub's zone, fell in the past hour.
 */
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

export class CronError extends Error {}

function parseField(field: string, [lo, hi]: [number, number]): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`Bad cron field "${field}"`);
    const step = m[4] ? Number(m[4]) : 1;
    const start = m[1] === '*' ? lo : Number(m[2]);
    const end = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] ? hi : start;
    if (start < lo || end > hi || start > end || step < 1)
      throw new CronError(`Cron field "${field}" out of range ${lo}-${hi}`);
    for (let v = start; v <= end; v += step) out.add(v);
  }
  return out;
}

export interface Cron {
  minute: Set<number>;
  hour: Set<number>;
  day: Set<number>;
  month: Set<number>;
  weekday: Set<number>;
  dayStar: boolean;
  weekdayStar: boolean;
}

export function parseCron(expr: string): Cron {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`Cron "${expr}" must have five fields`);
  const [minute, hour, day, month, weekday] = fields.map((f, i) => parseField(f, RANGES[i]!));
  if (weekday!.has(7)) weekday!.add(0);
  return {
    minute: minute!,
    hour: hour!,
    day: day!,
    month: month!,
    weekday: weekday!,
    dayStar: fields[2] === '*',
    weekdayStar: fields[4] === '*',
  };
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Wall-clock fields of an instant in a zone. */
function wallClock(ms: number, timeZone: string) {
  let f = partsFormatters.get(timeZone);
  if (!f)
    partsFormatters.set(
      timeZone,
      (f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        weekday: 'short',
      })),
    );
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return {
    minute: Number(p.minute),
    hour: Number(p.hour) % 24,
    day: Number(p.day),
    month: Number(p.month),
    weekday: WEEKDAYS[p.weekday!]!,
  };
}

/** Does the cron fire at this minute, read in `timeZone`? (Vixie rule: day OR weekday when both are restricted.) */
export function cronMatches(cron: Cron, ms: number, timeZone: string): boolean {
  const w = wallClock(ms, timeZone);
  if (!cron.minute.has(w.minute) || !cron.hour.has(w.hour) || !cron.month.has(w.month))
    return false;
  const dayOk = cron.day.has(w.day);
  const weekdayOk = cron.weekday.has(w.weekday);
  if (cron.dayStar || cron.weekdayStar) return dayOk && weekdayOk;
  return dayOk || weekdayOk;
}

/** Did the cron fire at some minute in (from, to]? */
export function cronFiredBetween(
  expr: string,
  from: number,
  to: number,
  timeZone: string,
): boolean {
  const cron = parseCron(expr);
  const first = Math.floor(from / 60_000) * 60_000 + 60_000;
  for (let t = first; t <= to; t += 60_000) if (cronMatches(cron, t, timeZone)) return true;
  return false;
}
