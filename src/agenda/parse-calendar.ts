/**
 * Reads an iCalendar document into events with their occurrences expanded over a window.
 * Pure: ical.js only tokenises (read-document.ts); values, zones (Intl) and recurrence
 * (rrule/) are the hub's own, so every step of the work is bounded before it is done:
 * events per calendar, date values per event, occurrences, expansion steps, durations
 * (CALENDAR_CAPS). Beyond the caps the events nearest in time are kept, and the result says
 * how many of how many.
 */
import ICAL from 'ical.js';
import { IngestError, type Truncation } from '../ingest/types.ts';
import { CALENDAR_CAPS } from './caps.ts';
import {
  DAY_MS,
  type DateValue,
  firstProp,
  instantOf,
  type JcalComponent,
  type JcalProperty,
  props,
  readDate,
  readDates,
  readDuration,
  text,
  zoneOfValue,
} from './jcal-values.ts';
import { type CalendarDocument, readCalendarDocument } from './read-document.ts';
import { registerDocumentZones } from './custom-zones.ts';
import type { Budget } from './rrule/iterate.ts';
import { expandSeries, type SeriesStart, statusOf } from './series.ts';
import { isCustomZone, isoWithOffset, resolveTzid, withDocumentZones } from './timezones.ts';

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';

/** One occurrence of an event (a single event has one). */
export interface ParsedOccurrence {
  start: number;
  end: number | null;
  /** The RECURRENCE-ID instant this occurrence stands for (null for single events). */
  recurrenceId: number | null;
  status: EventStatus;
  /** Set when an override (RECURRENCE-ID) changes them. */
  title: string | null;
  location: string | null;
}

/** One event (a VEVENT series with its overrides), as read. */
export interface ParsedEvent {
  uid: string;
  title: string | null;
  description: string | null;
  location: string | null;
  url: string | null;
  categories: string[];
  status: EventStatus;
  /** First DTSTART (epoch ms) and its end. */
  start: number;
  end: number | null;
  allDay: boolean;
  /** IANA zone the times are shown in (the TZID, X-WR-TIMEZONE or the hub's zone). */
  timezone: string;
  rrule: string | null;
  /** A series (RRULE or RDATE): its occurrences past the window come in as the window moves. */
  recurring: boolean;
  occurrences: ParsedOccurrence[];
  /** jCal of the master and its overrides with zones normalised to IANA, DTSTAMP removed: republished as is. */
  components: unknown[];
}

export interface ParsedCalendar {
  title: string | null;
  timezone: string | null;
  events: ParsedEvent[];
  /** Events skipped and why (invalid dates, caps). */
  errors: string[];
  /** Set when caps cut the calendar short: absent events are not gone, only unread. */
  truncation: Truncation | null;
}

export interface ParseCalendarOptions {
  now: Date;
  /** Hub time zone: floating times without X-WR-TIMEZONE are read in it. */
  hubTimezone: string;
  pastMs?: number;
  aheadMs?: number;
  maxEvents?: number;
  maxOccurrencesPerEvent?: number;
}

/**
 * How far from the pull's time occurrences are expanded and stored: wider than the range the
 * agenda says it keeps (window.ts: 31 days before today's midnight to 366 days after it), so
 * that what is stored covers what is claimed all day long:
 * - back: the stored expansion starts 33 days before the last time it was written, at most
 *   now; the kept range starts 31 calendar days before today's midnight, which is at most 24
 *   (25 on a DST day) hours before now, ±1 hour of DST in between: 33 days covers it.
 * - ahead: a series is re-expanded once its end falls a day short of this (store-calendar.ts's
 *   roll), so after a pull it reaches at least 367 days past that pull; the kept range ends
 *   at most 366 days and an hour (DST) past now: covered as long as pulls come within 23 hours.
 */
export const DEFAULT_PAST_MS = 33 * 24 * 3600_000;
export const DEFAULT_AHEAD_MS = 368 * 24 * 3600_000;
const MAX_TEXT = 20_000;
const MAX_ERRORS = 1000;

/** Whether a document is an iCalendar stream (BEGIN:VCALENDAR first, after a BOM and blank lines). */
export function looksLikeCalendar(text: string): boolean {
  return /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text.slice(0, 512));
}

