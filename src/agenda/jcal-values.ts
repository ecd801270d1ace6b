/**
 * Values of a VEVENT's properties read straight from ical.js's jCal (plain arrays, no ical.js
 * objects: hydrating 100,000 EXDATE values as ICAL.Time took seconds). Dates are checked
 * (ical.js rolls "month 13" over to the next year) and durations bounded before any use.
 */
import { resolveTzid, zonedToUtc } from './timezones.ts';

/** A jCal property: [name, params, type, ...values]. */
export type JcalProperty = [string, Record<string, unknown>, string, ...unknown[]];
/** A jCal component: [name, properties, subcomponents]. */
export type JcalComponent = [string, JcalProperty[], JcalComponent[]];

export const DAY_MS = 86_400_000;

/** A DATE or DATE-TIME value as written: wall-clock fields and how to read them. */
export interface DateValue {
  /** Wall-clock time as milliseconds read as if UTC. */
  wall: number;
  date: boolean;
  utc: boolean;
  /** The TZID parameter, when the value has one. */
  tzid: string | null;
}

export function props(c: JcalComponent, name: string): JcalProperty[] {
  return c[1].filter((p) => p[0] === name);
}

export function firstProp(c: JcalComponent, name: string): JcalProperty | undefined {
  return c[1].find((p) => p[0] === name);
}

/** The first value of a property as trimmed text, or null. */
export function text(c: JcalComponent, name: string): string | null {
  const p = firstProp(c, name);
  if (!p || p[3] === undefined || p[3] === null) return null;
  const s = (Array.isArray(p[3]) ? p[3].join(',') : String(p[3])).trim();
  return s || null;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z)?)?$/;

/** One jCal date value ("2026-10-08" or "2026-10-08T18:30:00[Z]"), checked; null if invalid. */
export function readDate(value: unknown, tzid: string | null): DateValue | null {
  const m = DATE_RE.exec(typeof value === 'string' ? value : '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1800 || y > 2200 || mo < 1 || mo > 12) return null;
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  const date = m[4] === undefined;
  const [h, mi, s] = date ? [0, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6])];
  if (h > 23 || mi > 59 || s > 60) return null;
  return {
    wall: Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)),
    date,
    utc: m[7] === 'Z',
    tzid: date || m[7] ? null : tzid,
  };
}

/** Every date value of a property (EXDATE and RDATE may list several; a PERIOD gives its start). */
export function readDates(p: JcalProperty): Array<DateValue | null> {
  const tzid = typeof p[1].tzid === 'string' ? p[1].tzid : null;
  return p.slice(3).map((v) => readDate(Array.isArray(v) ? v[0] : v, tzid));
}

/**
 * The zone a value is read in: its own TZID (IANA, Windows or Outlook name), else `fallback`
 * (the event's zone, for floating times and dates). A TZID nobody knows falls back too.
 */
export function zoneOfValue(v: DateValue, fallback: string): string {
  if (v.utc) return 'UTC';
  return (v.tzid && resolveTzid(v.tzid)) || fallback;
}

/** The instant of a date value (dates and floating times in `fallback`). */
export function instantOf(v: DateValue, fallback: string): number {
  if (v.utc) return v.wall;
  const d = new Date(v.wall);
  return zonedToUtc(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    },
    zoneOfValue(v, fallback),
  );
}

/** The longest DURATION read: more is a mistake or an attack (ical.js looped over it). */
export const MAX_DURATION_MS = 5 * 366 * DAY_MS;

/** A DURATION: nominal days (kept in wall-clock time) and exact milliseconds. Null if unreadable. */
export interface Duration {
  days: number;
  ms: number;
}

/** "P1W2DT3H" → { days: 9, ms: 3 h }; null when unreadable, negative or above MAX_DURATION_MS. */
export function readDuration(value: unknown): Duration | null {
  const m =
    /^\+?P(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})S)?)?$/.exec(
      typeof value === 'string' ? value.trim() : '',
    );
  if (!m) return null;
  const days = Number(m[1] ?? 0) * 7 + Number(m[2] ?? 0);
  const ms = ((Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 60 + Number(m[5] ?? 0)) * 1000;
  if (days * DAY_MS + ms > MAX_DURATION_MS) return null;
  return { days, ms };
}
