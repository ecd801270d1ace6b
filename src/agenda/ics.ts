/**
 * Writes /agenda.ics and /events/:id.ics (RFC 5545): CRLF, lines folded at 75 octets without
 * splitting a UTF-8 character, a VTIMEZONE for every TZID used, UTC DTSTAMP, stable UIDs,
 * series kept as RRULE/EXDATE/RDATE with their overrides, STATUS:CANCELLED for cancellations.
 */
import ICAL from 'ical.js';
import type { EventRow } from '../db/schema/events.ts';
import type { Provenance } from './query.ts';
import { vtimezoneLines, utcToZoned } from './timezones.ts';
import { isHttpUrl, keepRepublishable } from './ics-republish.ts';

const encoder = new TextEncoder();

/** Folds one content line at 75 octets (continuations start with a space), never inside a character. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74; // the leading space counts
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "20261022T163000Z". */
export function icsUtc(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

export interface IcsEvent {
  event: EventRow;
  provenance: Provenance;
}

export interface IcsOptions {
  calendarName: string;
  /** Hub base URL: UIDs are `<id>@<host>`, events link to /events/:id when they have no URL. */
  baseUrl: string;
  /** Zone of the calendar (X-WR-TIMEZONE). */
  timezone: string;
}

/**
 * Unfolded content lines of one component: ical.js folds by characters, we refold by octets.
 * (Raising ICAL.foldLength instead makes ical.js walk every line up to that length: far slower.)
 */
function componentLines(c: ICAL.Component): string[] {
  return c
    .toString()
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .filter(Boolean);
}

/** The VCALENDAR text for these events. */
export function writeCalendar(list: IcsEvent[], opts: IcsOptions): string {
  const host = new URL(opts.baseUrl).host || 'intercoop';
  const body: string[] = [];
  const zones = new Set<string>();
  let minYear = Infinity;
  let maxYear = -Infinity;
  for (const { event, provenance } of list) {
    const uid = `${event.id}@${host}`;
    const stamp = icsUtc(event.updatedAt);
    const comps = (event.components.length ? event.components : [fallbackComponent(event)]).map(
      (j) => new ICAL.Component(j as unknown[]),
    );
    const eventPage = `${opts.baseUrl.replace(/\/$/, '')}/events/${event.id}`;
    comps.forEach((c, i) => {
      // Member content, republished to every subscriber: only what the rules allow (ics-republish.ts).
      keepRepublishable(c, eventPage);
      c.updatePropertyWithValue('uid', uid);
      c.removeAllProperties('dtstamp');
      c.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(event.updatedAt), true));
      if (i === 0) {
        if (event.status === 'cancelled') c.updatePropertyWithValue('status', 'CANCELLED');
        if (!c.hasProperty('url'))
          c.addPropertyWithValue('url', provenance.links.find(isHttpUrl) ?? eventPage);
        if (provenance.networks.length)
          c.updatePropertyWithValue('x-intercoop-networks', provenance.networks.join(','));
      }
      for (const p of c.getAllProperties()) {
        const tzid = p.getParameter('tzid');
        if (typeof tzid === 'string' && tzid !== 'UTC') zones.add(tzid);
        else if (tzid === 'UTC') p.removeParameter('tzid');
      }
      const lines = componentLines(c).map((l) =>
        l.startsWith('DTSTAMP') ? `DTSTAMP:${stamp}` : l,
      );
      body.push(...lines);
    });
    const y1 = utcToZoned(event.start, 'UTC').year;
    const y2 = utcToZoned(Math.max(event.expandedUntil, event.end ?? event.start), 'UTC').year;
    minYear = Math.min(minYear, y1);
    maxYear = Math.max(maxYear, y2);
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Intercoop Hub//Agenda//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(opts.calendarName)}`,
    `X-WR-TIMEZONE:${opts.timezone}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  if (Number.isFinite(minYear))
    for (const z of [...zones].sort()) lines.push(...vtimezoneLines(z, minYear - 1, maxYear + 1));
  lines.push(...body, 'END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** TEXT escaping of RFC 5545 §3.3.11. */
export function escapeText(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n');
}

/** A VEVENT from the stored fields, for rows without source components. */
function fallbackComponent(e: EventRow): unknown {
  const c = new ICAL.Component('vevent');
  c.addPropertyWithValue('summary', e.title);
  const start = ICAL.Time.fromJSDate(new Date(e.start), true);
  c.addPropertyWithValue('dtstart', start);
  if (e.end !== null) c.addPropertyWithValue('dtend', ICAL.Time.fromJSDate(new Date(e.end), true));
  if (e.location) c.addPropertyWithValue('location', e.location);
  return c.toJSON();
}