/** One event to read: a master (or a lone override) and the overrides of its instances. */
interface Unit {
  uid: string;
  master: JcalComponent;
  overrides: JcalComponent[];
  /** Distance in time from now, for keeping the nearest events first when capped. */
  distance: number;
}

/**
 * Reads a calendar: events grouped by UID, overrides applied, occurrences expanded in
 * [now-past, now+ahead]. Past a cap (CALENDAR_CAPS) the events nearest to now are kept and
 * `truncation` says how many of how many; the same document read at the same time keeps the
 * same events. Throws IngestError when the document is not a calendar at all.
 */
export function parseCalendar(text: string, opts: ParseCalendarOptions): ParsedCalendar {
  if (!looksLikeCalendar(text))
    throw new IngestError(
      'not_a_feed',
      'Ce n’est pas un document iCalendar (pas de BEGIN:VCALENDAR)',
    );
  const errors: string[] = [];
  const doc = readCalendarDocument(text, errors);
  return withDocumentZones(registerDocumentZones(doc.vtimezones), () =>
    readCalendar(doc, errors, opts),
  );
}

function readCalendar(
  doc: CalendarDocument,
  errors: string[],
  opts: ParseCalendarOptions,
): ParsedCalendar {
  const calProp = (name: string) => {
    const p = doc.properties.find((x) => x[0] === name);
    return p ? strOrNull(p[3]) : null;
  };
  const calZone = resolveTzid(calProp('x-wr-timezone'));
  const fallbackZone = calZone ?? opts.hubTimezone;
  const now = opts.now.getTime();
  const from = now - (opts.pastMs ?? DEFAULT_PAST_MS);
  const to = now + (opts.aheadMs ?? DEFAULT_AHEAD_MS);
  const maxEvents = opts.maxEvents ?? CALENDAR_CAPS.maxEvents;
  const maxOcc = opts.maxOccurrencesPerEvent ?? CALENDAR_CAPS.maxOccurrencesPerEvent;

  const units = groupByUid(doc.vevents, now, from);
  const budget: Budget = { steps: CALENDAR_CAPS.expansionSteps, exhausted: false };
  let occurrencesLeft = CALENDAR_CAPS.maxOccurrencesPerCalendar;
  const events: ParsedEvent[] = [];
  let skippedForCaps = 0;
  const note = (msg: string) => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
  };
  for (const u of units) {
    if (events.length >= maxEvents || budget.exhausted || occurrencesLeft <= 0) {
      skippedForCaps++;
      continue;
    }
    const eventErrors: string[] = [];
    try {
      // One event may spend a tenth of the calendar's work at most.
      const own: Budget = {
        steps: Math.min(budget.steps, CALENDAR_CAPS.expansionSteps / 10),
        exhausted: false,
      };
      const ev = readEvent(u, {
        fallbackZone,
        from,
        to,
        maxOcc: Math.min(maxOcc, occurrencesLeft),
        budget: own,
        errors: eventErrors,
      });
      budget.steps -= CALENDAR_CAPS.expansionSteps / 10 - own.steps;
      if (budget.steps <= 0) budget.exhausted = true;
      events.push(ev);
      occurrencesLeft -= ev.occurrences.length;
    } catch (err) {
      note(`event ${u.uid} skipped: ${(err as Error).message}`);
    }
    for (const e of eventErrors) note(`event ${u.uid}: ${e}`);
  }
  if (skippedForCaps)
    note(
      `calendar capped: ${events.length} of ${events.length + skippedForCaps} events kept ` +
        '(the nearest in time)',
    );
  return {
    title: calProp('x-wr-calname'),
    timezone: calZone,
    events,
    errors,
    truncation: skippedForCaps
      ? { kept: events.length, total: events.length + skippedForCaps }
      : null,
  };
}

/** SEQUENCE, then DTSTAMP, then place in the file: the copy ranked last is the one kept. */
function rankOf(c: JcalComponent): [number, number] {
  const seq = Number(text(c, 'sequence') ?? 0);
  const stamp = firstProp(c, 'dtstamp');
  const at = stamp ? (readDates(stamp)[0]?.wall ?? 0) : 0;
  return [Number.isFinite(seq) ? seq : 0, at];
}

