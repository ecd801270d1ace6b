/**
 * Reads an iCalendar document into events with their occurrences expanded over a window.
 * Pure apart from ical.js's zone registry (filled from Intl, see timezones.ts). Hostile input
 * is bounded: events per calendar, occurrences per event, iterations per series.
 */
import ICAL from 'ical.js';
import { IngestError } from '../ingest/types.ts';
import { registerTzid, resolveTzid, zonedToUtc } from './timezones.ts';

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
  /** True when caps or the time budget cut the calendar short: absent events are not gone. */
  truncated: boolean;
}

export interface ParseCalendarOptions {
  now: Date;
  /** Hub time zone: floating times without X-WR-TIMEZONE are read in it. */
  hubTimezone: string;
  pastMs?: number;
  aheadMs?: number;
  maxEvents?: number;
  maxOccurrencesPerEvent?: number;
  /** Wall-clock budget for expanding a calendar; events past it are skipped and reported. */
  budgetMs?: number;
}

export const DEFAULT_PAST_MS = 31 * 24 * 3600_000;
export const DEFAULT_AHEAD_MS = 366 * 24 * 3600_000;
const MAX_ITERATIONS = 20_000;
const MAX_TEXT = 20_000;

/** Whether a document is an iCalendar stream (BEGIN:VCALENDAR first, after a BOM and blank lines). */
export function looksLikeCalendar(text: string): boolean {
  return /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text.slice(0, 512));
}

/** Date values written without VALUE=DATE ("DTSTART:20261205") would not parse: say what they are. */
function addMissingValueDate(text: string): string {
  return text.replace(
    /^(DTSTART|DTEND|EXDATE|RDATE|RECURRENCE-ID|DUE)((?:;[^:\r\n]*)?):(\d{8}(?:,\d{8})*)(\r?)$/gim,
    (all, name: string, params: string, value: string, cr: string) =>
      /VALUE=DATE/i.test(params) ? all : `${name}${params};VALUE=DATE:${value}${cr}`,
  );
}

const DATE_PROPS = ['dtstart', 'dtend', 'exdate', 'rdate', 'recurrence-id'];

/** Parses the document; a broken one is retried event by event so one bad VEVENT does not lose the others. */
function parseComponents(
  text: string,
  errors: string[],
): { calendar: ICAL.Component; vevents: ICAL.Component[] } {
  const fixed = addMissingValueDate(text.replace(/^\uFEFF/, ''));
  try {
    const calendar = new ICAL.Component(ICAL.parse(fixed) as unknown[]);
    const root =
      calendar.name === 'vcalendar'
        ? calendar
        : (calendar.getFirstSubcomponent('vcalendar') ?? calendar);
    return { calendar: root, vevents: root.getAllSubcomponents('vevent') };
  } catch (err) {
    const blocks = fixed.match(/BEGIN:VEVENT[\s\S]*?END:VEVENT/gi);
    if (!blocks)
      throw new IngestError(
        'parse_error',
        `Document iCalendar illisible : ${(err as Error).message}`,
      );
    const zones = (fixed.match(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/gi) ?? []).join('\r\n');
    const header =
      /^[\s\S]*?(?=BEGIN:V(EVENT|TIMEZONE|TODO|JOURNAL))/i.exec(fixed)?.[0] ??
      'BEGIN:VCALENDAR\r\n';
    let calendar: ICAL.Component;
    try {
      calendar = new ICAL.Component(ICAL.parse(`${header}${zones}\r\nEND:VCALENDAR`) as unknown[]);
    } catch {
      calendar = new ICAL.Component(['vcalendar', [], []]);
    }
    const vevents: ICAL.Component[] = [];
    for (const block of blocks) {
      try {
        const c = new ICAL.Component(
          ICAL.parse(`BEGIN:VCALENDAR\r\n${block}\r\nEND:VCALENDAR`) as unknown[],
        );
        const ev = c.getFirstSubcomponent('vevent');
        if (ev) {
          calendar.addSubcomponent(ev);
          vevents.push(ev);
        }
      } catch (e) {
        errors.push(`skipped an unreadable event: ${(e as Error).message}`);
      }
    }
    return { calendar, vevents };
  }
}

