/**
 * RRULE expansion with bounded work. A port of python-dateutil's rrule algorithm: each turn
 * of the loop takes one period of the rule's frequency (a year, a month, a week, a day, an
 * hour…), builds the set of its days that pass every BYxxx filter through per-year tables,
 * applies BYSETPOS, and yields its instants in order. Every turn costs at most the days of
 * one year, and every turn is paid from a step budget, so no rule, however contrived, can run
 * for long: when the budget runs out the generator stops and says so (`budget.exhausted`).
 * Rules that can never match (BYMONTHDAY=30 in February) end once past `until` or `end`.
 *
 * Instants are wall-clock times in DTSTART's zone, as milliseconds read as if UTC: RFC 5545
 * recurs in local time, the caller converts each occurrence to an instant in its zone.
 */
import { DAILY, HOURLY, MINUTELY, MONTHLY, type Rule, SECONDLY, WEEKLY, YEARLY } from './rule.ts';
import { nthWeekdayMask, weekdayOf, yearInfo, type YearInfo } from './year-info.ts';

const DAY = 86_400_000;
const MAX_YEAR = 9999;

/** Work left for an expansion, shared by every rule of a calendar. */
export interface Budget {
  steps: number;
  exhausted: boolean;
}

export interface IterateOptions {
  /** Stop once a period starts after this wall-clock instant (the window's end). */
  end: number;
  /**
   * Start near this wall-clock instant instead of DTSTART when the rule has no COUNT: the
   * periods before it cannot yield anything wanted. Saves walking a daily series from 1990.
   */
  skipTo?: number;
}