function newer(a: JcalComponent, b: JcalComponent): boolean {
  const [sa, ta] = rankOf(a);
  const [sb, tb] = rankOf(b);
  return sa !== sb ? sa > sb : ta >= tb;
}

/**
 * Groups VEVENTs by UID. A UID given twice (a file merged from two exports, a calendar
 * concatenated with its update) keeps the copy with the highest SEQUENCE, then the latest
 * DTSTAMP; the same for two overrides of one instance. Ordered nearest in time first.
 */
function groupByUid(vevents: JcalComponent[], now: number, from: number): Unit[] {
  const groups = new Map<
    string,
    { master: JcalComponent | null; overrides: Map<string, JcalComponent> }
  >();
  for (const ve of vevents) {
    const uid =
      text(ve, 'uid') ?? `nouid-${text(ve, 'summary')}-${String(firstProp(ve, 'dtstart')?.[3])}`;
    let g = groups.get(uid);
    if (!g) {
      g = { master: null, overrides: new Map() };
      groups.set(uid, g);
    }
    const rid = firstProp(ve, 'recurrence-id');
    if (rid) {
      const key = String(rid[3]);
      const prev = g.overrides.get(key);
      if (!prev || newer(ve, prev)) g.overrides.set(key, ve);
    } else if (!g.master || newer(ve, g.master)) g.master = ve;
  }
  const units: Unit[] = [];
  for (const [uid, g] of groups) {
    const overrides = [...g.overrides.values()];
    // Overrides without a master are single events of their own.
    const list = g.master
      ? [{ uid, master: g.master, overrides }]
      : overrides.map((o, i) => ({ uid: i ? `${uid}#${i}` : uid, master: o, overrides: [] }));
    for (const u of list) units.push({ ...u, distance: distanceFromNow(u.master, now, from) });
  }
  return units.sort((a, b) => a.distance - b.distance || (a.uid < b.uid ? -1 : 1));
}

/** How far an event is from now (0 for a series still running); cheap, read as if UTC. */
function distanceFromNow(c: JcalComponent, now: number, from: number): number {
  const p = firstProp(c, 'dtstart');
  const start = p ? readDates(p)[0]?.wall : undefined;
  if (start === undefined) return Number.MAX_SAFE_INTEGER;
  if (start > now) return start - now;
  const rrule = firstProp(c, 'rrule')?.[3] as Record<string, unknown> | undefined;
  if (rrule || firstProp(c, 'rdate')) {
    const until = rrule?.until ? readDate(String(rrule.until), null)?.wall : undefined;
    if (until === undefined || until >= from) return 0;
    return now - until;
  }
  return now - start;
}

interface ReadContext {
  fallbackZone: string;
  from: number;
  to: number;
  maxOcc: number;
  budget: Budget;
  errors: string[];
}

function strOrNull(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s ? s : null;
}

