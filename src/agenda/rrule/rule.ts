/**
 * An RRULE as the expansion engine (iterate.ts) takes it: every BYxxx part validated and
 * split the way the engine wants, defaults filled from DTSTART as RFC 5545 §3.3.10 says
 * (a YEARLY rule without BYxxx repeats on DTSTART's month and day, and so on).
 *
 * Built from ical.js's jCal form of the value ({ freq, byday: ['-1SU'], bysetpos: -1 | [..] }).
 * A part out of its range makes the whole rule unreadable (thrown): guessing would give dates
 * the member never meant.
 */

export const YEARLY = 0;
export const MONTHLY = 1;
export const WEEKLY = 2;
export const DAILY = 3;
export const HOURLY = 4;
export const MINUTELY = 5;
export const SECONDLY = 6;

const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'];
/** Weekdays numbered from Monday = 0, like the engine's masks. */
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Larger intervals only make rules that never repeat inside the window: refused as nonsense. */
const MAX_INTERVAL = 100_000;

export interface Rule {
  freq: number;
  interval: number;
  count: number | null;
  /** Wall-clock ms (the DTSTART's zone, as if UTC) of the last allowed instant, or null. */
  until: number | null;
  wkst: number;
  bysetpos: number[] | null;
  bymonth: number[] | null;
  /** BYMONTHDAY split: days counted from the start, and from the end (negative). */
  bymonthday: number[];
  bynmonthday: number[];
  byyearday: number[] | null;
  byweekno: number[] | null;
  /** BYDAY without an ordinal (or with one, below MONTHLY, where ordinals mean nothing). */
  byweekday: number[] | null;
  /** BYDAY with an ordinal, YEARLY and MONTHLY only: [weekday, n]. */
  bynweekday: Array<[number, number]> | null;
  byhour: number[] | null;
  byminute: number[] | null;
  bysecond: number[] | null;
}

/** jCal recur value as ical.js parses it: numbers or lists of numbers, strings for BYDAY. */
export type JcalRecur = Record<string, unknown>;

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function ints(value: unknown, name: string, min: number, max: number, zero = false): number[] {
  const out: number[] = [];
  for (const v of list(value)) {
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isInteger(n) || n < min || n > max || (n === 0 && !zero))
      throw new Error(`RRULE ${name}=${String(v)} hors limites`);
    if (!out.includes(n)) out.push(n);
  }
  return out.sort((a, b) => a - b);
}

/** ical.js numbers WKST from Sunday = 1; strings are accepted too. */
function weekStart(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && value >= 1 && value <= 7) return (value + 5) % 7;
  const i = WEEKDAYS.indexOf(String(value).toUpperCase());
  if (i < 0) throw new Error(`RRULE WKST=${String(value)} illisible`);
  return i;
}

/** DTSTART's wall-clock fields, which fill the parts a rule leaves out. */
export interface StartFields {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

/** The engine's rule for a jCal recur value. `until` is already in DTSTART's wall clock. */
export function ruleFromJcal(r: JcalRecur, start: StartFields, until: number | null): Rule {
  const freq = FREQS.indexOf(String(r.freq ?? '').toUpperCase());
  if (freq < 0) throw new Error(`RRULE FREQ=${String(r.freq)} illisible`);
  const interval = r.interval === undefined ? 1 : Number(r.interval);
  if (!Number.isInteger(interval) || interval < 1 || interval > MAX_INTERVAL)
    throw new Error(`RRULE INTERVAL=${String(r.interval)} hors limites`);
  const count = r.count === undefined ? null : Number(r.count);
  if (count !== null && (!Number.isInteger(count) || count < 1))
    throw new Error(`RRULE COUNT=${String(r.count)} hors limites`);

  const monthdays = ints(r.bymonthday, 'BYMONTHDAY', -31, 31);
  const byweekday: number[] = [];
  const bynweekday: Array<[number, number]> = [];
  for (const raw of list(r.byday)) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/i.exec(String(raw).trim());
    if (!m) throw new Error(`RRULE BYDAY=${String(raw)} illisible`);
    const wday = WEEKDAYS.indexOf(m[2]!.toUpperCase());
    const n = m[1] === undefined ? 0 : Number(m[1]);
    if (n === 0 || freq > MONTHLY) {
      if (!byweekday.includes(wday)) byweekday.push(wday);
    } else {
      if (Math.abs(n) > (freq === YEARLY ? 53 : 5))
        throw new Error(`RRULE BYDAY=${String(raw)} hors limites`);
      bynweekday.push([wday, n]);
    }
  }
  const rule: Rule = {
    freq,
    interval,
    count,
    until,
    wkst: weekStart(r.wkst),
    bysetpos: orNull(ints(r.bysetpos, 'BYSETPOS', -366, 366)),
    bymonth: orNull(ints(r.bymonth, 'BYMONTH', 1, 12)),
    bymonthday: monthdays.filter((d) => d > 0),
    bynmonthday: monthdays.filter((d) => d < 0),
    byyearday: orNull(ints(r.byyearday, 'BYYEARDAY', -366, 366)),
    byweekno: orNull(ints(r.byweekno, 'BYWEEKNO', -53, 53)),
    byweekday: orNull(byweekday.sort((a, b) => a - b)),
    bynweekday: orNull(bynweekday),
    byhour: orNull(ints(r.byhour, 'BYHOUR', 0, 23, true)),
    byminute: orNull(ints(r.byminute, 'BYMINUTE', 0, 59, true)),
    // A leap second (60) cannot be told apart from the next minute: read as 59.
    bysecond: orNull(ints(r.bysecond, 'BYSECOND', 0, 60, true).map((s) => Math.min(s, 59))),
  };
  // RFC 5545 §3.3.10: parts left out take DTSTART's values.
  if (
    !rule.byweekno &&
    !rule.byyearday &&
    !monthdays.length &&
    !rule.byweekday &&
    !rule.bynweekday
  ) {
    if (freq === YEARLY) {
      rule.bymonth = rule.bymonth ?? [start.month];
      rule.bymonthday = [start.day];
    } else if (freq === MONTHLY) rule.bymonthday = [start.day];
    else if (freq === WEEKLY) rule.byweekday = [start.weekday];
  }
  if (!rule.byhour && freq < HOURLY) rule.byhour = [start.hour];
  if (!rule.byminute && freq < MINUTELY) rule.byminute = [start.minute];
  if (!rule.bysecond && freq < SECONDLY) rule.bysecond = [start.second];
  return rule;
}

function orNull<T>(a: T[]): T[] | null {
  return a.length ? a : null;
}