interface Cursor {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function cursorOf(wall: number): Cursor {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const dayNumber = (c: Cursor) => Math.floor(Date.UTC(c.year, c.month - 1, c.day) / DAY);

/** Moves the cursor's date to a day number, keeping its time. */
function setDay(c: Cursor, day: number): void {
  const d = new Date(day * DAY);
  c.year = d.getUTCFullYear();
  c.month = d.getUTCMonth() + 1;
  c.day = d.getUTCDate();
}

/** The rule's instants from `dtstart` on (wall-clock ms), ascending, within the budget. */
export function* iterateRule(
  rule: Rule,
  dtstart: number,
  budget: Budget,
  options: IterateOptions,
): Generator<number> {
  const c = cursorOf(dtstart);
  const { freq, interval, until } = rule;
  let weekday = weekdayOf(dayNumber(c));
  skipAhead(rule, c, dtstart, options.skipTo);
  if (freq === WEEKLY && dayNumber(c) !== Math.floor(dtstart / DAY)) weekday = rule.wkst;

  let info: YearInfo = yearInfo(c.year, rule);
  let nwday = nthWeekdayMask(info, c.month, rule);
  const rebuild = (yearChanged: boolean) => {
    if (yearChanged || info.year !== c.year) info = yearInfo(c.year, rule);
    nwday = nthWeekdayMask(info, c.month, rule);
  };

  const fixedTimes = freq < HOURLY ? timesOfDay(rule) : null;
  let timeset: number[] = fixedTimes ?? periodTimes(rule, c);
  let count = rule.count;
  const endDay = Math.floor(options.end / DAY);

  for (;;) {
    // The period's days: the whole year, month or week, or one day.
    let start: number;
    let stop: number;
    const today = dayNumber(c) - info.yearordinal;
    if (freq === YEARLY) {
      start = 0;
      stop = info.yearlen;
    } else if (freq === MONTHLY) {
      start = info.mrange[c.month - 1]!;
      stop = info.mrange[c.month]!;
    } else if (freq === WEEKLY) {
      start = today;
      stop = today;
      for (let j = 0; j < 7; j++) {
        stop++;
        if (info.wdaymask[stop] === rule.wkst) break;
      }
    } else {
      start = today;
      stop = today + 1;
    }
    if (info.yearordinal + start > endDay) return;
    budget.steps -= 1 + (stop - start);
    if (budget.steps < 0) {
      budget.exhausted = true;
      return;
    }

    const days: number[] = [];
    let filtered = false;
    for (let i = start; i < stop; i++) {
      if (dayWanted(rule, info, nwday, i)) days.push(i);
      else filtered = true;
    }

    const instants: number[] = [];
    if (rule.bysetpos && timeset.length) {
      for (const pos of rule.bysetpos) {
        const n = pos < 0 ? days.length * timeset.length + pos : pos - 1;
        const dayIndex = Math.floor(n / timeset.length);
        const time = timeset[n - dayIndex * timeset.length]!;
        if (n < 0 || dayIndex >= days.length) continue;
        const at = (info.yearordinal + days[dayIndex]!) * DAY + time;
        if (!instants.includes(at)) instants.push(at);
      }
      instants.sort((a, b) => a - b);
    } else {
      for (const i of days)
        for (const time of timeset) instants.push((info.yearordinal + i) * DAY + time);
    }
    for (const at of instants) {
      if (until !== null && at > until) return;
      if (at < dtstart) continue;
      if (count !== null && --count < 0) return;
      yield at;
    }

    // The next period.
    let moveDays = false;
    if (freq === YEARLY) {
      c.year += interval;
      if (c.year > MAX_YEAR) return;
      rebuild(true);
    } else if (freq === MONTHLY) {
      const months = c.year * 12 + (c.month - 1) + interval;
      c.year = Math.floor(months / 12);
      c.month = (months % 12) + 1;
      if (c.year > MAX_YEAR) return;
      rebuild(false);
    } else if (freq === WEEKLY) {
      c.day += -((weekday - rule.wkst + 7) % 7) + interval * 7;
      weekday = rule.wkst;
      moveDays = true;
    } else if (freq === DAILY) {
      c.day += interval;
      moveDays = true;
    } else {
      const next = nextTime(rule, c, filtered);
      if (next === null) return;
      if (next) {
        c.day += next;
        moveDays = true;
      }
      timeset = periodTimes(rule, c);
    }
    if (moveDays) {
      const year = c.year;
      setDay(c, Math.floor(Date.UTC(c.year, c.month - 1, 1) / DAY) + c.day - 1);
      if (c.year > MAX_YEAR) return;
      if (c.year !== year || nwday) rebuild(c.year !== year);
    }
  }
}

/** Whether day `i` of the year passes every BYxxx day filter. */
function dayWanted(rule: Rule, info: YearInfo, nwday: Uint8Array | null, i: number): boolean {
  if (rule.bymonth && !rule.bymonth.includes(info.mmask[i]!)) return false;
  if (info.wnomask && !info.wnomask[i]) return false;
  if (rule.byweekday && !rule.byweekday.includes(info.wdaymask[i]!)) return false;
  if (nwday && !nwday[i]) return false;
  if (
    (rule.bymonthday.length || rule.bynmonthday.length) &&
    !rule.bymonthday.includes(info.mdaymask[i]!) &&
    !rule.bynmonthday.includes(info.nmdaymask[i]!)
  )
    return false;
  if (rule.byyearday) {
    const y = rule.byyearday;
    if (i < info.yearlen) return y.includes(i + 1) || y.includes(i - info.yearlen);
    return y.includes(i + 1 - info.yearlen) || y.includes(i - info.yearlen - info.nextyearlen);
  }
  return true;
}

/** Times of day (ms) of a DAILY or slower rule: every BYHOUR × BYMINUTE × BYSECOND. */
function timesOfDay(rule: Rule): number[] {
  const out: number[] = [];
  for (const h of rule.byhour ?? [0])
    for (const m of rule.byminute ?? [0])
      for (const s of rule.bysecond ?? [0]) out.push(((h * 60 + m) * 60 + s) * 1000);
  return out.sort((a, b) => a - b);
}

/** Times in the current hour, minute or second of an HOURLY or faster rule. */
function periodTimes(rule: Rule, c: Cursor): number[] {
  if (rule.byhour && !rule.byhour.includes(c.hour)) return [];
  if (rule.freq >= MINUTELY && rule.byminute && !rule.byminute.includes(c.minute)) return [];
  if (rule.freq === SECONDLY && rule.bysecond && !rule.bysecond.includes(c.second)) return [];
  const out: number[] = [];
  const minutes = rule.freq === HOURLY ? (rule.byminute ?? [c.minute]) : [c.minute];
  const seconds = rule.freq === SECONDLY ? [c.second] : (rule.bysecond ?? [c.second]);
  for (const m of minutes) for (const s of seconds) out.push(((c.hour * 60 + m) * 60 + s) * 1000);
  return out.sort((a, b) => a - b);
}

/**
 * Steps the time of an HOURLY, MINUTELY or SECONDLY rule by its interval to the next wanted
 * value; returns the days to add, or null when no value can ever match.
 */
function nextTime(rule: Rule, c: Cursor, filtered: boolean): number | null {
  const { interval } = rule;
  if (rule.freq === HOURLY) {
    // A day whose date was filtered out: jump to its last period at once.
    if (filtered) c.hour += Math.floor((23 - c.hour) / interval) * interval;
    const r = modDistance(c.hour, rule.byhour, 24, interval);
    if (!r) return null;
    c.hour = r[1];
    return r[0];
  }
  if (rule.freq === MINUTELY) {
    if (filtered) c.minute += Math.floor((1439 - (c.hour * 60 + c.minute)) / interval) * interval;
    let days = 0;
    for (let j = 0; j < 1440 / gcd(interval, 1440); j++) {
      const r = modDistance(c.minute, rule.byminute, 60, interval);
      if (!r) return null;
      c.minute = r[1];
      const hours = c.hour + r[0];
      days += Math.floor(hours / 24);
      c.hour = hours % 24;
      if (!rule.byhour || rule.byhour.includes(c.hour)) return days;
    }
    return null;
  }
  if (filtered)
    c.second +=
      Math.floor((86399 - (c.hour * 3600 + c.minute * 60 + c.second)) / interval) * interval;
  let days = 0;
  for (let j = 0; j < 86400 / gcd(interval, 86400); j++) {
    const r = modDistance(c.second, rule.bysecond, 60, interval);
    if (!r) return null;
    c.second = r[1];
    const minutes = c.minute + r[0];
    c.minute = minutes % 60;
    const hours = c.hour + Math.floor(minutes / 60);
    days += Math.floor(hours / 24);
    c.hour = hours % 24;
    if (
      (!rule.byhour || rule.byhour.includes(c.hour)) &&
      (!rule.byminute || rule.byminute.includes(c.minute))
    )
      return days;
  }
  return null;
}

/** The next value in `wanted` reached by adding the interval, and the carry into the next unit. */
function modDistance(
  value: number,
  wanted: number[] | null,
  base: number,
  interval: number,
): [number, number] | null {
  if (!wanted) return [Math.floor((value + interval) / base), (value + interval) % base];
  let carry = 0;
  let v = value;
  for (let i = 1; i <= base; i++) {
    const sum = v + interval;
    carry += Math.floor(sum / base);
    v = sum % base;
    if (wanted.includes(v)) return [carry, v];
  }
  return null;
}

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}

/**
 * Moves the cursor from DTSTART to a period shortly before `skipTo`, on the rule's own grid
 * (a whole number of intervals), so the periods skipped are exactly the ones that could only
 * yield instants before the window. Never with COUNT, which counts from DTSTART.
 */
function skipAhead(rule: Rule, c: Cursor, dtstart: number, skipTo: number | undefined): void {
  if (skipTo === undefined || rule.count !== null || skipTo <= dtstart + 2 * DAY) return;
  const target = cursorOf(skipTo - DAY);
  const { interval } = rule;
  const startDay = dayNumber(c);
  const steps = (units: number) => Math.max(0, Math.floor(units / interval)) * interval;
  switch (rule.freq) {
    case YEARLY:
      c.year += steps(target.year - 1 - c.year);
      return;
    case MONTHLY: {
      const months = c.year * 12 + (c.month - 1);
      const moved = months + steps(target.year * 12 + (target.month - 1) - 1 - months);
      c.year = Math.floor(moved / 12);
      c.month = (moved % 12) + 1;
      return;
    }
    case WEEKLY: {
      // After its first (partial) week, a weekly rule's periods start on WKST.
      const weekStart = startDay - ((weekdayOf(startDay) - rule.wkst + 7) % 7);
      const weeks = steps(Math.floor((dayNumber(target) - 7 - weekStart) / 7));
      if (weeks >= interval) setDay(c, weekStart + weeks * 7);
      return;
    }
    case DAILY:
      setDay(c, startDay + steps(dayNumber(target) - 1 - startDay));
      return;
    default: {
      const unit = rule.freq === HOURLY ? 3600_000 : rule.freq === MINUTELY ? 60_000 : 1000;
      const moved = cursorOf(dtstart + steps(Math.floor((skipTo - DAY - dtstart) / unit)) * unit);
      Object.assign(c, moved);
    }
  }
}