function clip(s: string | null): string | null {
  return s && s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

/** How an occurrence's end follows its start, from DTEND or DURATION; null when neither is usable. */
function lengthOf(
  master: JcalComponent,
  dtstart: DateValue,
  start: number,
  zone: string,
  errors: string[],
): SeriesStart['length'] {
  const dtend = firstProp(master, 'dtend');
  if (dtend) {
    const e = readDates(dtend)[0];
    if (!e) errors.push(`DTEND ${String(dtend[3])} ignored (invalid date)`);
    else if (dtstart.date && e.date) {
      const days = Math.round((e.wall - dtstart.wall) / DAY_MS);
      if (days >= 0) return { days, ms: 0 };
    } else {
      const ms = instantOf(e, zone) - start;
      if (ms >= 0) return { days: 0, ms };
    }
  }
  const duration = firstProp(master, 'duration');
  if (duration) {
    const d = readDuration(duration[3]);
    if (d) return d;
    errors.push(`DURATION ${String(duration[3]).slice(0, 40)} ignored (unreadable or too long)`);
  }
  return dtstart.date ? { days: 1, ms: 0 } : null;
}

function recurText(value: unknown): string | null {
  try {
    return ICAL.Recur.fromData(value as Record<string, unknown>).toString();
  } catch {
    return null;
  }
}

function readEvent(u: Unit, ctx: ReadContext): ParsedEvent {
  const { master, overrides } = u;
  const dtstartProp = firstProp(master, 'dtstart');
  if (!dtstartProp) throw new Error('no DTSTART');
  const dtstart = readDates(dtstartProp)[0];
  if (!dtstart) throw new Error(`invalid DTSTART ${String(dtstartProp[3])}`);
  // Shown in the TZID's zone; dates, floating and UTC times in the calendar's (or the hub's).
  const own = zoneOfValue({ ...dtstart, utc: false }, ctx.fallbackZone);
  // A zone only the document defines is read by its rules, shown in the calendar's zone.
  const zone = isCustomZone(own) ? ctx.fallbackZone : own;
  const recurZone = dtstart.utc ? 'UTC' : own;
  const start = instantOf(dtstart, zone);
  const length = lengthOf(master, dtstart, start, zone, ctx.errors);
  const series: SeriesStart = { dtstart, start, length };
  const end = length
    ? length.days
      ? instantOf({ ...dtstart, wall: dtstart.wall + length.days * DAY_MS }, zone) + length.ms
      : start + length.ms
    : null;
  const status = statusOf(master);
  const rrules = props(master, 'rrule');
  const recurring = rrules.length > 0 || props(master, 'rdate').length > 0;
  let occurrences: ParsedOccurrence[] = [];
  if (recurring) {
    occurrences = expandSeries(master, overrides, series, {
      zone: recurZone,
      from: ctx.from,
      to: ctx.to,
      maxOccurrences: ctx.maxOcc,
      budget: ctx.budget,
      errors: ctx.errors,
    });
  } else if ((end ?? start) >= ctx.from && start < ctx.to) {
    occurrences.push({ start, end, recurrenceId: null, status, title: null, location: null });
  }

  return {
    uid: u.uid,
    title: clip(text(master, 'summary')),
    description: clip(text(master, 'description')),
    location: clip(text(master, 'location')),
    url: safeUrl(text(master, 'url')),
    categories: props(master, 'categories')
      .flatMap((p) => p.slice(3).map((v) => String(v).trim()))
      .filter(Boolean),
    status,
    start,
    end,
    allDay: dtstart.date,
    timezone: zone,
    rrule: rrules.length ? recurText(rrules[0]![3]) : null,
    recurring,
    occurrences,
    components: [master, ...overrides].map((c) => normaliseComponent(c, zone)),
  };
}

function safeUrl(u: string | null): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * jCal of a VEVENT ready to republish: DTSTAMP and the like removed (they are not content),
 * alarms dropped, local date-times given in the event's IANA zone (floating ones read in it,
 * others converted from their own TZID, whatever name it had).
 */
function normaliseComponent(c: JcalComponent, zone: string): unknown {
  const properties: JcalProperty[] = [];
  for (const p of c[1]) {
    if (DROPPED.has(p[0])) continue;
    if (!DATE_PROPS.has(p[0]) || p[2] !== 'date-time') {
      properties.push(JSON.parse(JSON.stringify(p)) as JcalProperty);
      continue;
    }
    const { tzid, ...params } = p[1];
    const own = typeof tzid === 'string' ? resolveTzid(tzid) : null;
    const values = p.slice(3);
    if (values.some((v) => typeof v !== 'string' || v.endsWith('Z'))) {
      properties.push(JSON.parse(JSON.stringify(p)) as JcalProperty);
      continue;
    }
    // Already in the event's zone (or floating, read in it): only the TZID's name changes.
    const local =
      !own || own === zone
        ? values
        : readDates(p).map((v) => (v ? isoLocal(instantOf(v, zone), zone) : null));
    if (local.some((v) => v === null)) continue;
    properties.push([p[0], { ...params, tzid: zone }, p[2], ...local]);
  }
  return [c[0], properties, []];
}

const DROPPED = new Set(['dtstamp', 'created', 'last-modified', 'sequence']);
const DATE_PROPS = new Set(['dtstart', 'dtend', 'exdate', 'rdate', 'recurrence-id']);

/** jCal local date-time ("2026-10-08T18:30:00") of an instant in `zone`. */
function isoLocal(ms: number, zone: string): string {
  return isoWithOffset(ms, zone).slice(0, 19);
}
