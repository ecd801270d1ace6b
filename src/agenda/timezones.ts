/**
 * Time zones from the runtime's own Intl data (works in Node and workerd): UTC offsets,
 * wall-clock ↔ instant conversion, VTIMEZONE generation and Windows zone names. ical.js has
 * no zone database: we register a generated VTIMEZONE for every TZID a calendar names, so a
 * TZID is never read as floating time.
 */
import ICAL from 'ical.js';
import { CUSTOM_ZONE_PREFIX, customOffsetMinutes } from './custom-zones.ts';
import { displayNameZone, displayNameOffsetZone } from './windows-display-zones.ts';

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Whether the runtime knows this IANA zone. */
export function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets already looked up, per zone and quarter hour: a calendar's occurrences fall on a few
 * times of day, and Intl's formatter costs microseconds per call. Zones change offset only
 * on quarter hours (UTC) since the 1970s, which is all the window ever asks about.
 */
const offsetCache = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;
const MAX_CACHED_PER_ZONE = 200_000;

/** UTC offset of `zone` at instant `ms`, in minutes east of Greenwich. */
export function offsetMinutes(zone: string, ms: number): number {
  if (zone.startsWith(CUSTOM_ZONE_PREFIX)) return customOffsetMinutes(zone, ms);
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const offset = intlOffsetMinutes(zone, bucket * QUARTER_HOUR);
  if (cache.size >= MAX_CACHED_PER_ZONE) cache.clear();
  cache.set(bucket, offset);
  return offset;
}

function intlOffsetMinutes(zone: string, ms: number): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'longOffset',
      year: 'numeric',
    });
    offsetFormatters.set(zone, f);
  }
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(name);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** Wall-clock fields in a zone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The instant of a wall-clock time in `zone`. In a spring-forward gap the time is read with
 * the offset before the change (RFC 5545 §3.3.5); in the autumn overlap the first one wins.
 */
export function zonedToUtc(w: WallTime, zone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const before = offsetMinutes(zone, asUtc - 14 * 3600_000);
  const after = offsetMinutes(zone, asUtc + 14 * 3600_000);
  const valid = [before, after]
    .map((o) => asUtc - o * 60_000)
    .filter((t) => asUtc - offsetMinutes(zone, t) * 60_000 === t);
  return valid.length ? Math.min(...valid) : asUtc - before * 60_000;
}

