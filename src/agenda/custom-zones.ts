/**
 * Zones a calendar defines itself (a VTIMEZONE under a name no zone database knows, such as
 * "Heure de Nouméa" or an Outlook display name missing from our table): their STANDARD and
 * DAYLIGHT observances are expanded with the hub's own RRULE engine into a list of offset
 * changes, registered under a key ("vtimezone:…") that timezones.ts's offset lookup accepts
 * like an IANA name, so the rest of the reading does not care where a zone came from.
 * Pure and bounded: observances expanded from their start to 2100 with a step budget.
 */
import type { JcalComponent } from './jcal-values.ts';
import { firstProp, props, readDate, readDates, text } from './jcal-values.ts';
import { iterateRule } from './rrule/iterate.ts';
import { ruleFromJcal, type JcalRecur } from './rrule/rule.ts';
import { weekdayOf } from './rrule/year-info.ts';
import { fnv1a32, fnv1a32b } from '../shared/hash.ts';

export const CUSTOM_ZONE_PREFIX = 'vtimezone:';

interface CustomZone {
  /** Offset changes (UTC instant → minutes east), ascending. */
  at: number[];
  offset: number[];
  /** Before the first change. */
  initial: number;
}

const zones = new Map<string, CustomZone>();
const MAX_ZONES = 500;
const LAST_YEAR_MS = Date.UTC(2100, 0, 1);

/** "+0100" / "-0530" → minutes east of UTC; null if unreadable. */
function utcOffset(value: unknown): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(String(value ?? '').trim());
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return minutes > 18 * 60 ? null : (m[1] === '-' ? -1 : 1) * minutes;
}

/** The offset of a registered custom zone at an instant. */
export function customOffsetMinutes(key: string, ms: number): number {
  const z = zones.get(key);
  if (!z) return 0;
  let lo = 0;
  let hi = z.at.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (z.at[mid]! <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? z.initial : z.offset[found]!;
}

/**
 * An observance's DTSTART, local time. Outlook dates them 1601 (dates the hub refuses
 * elsewhere): an onset before 1970 is moved to the same day and time in 1970, from where
 * its RRULE goes on, which is all the hub reads.
 */
function observanceStart(value: unknown): { wall: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(String(value ?? ''));
  if (!m) return readDate(String(value ?? ''), null);
  const year = Math.max(1970, Number(m[1]));
  const month = Number(m[2]);
  const day = Math.min(Number(m[3]), new Date(Date.UTC(year, month, 0)).getUTCDate());
  return readDate(`${year}-${m[2]}-${String(day).padStart(2, '0')}T${m[4]}:${m[5]}:${m[6]}`, null);
}

/** Reads a VTIMEZONE; null when it has no usable observance. */
function buildZone(vtz: JcalComponent): CustomZone | null {
  const changes: Array<[number, number]> = [];
  let earliest: [number, number] | null = null;
  for (const obs of vtz[2]) {
    if (obs[0] !== 'standard' && obs[0] !== 'daylight') continue;
    const from = utcOffset(firstProp(obs, 'tzoffsetfrom')?.[3]);
    const to = utcOffset(firstProp(obs, 'tzoffsetto')?.[3]);
    const start = observanceStart(firstProp(obs, 'dtstart')?.[3]);
    if (from === null || to === null || !start) continue;
    const onsets: number[] = [start.wall];
    const recur = firstProp(obs, 'rrule')?.[3] as JcalRecur | undefined;
    if (recur) {
      try {
        const d = new Date(start.wall);
        const rule = ruleFromJcal(
          recur,
          {
            month: d.getUTCMonth() + 1,
            day: d.getUTCDate(),
            weekday: weekdayOf(Math.floor(start.wall / 86_400_000)),
            hour: d.getUTCHours(),
            minute: d.getUTCMinutes(),
            second: d.getUTCSeconds(),
          },
          recur.until ? (readDate(String(recur.until), null)?.wall ?? null) : null,
        );
        const budget = { steps: 200_000, exhausted: false };
        for (const wall of iterateRule(rule, start.wall, budget, {
          end: LAST_YEAR_MS,
          skipTo: Date.UTC(1970, 0, 1),
        }))
          onsets.push(wall);
      } catch {
        // An unreadable rule: the observance keeps its first onset only.
      }
    }
    for (const p of props(obs, 'rdate')) for (const v of readDates(p)) if (v) onsets.push(v.wall);
    for (const wall of onsets) {
      const at = wall - from * 60_000;
      changes.push([at, to]);
      if (!earliest || at < earliest[0]) earliest = [at, from];
    }
  }
  if (!earliest) return null;
  changes.sort((a, b) => a[0] - b[0]);
  return { at: changes.map((c) => c[0]), offset: changes.map((c) => c[1]), initial: earliest[1] };
}

/**
 * Registers the document's VTIMEZONEs; returns TZID → key for the ones that could be read.
 * The key is derived from the definition, so the same VTIMEZONE read twice is built once.
 */
export function registerDocumentZones(vtimezones: JcalComponent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const vtz of vtimezones) {
    const tzid = text(vtz, 'tzid');
    if (!tzid) continue;
    const key = `${CUSTOM_ZONE_PREFIX}${fingerprint(JSON.stringify(vtz))}`;
    if (!zones.has(key)) {
      const zone = buildZone(vtz);
      if (!zone) continue;
      if (zones.size >= MAX_ZONES) zones.clear();
      zones.set(key, zone);
    }
    out.set(tzid, key);
  }
  return out;
}

/** A short, stable hash of a string (FNV-1a, 2 × 32 bits). */
function fingerprint(s: string): string {
  return `${fnv1a32(s).toString(36)}${fnv1a32b(s).toString(36)}`;
}
