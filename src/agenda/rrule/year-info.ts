/**
 * Per-year lookup tables for the expansion engine: for each day of a year (plus 7 days of the
 * next, for weeks that straddle it) its month, day of month counted from either end, weekday
 * and, when the rule has BYWEEKNO, whether its ISO-style week (starting on WKST) is wanted.
 * The same tables as python-dateutil's rrule (the oracle the tests compare with).
 */
import { MONTHLY, type Rule, YEARLY } from './rule.ts';

const DAY = 86_400_000;

function monthLengths(leap: boolean): number[] {
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
}

function buildMasks(leap: boolean) {
  const lengths = monthLengths(leap);
  const month: number[] = [];
  const mday: number[] = [];
  const nmday: number[] = [];
  const range = [0];
  lengths.forEach((len, m) => {
    for (let d = 1; d <= len; d++) {
      month.push(m + 1);
      mday.push(d);
      nmday.push(d - len - 1);
    }
    range.push(range[m]! + len);
  });
  // Seven days of January of the next year, for the last week.
  for (let d = 1; d <= 7; d++) {
    month.push(1);
    mday.push(d);
    nmday.push(d - 32);
  }
  return { month, mday, nmday, range };
}

const MASKS = { 365: buildMasks(false), 366: buildMasks(true) };
/** Weekday (Monday = 0) of consecutive days, long enough to start at any weekday. */
const WDAYMASK = Array.from({ length: 7 * 55 }, (_, i) => i % 7);

export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days since 1970-01-01 of a year's 1 January. */
export function yearOrdinal(year: number): number {
  return Math.floor(Date.UTC(year, 0, 1) / DAY);
}

/** Monday = 0 … Sunday = 6, of a day counted since 1970-01-01 (a Thursday). */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

export interface YearInfo {
  year: number;
  yearlen: number;
  nextyearlen: number;
  yearordinal: number;
  mmask: number[];
  mdaymask: number[];
  nmdaymask: number[];
  wdaymask: number[];
  mrange: number[];
  /** Days in a wanted week number (BYWEEKNO), or null without it. */
  wnomask: Uint8Array | null;
}

/** The tables of `year` for `rule` (BYWEEKNO depends on WKST). */
export function yearInfo(year: number, rule: Rule): YearInfo {
  const yearlen = isLeap(year) ? 366 : 365;
  const masks = MASKS[yearlen];
  const yearordinal = yearOrdinal(year);
  const yearweekday = weekdayOf(yearordinal);
  const wdaymask = WDAYMASK.slice(yearweekday);
  const info: YearInfo = {
    year,
    yearlen,
    nextyearlen: isLeap(year + 1) ? 366 : 365,
    yearordinal,
    mmask: masks.month,
    mdaymask: masks.mday,
    nmdaymask: masks.nmday,
    wdaymask,
    mrange: masks.range,
    wnomask: null,
  };
  if (rule.byweekno) info.wnomask = weekNumberMask(info, yearweekday, rule.byweekno, rule.wkst);
  return info;
}

/** Marks the days of the wanted week numbers; week 1 is the first with 4 days in the year. */
function weekNumberMask(
  info: YearInfo,
  yearweekday: number,
  byweekno: number[],
  wkst: number,
): Uint8Array {
  const { yearlen, wdaymask } = info;
  const mask = new Uint8Array(yearlen + 7);
  const firstwkst = (7 - yearweekday + wkst) % 7;
  let no1wkst = firstwkst;
  let wyearlen: number;
  if (no1wkst >= 4) {
    no1wkst = 0;
    wyearlen = yearlen + ((yearweekday - wkst + 7) % 7);
  } else wyearlen = yearlen - no1wkst;
  const numweeks = Math.floor(wyearlen / 7) + Math.floor((wyearlen % 7) / 4);
  const markWeek = (from: number) => {
    let i = from;
    for (let j = 0; j < 7; j++) {
      mask[i] = 1;
      i++;
      if (wdaymask[i] === wkst) break;
    }
  };
  for (const raw of byweekno) {
    const n = raw < 0 ? raw + numweeks + 1 : raw;
    if (!(n > 0 && n <= numweeks)) continue;
    let i: number;
    if (n > 1) {
      i = no1wkst + (n - 1) * 7;
      if (no1wkst !== firstwkst) i -= 7 - firstwkst;
    } else i = no1wkst;
    markWeek(i);
  }
  if (byweekno.includes(1)) {
    // Week 1 of the next year may begin in this one.
    let i = no1wkst + numweeks * 7;
    if (no1wkst !== firstwkst) i -= 7 - firstwkst;
    if (i < yearlen) markWeek(i);
  }
  if (no1wkst) {
    // Days before week 1 belong to the last week of the previous year.
    let lnumweeks: number;
    if (!byweekno.includes(-1)) {
      const lyearweekday = weekdayOf(yearOrdinal(info.year - 1));
      let lno1wkst = (7 - lyearweekday + wkst) % 7;
      const lyearlen = isLeap(info.year - 1) ? 366 : 365;
      if (lno1wkst >= 4) {
        lno1wkst = 0;
        lnumweeks = 52 + Math.floor(((lyearlen + ((lyearweekday - wkst + 7) % 7)) % 7) / 4);
      } else lnumweeks = 52 + Math.floor(((yearlen - no1wkst) % 7) / 4);
    } else lnumweeks = -1;
    if (byweekno.includes(lnumweeks)) for (let i = 0; i < no1wkst; i++) mask[i] = 1;
  }
  return mask;
}

/**
 * Days of the year matching BYDAY with ordinals ("-1SU": the last Sunday), counted within
 * each wanted month (MONTHLY, or YEARLY with BYMONTH) or within the year.
 */
export function nthWeekdayMask(info: YearInfo, month: number, rule: Rule): Uint8Array | null {
  if (!rule.bynweekday) return null;
  const ranges: Array<[number, number]> = [];
  if (rule.freq === YEARLY) {
    if (rule.bymonth)
      for (const m of rule.bymonth) ranges.push([info.mrange[m - 1]!, info.mrange[m]!]);
    else ranges.push([0, info.yearlen]);
  } else if (rule.freq === MONTHLY) ranges.push([info.mrange[month - 1]!, info.mrange[month]!]);
  if (!ranges.length) return null;
  const mask = new Uint8Array(info.yearlen + 7);
  for (const [first, end] of ranges) {
    const last = end - 1;
    for (const [wday, n] of rule.bynweekday) {
      let i: number;
      const from = n < 0 ? last + (n + 1) * 7 : first + (n - 1) * 7;
      if (from < 0 || from >= info.wdaymask.length) continue;
      if (n < 0) {
        i = from;
        i -= (((info.wdaymask[i]! - wday) % 7) + 7) % 7;
      } else {
        i = from;
        i += (7 - info.wdaymask[i]! + wday) % 7;
      }
      if (first <= i && i <= last) mask[i] = 1;
    }
  }
  return mask;
}