/** Wall-clock fields of instant `ms` in `zone`. */
export function utcToZoned(ms: number, zone: string): WallTime {
  const local = new Date(ms + offsetMinutes(zone, ms) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "+01:00" style offset. */
export function formatOffset(minutes: number, colon = true): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

/** ISO 8601 with the zone's offset at that instant: "2026-10-22T18:30:00+02:00". */
export function isoWithOffset(ms: number, zone: string): string {
  const w = utcToZoned(ms, zone);
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}` +
    `:${pad(w.second)}${formatOffset(offsetMinutes(zone, ms))}`
  );
}

/** "YYYY-MM-DD" of instant `ms` in `zone`. */
export function localDate(ms: number, zone: string): string {
  const w = utcToZoned(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

const WEEK = 7 * 24 * 3600_000;

/** Offset changes of `zone` between two years (inclusive), found by weekly sampling and bisection. */
export function transitions(zone: string, fromYear: number, toYear: number): Transition[] {
  const out: Transition[] = [];
  let t = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  let off = offsetMinutes(zone, t);
  while (t < end) {
    const next = Math.min(t + WEEK, end);
    const nextOff = offsetMinutes(zone, next);
    if (nextOff !== off) {
      let lo = t;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetMinutes(zone, mid) === off) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, from: off, to: nextOff });
      off = nextOff;
    }
    t = next;
  }
  return out;
}

const icsLocal = (ms: number) => {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
};

/**
 * A VTIMEZONE (lines without CRLF) for an IANA zone over [fromYear, toYear]: one STANDARD
 * block for the start offset, then one STANDARD/DAYLIGHT block per transition (DTSTART in
 * the local time before the change, as RFC 5545 wants). `tzid` names it (defaults to `zone`).
 */
export function vtimezoneLines(
  zone: string,
  fromYear: number,
  toYear: number,
  tzid = zone,
): string[] {
  const start = Date.UTC(fromYear, 0, 1);
  const initial = offsetMinutes(zone, start);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`, `X-LIC-LOCATION:${zone}`];
  lines.push(
    'BEGIN:STANDARD',
    `DTSTART:${icsLocal(start + initial * 60_000)}`,
    `TZOFFSETFROM:${formatOffset(initial, false)}`,
    `TZOFFSETTO:${formatOffset(initial, false)}`,
    'END:STANDARD',
  );
  const ts = transitions(zone, fromYear, toYear);
  // DAYLIGHT when the offset goes above the zone's lowest offset in the range.
  const lowest = Math.min(initial, ...ts.map((x) => x.to));
  for (const x of ts) {
    const kind = x.to > lowest ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${icsLocal(x.at + x.from * 60_000)}`,
      `TZOFFSETFROM:${formatOffset(x.from, false)}`,
      `TZOFFSETTO:${formatOffset(x.to, false)}`,
      `END:${kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/** Common Windows (Outlook, Exchange) zone names → IANA (CLDR windowsZones, territory 001). */
export const WINDOWS_ZONES: Record<string, string> = {
  'Romance Standard Time': 'Europe/Paris',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'GTB Standard Time': 'Europe/Bucharest',
  'FLE Standard Time': 'Europe/Kiev',
  'Russian Standard Time': 'Europe/Moscow',
  'Morocco Standard Time': 'Africa/Casablanca',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'SA Eastern Standard Time': 'America/Cayenne',
  'SA Western Standard Time': 'America/La_Paz',
  'Atlantic Standard Time': 'America/Halifax',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Mauritius Standard Time': 'Indian/Mauritius',
  'Arabian Standard Time': 'Asia/Dubai',
  'Central Pacific Standard Time': 'Pacific/Guadalcanal',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'China Standard Time': 'Asia/Shanghai',
  'India Standard Time': 'Asia/Calcutta',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Pacific SA Standard Time': 'America/Santiago',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Newfoundland Standard Time': 'America/St_Johns',
  'Saint Pierre Standard Time': 'America/Miquelon',
  'Cape Verde Standard Time': 'Atlantic/Cape_Verde',
};

/**
 * The IANA zone a TZID means: IANA names as they are, Windows names mapped, vendor prefixes
 * ("/mozilla.org/20050126_1/Europe/Paris", "/Europe/Paris") stripped. Null when unknown.
 */
export function resolveTzid(tzid: string | null | undefined): string | null {
  if (!tzid) return null;
  // Building an Intl formatter per check is costly (≈0.3 ms): calendars repeat a few TZIDs.
  let zone = resolved.get(tzid);
  if (zone === undefined) {
    zone = resolveUncached(tzid);
    if (resolved.size < 1000) resolved.set(tzid, zone);
  }
  if (zone) return zone;
  // A name only this document defines (its VTIMEZONE), else an Outlook name's bare offset.
  const own = documentZones?.get(tzid) ?? documentZones?.get(tzid.trim().replace(/^"|"$/g, ''));
  if (own) return own;
  const fixed = displayNameOffsetZone(tzid);
  return fixed && isIanaZone(fixed) ? canonicalZone(fixed) : null;
}

/** The zones the calendar being read defines (TZID → custom-zones.ts key). */
let documentZones: Map<string, string> | null = null;

/** Runs `read` with a document's own VTIMEZONEs known to resolveTzid. */
export function withDocumentZones<T>(zones: Map<string, string>, read: () => T): T {
  const previous = documentZones;
  documentZones = zones;
  try {
    return read();
  } finally {
    documentZones = previous;
  }
}

/** Whether a zone is one of the runtime's (IANA) rather than a calendar's own definition. */
export function isCustomZone(zone: string): boolean {
  return zone.startsWith(CUSTOM_ZONE_PREFIX);
}

const resolved = new Map<string, string | null>();

function resolveUncached(tzid: string): string | null {
  const name = tzid.trim().replace(/^"|"$/g, '');
  if (!name) return null;
  if (name.toUpperCase() === 'UTC' || name === 'Z' || name === 'GMT' || name === 'Etc/UTC')
    return 'UTC';
  const windows =
    WINDOWS_ZONES[name] ?? WINDOWS_ZONES[name.replace(/ Daylight Time$/, ' Standard Time')];
  if (windows) return windows;
  const display = displayNameZone(name);
  if (display) return isIanaZone(display) ? canonicalZone(display) : null;
  const parts = name.split('/').filter(Boolean);
  for (let i = Math.max(0, parts.length - 3); i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    if (candidate.includes('/') && isIanaZone(candidate)) return canonicalZone(candidate);
  }
  if (!name.includes(' ') && isIanaZone(name)) return canonicalZone(name);
  return null;
}

/** The runtime's canonical spelling of a zone (e.g. "europe/paris" → "Europe/Paris"). */
function canonicalZone(name: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
}

/** Years covered by zones registered in ical.js (enough for past archives and future series). */
const REGISTER_FROM = 1990;
const REGISTER_TO = 2045;

/**
 * Registers in ical.js, under the literal `tzid`, the Intl-generated zone it resolves to.
 * Returns the IANA name or null.
 */
export function registerTzid(tzid: string): string | null {
  const zone = resolveTzid(tzid);
  if (!zone) return null;
  if (!ICAL.TimezoneService.has(tzid)) {
    if (zone === 'UTC') {
      ICAL.TimezoneService.register(ICAL.Timezone.utcTimezone, tzid);
    } else {
      const text = [
        'BEGIN:VCALENDAR',
        ...vtimezoneLines(zone, REGISTER_FROM, REGISTER_TO, tzid),
        'END:VCALENDAR',
      ].join('\r\n');
      const vcal = new ICAL.Component(ICAL.parse(text));
      ICAL.TimezoneService.register(
        new ICAL.Timezone(vcal.getFirstSubcomponent('vtimezone')!),
        tzid,
      );
    }
  }
  return zone;
}