/** Reads a calendar: events grouped by UID, overrides applied, occurrences expanded in [now-past, now+ahead]. */
export function parseCalendar(text: string, opts: ParseCalendarOptions): ParsedCalendar {
  if (!looksLikeCalendar(text))
    throw new IngestError(
      'not_a_feed',
      'Ce n’est pas un document iCalendar (pas de BEGIN:VCALENDAR)',
    );
  const errors: string[] = [];
  // Register every TZID named anywhere, before parsing, so times are read in their zone.
  for (const m of text.matchAll(/TZID=("[^"]+"|[^;:\r\n]+)/gi))
    registerTzid(m[1]!.replace(/^"|"$/g, ''));
  const { calendar, vevents } = parseComponents(text, errors);
  const calTitle = strOrNull(calendar.getFirstPropertyValue('x-wr-calname'));
  const calZone = resolveTzid(strOrNull(calendar.getFirstPropertyValue('x-wr-timezone')));
  const fallbackZone = calZone ?? opts.hubTimezone;
  const from = opts.now.getTime() - (opts.pastMs ?? DEFAULT_PAST_MS);
  const to = opts.now.getTime() + (opts.aheadMs ?? DEFAULT_AHEAD_MS);
  const maxEvents = opts.maxEvents ?? 5000;
  const maxOcc = opts.maxOccurrencesPerEvent ?? 1000;

  // Group by UID: one master, its overrides.
  const groups = new Map<string, { master: ICAL.Component | null; overrides: ICAL.Component[] }>();
  for (const ve of vevents) {
    const uid =
      strOrNull(ve.getFirstPropertyValue('uid')) ??
      `nouid-${strOrNull(ve.getFirstPropertyValue('summary'))}-${String(ve.getFirstPropertyValue('dtstart'))}`;
    const g = groups.get(uid) ?? { master: null, overrides: [] };
    if (ve.hasProperty('recurrence-id')) g.overrides.push(ve);
    else g.master = g.master ?? ve;
    groups.set(uid, g);
  }

  const events: ParsedEvent[] = [];
  let truncated = false;
  const deadline = Date.now() + (opts.budgetMs ?? 10_000);
  for (const [uid, g] of groups) {
    if (Date.now() > deadline) {
      errors.push(
        `calendar took longer than ${opts.budgetMs ?? 10_000} ms to read: the remaining events were skipped`,
      );
      truncated = true;
      break;
    }
    if (events.length >= maxEvents) {
      errors.push(`more than ${maxEvents} events: the rest were skipped`);
      truncated = true;
      break;
    }
    // Overrides without a master are single events of their own.
    const units = g.master
      ? [{ master: g.master, overrides: g.overrides, uid }]
      : g.overrides.map((o, i) => ({ master: o, overrides: [], uid: i ? `${uid}#${i}` : uid }));
    for (const u of units) {
      try {
        const ev = readEvent(u.uid, u.master, u.overrides, { fallbackZone, from, to, maxOcc });
        if (ev) events.push(ev);
      } catch (err) {
        errors.push(`event ${u.uid} skipped: ${(err as Error).message}`);
      }
    }
  }
  return { title: calTitle, timezone: calZone, events, errors, truncated };
}

interface ReadContext {
  fallbackZone: string;
  from: number;
  to: number;
  maxOcc: number;
}

function strOrNull(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s ? s : null;
}

function clip(s: string | null): string | null {
  return s && s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

function statusOf(c: ICAL.Component): EventStatus {
  const s = String(c.getFirstPropertyValue('status') ?? '').toUpperCase();
  return s === 'CANCELLED' ? 'cancelled' : s === 'TENTATIVE' ? 'tentative' : 'confirmed';
}

const isFloating = (t: ICAL.Time) =>
  !t.zone || t.zone.tzid === 'floating' || t.zone === ICAL.Timezone.localTimezone;

/** The instant of an ical.js time; floating and date values are read in `zone`. */
export function timeToMs(t: ICAL.Time, zone: string): number {
  if (t.isDate)
    return zonedToUtc(
      { year: t.year, month: t.month, day: t.day, hour: 0, minute: 0, second: 0 },
      zone,
    );
  if (isFloating(t))
    return zonedToUtc(
      {
        year: t.year,
        month: t.month,
        day: t.day,
        hour: t.hour,
        minute: t.minute,
        second: t.second,
      },
      zone,
    );
  const ms = t.toUnixTime() * 1000;
  if (!Number.isFinite(ms)) throw new Error('invalid date');
  return ms;
}

/** ical.js quietly rolls impossible dates over (month 13 → next year): refuse them instead. jCal value: "2026-10-08" or "2026-10-08T18:30:00(Z)". */
function validValue(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z?)?$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (
    y < 1800 ||
    y > 2200 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > new Date(Date.UTC(y, mo, 0)).getUTCDate()
  )
    return false;
  return m[4] === undefined || (Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 60);
}

/** The zone an event's start is shown in. */
function zoneOf(dtstart: ICAL.Property, fallback: string): string {
  const tzid = dtstart.getParameter('tzid');
  const value = dtstart.getFirstValue() as ICAL.Time;
  if (typeof tzid === 'string') return resolveTzid(tzid) ?? fallback;
  if (!value.isDate && value.zone?.tzid === 'UTC') return fallback;
  return fallback;
}

function readEvent(
  uid: string,
  master: ICAL.Component,
  overrides: ICAL.Component[],
  ctx: ReadContext,
): ParsedEvent | null {
  const dtstartProp = master.getFirstProperty('dtstart');
  if (!dtstartProp) throw new Error('no DTSTART');
  const zone = zoneOf(dtstartProp, ctx.fallbackZone);
  const event = new ICAL.Event(master);
  for (const o of overrides) event.relateException(o);
  const startTime = event.startDate;
  for (const name of ['dtstart', 'dtend']) {
    const raw = master.getFirstProperty(name)?.toJSON()[3];
    if (raw !== undefined && !validValue(String(raw)))
      throw new Error(`invalid ${name.toUpperCase()} ${String(raw)}`);
  }
  if (!startTime || Number.isNaN(startTime.year)) throw new Error('invalid DTSTART');
  const allDay = startTime.isDate;
  const start = timeToMs(startTime, zone);
  const endMs = (t: ICAL.Time | null | undefined, s: number): number | null => {
    if (t) {
      const e = timeToMs(t, zone);
      return e >= s ? e : null;
    }
    return allDay ? s + 24 * 3600_000 : null;
  };
  const hasEnd = master.hasProperty('dtend') || master.hasProperty('duration');
  const end = endMs(hasEnd ? event.endDate : null, start);
  const status = statusOf(master);
  const title = clip(strOrNull(master.getFirstPropertyValue('summary')));
  const location = clip(strOrNull(master.getFirstPropertyValue('location')));
  const occurrences: ParsedOccurrence[] = [];
  const rruleValue = master.getFirstPropertyValue('rrule');
  const rrule = rruleValue ? String(rruleValue) : null;

  if (event.isRecurring()) {
    const it = event.iterator();
    let iterations = 0;
    // Occurrences well before the window are skipped on their calendar date alone (zone maths is the costly part).
    const early = new Date(ctx.from - 3 * 24 * 3600_000);
    const earlyKey =
      early.getUTCFullYear() * 10000 + (early.getUTCMonth() + 1) * 100 + early.getUTCDate();
    for (let next = it.next(); next; next = it.next()) {
      if (++iterations > MAX_ITERATIONS) break;
      if (next.year * 10000 + next.month * 100 + next.day < earlyKey) continue;
      const details = event.getOccurrenceDetails(next);
      const rid = timeToMs(details.recurrenceId, zone);
      const s = timeToMs(details.startDate, zone);
      if (rid > ctx.to && s > ctx.to) break;
      const item = details.item;
      const isOverride = item.component !== master;
      const e =
        isOverride &&
        !(item.component.hasProperty('dtend') || item.component.hasProperty('duration')) &&
        end !== null
          ? s + (end - start)
          : endMs(details.endDate, s);
      if ((e ?? s) < ctx.from || s >= ctx.to) continue;
      occurrences.push({
        start: s,
        end: e,
        recurrenceId: rid,
        status: status === 'cancelled' ? 'cancelled' : statusOf(item.component),
        title: isOverride ? strOrNull(item.component.getFirstPropertyValue('summary')) : null,
        location: isOverride ? strOrNull(item.component.getFirstPropertyValue('location')) : null,
      });
      if (occurrences.length >= ctx.maxOcc) break;
    }
  } else if ((end ?? start) >= ctx.from && start < ctx.to) {
    occurrences.push({ start, end, recurrenceId: null, status, title: null, location: null });
  }

  return {
    uid,
    title,
    description: clip(strOrNull(master.getFirstPropertyValue('description'))),
    location,
    url: safeUrl(strOrNull(master.getFirstPropertyValue('url'))),
    categories: master
      .getAllProperties('categories')
      .flatMap((p) => p.getValues().map((v) => String(v).trim()))
      .filter(Boolean),
    status,
    start,
    end,
    allDay,
    timezone: zone,
    rrule,
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
 * TZIDs replaced by IANA names, floating date-times given the event's zone.
 */
function normaliseComponent(c: ICAL.Component, zone: string): unknown {
  const copy = new ICAL.Component(JSON.parse(JSON.stringify(c.toJSON())) as unknown[]);
  for (const name of ['dtstamp', 'created', 'last-modified', 'sequence'])
    copy.removeAllProperties(name);
  copy.removeAllSubcomponents('valarm');
  for (const name of DATE_PROPS) {
    for (const p of copy.getAllProperties(name)) {
      if (p.type !== 'date-time') continue;
      const values = p.getValues() as ICAL.Time[];
      const first = values[0];
      if (!first || first.zone?.tzid === 'UTC' || String(p.toICALString()).endsWith('Z')) continue;
      p.setParameter('tzid', zone);
    }
  }
  return copy.toJSON();
}
