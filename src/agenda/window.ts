/**
 * The agenda's windows in whole days of the hub's zone: the default window of /agenda,
 * /agenda.json, /agenda.ics and the agenda widget, and the range the hub says it keeps.
 *
 * Why days and not the clock: those documents are answered with an ETag made from their body
 * (publish/conditional.ts), and their body says its window (or holds the events of it). A
 * window starting "now" to the second gave a new body every second: a reader polling
 * /agenda.json never got a 304, and the events at the window's edges came and went as the
 * clock moved. On day boundaries a document changes when its data changes or the day turns.
 * Starting at today's midnight also shows what agenda tools show: today's events, those
 * already over included. Pure; the same on Node and workerd (Intl zones).
 */
import { utcToZoned, zonedToUtc } from './timezones.ts';

/** The kept range reaches this many days back from today... */
export const KEPT_PAST_DAYS = 31;
/** ...and this many days ahead of today (a year, leap years included). */
export const KEPT_AHEAD_DAYS = 366;

/** The instant today begins in `zone` (its first instant when midnight falls in a DST gap). */
export function startOfDay(ms: number, zone: string): number {
  const w = utcToZoned(ms, zone);
  return zonedToUtc(
    { year: w.year, month: w.month, day: w.day, hour: 0, minute: 0, second: 0 },
    zone,
  );
}

/**
 * The start of the day `days` calendar days after the day starting at `dayStart` (negative:
 * before). Calendar days, not 24-hour spans: a DST change in between keeps midnight.
 */
export function addDays(dayStart: number, days: number, zone: string): number {
  // Read at noon: the day is named the same whatever instant of it `dayStart` is.
  const w = utcToZoned(dayStart + 12 * 3600_000, zone);
  return zonedToUtc(
    { year: w.year, month: w.month, day: w.day + days, hour: 0, minute: 0, second: 0 },
    zone,
  );
}

export interface DayWindow {
  from: Date;
  to: Date;
}

/**
 * The range the hub answers occurrences for: KEPT_PAST_DAYS before today's midnight to
 * KEPT_AHEAD_DAYS after it. What the pulls store covers it (parse-calendar.ts's expansion
 * margins say why).
 */
export function keptRange(now: Date, zone: string): DayWindow {
  const today = startOfDay(now.getTime(), zone);
  return {
    from: new Date(addDays(today, -KEPT_PAST_DAYS, zone)),
    to: new Date(addDays(today, KEPT_AHEAD_DAYS, zone)),
  };
}

/**
 * The window answered when the reader gives no `from=`: from today's midnight (`pastDays`
 * earlier: /agenda.ics keeps a month of history for subscribers) to the end of the kept range.
 */
export function defaultWindow(now: Date, zone: string, pastDays = 0): DayWindow {
  const today = startOfDay(now.getTime(), zone);
  return {
    from: new Date(addDays(today, -pastDays, zone)),
    to: new Date(addDays(today, KEPT_AHEAD_DAYS, zone)),
  };
}

/** When the default window and the kept range next move: the next midnight in `zone`. */
export function windowMovesAt(now: Date, zone: string): number {
  return addDays(startOfDay(now.getTime(), zone), 1, zone);
}
