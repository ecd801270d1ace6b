/**
 * An iCalendar document → its VEVENTs and calendar properties as jCal, however it is written:
 * several VCALENDARs concatenated in one file (their events are merged), dates without
 * VALUE=DATE, and malformed lines. ical.js reads the whole document at once; when it refuses
 * it, each VEVENT is read alone, and in a VEVENT it refuses, each line alone, so a bad line
 * costs that property only (a DTSTART or UID the event cannot do without still loses it).
 */
import ICAL from 'ical.js';
import { IngestError } from '../ingest/types.ts';
import type { JcalComponent, JcalProperty } from './jcal-values.ts';

export interface CalendarDocument {
  /** Properties of the first VCALENDAR (X-WR-CALNAME, X-WR-TIMEZONE…). */
  properties: JcalProperty[];
  vevents: JcalComponent[];
  vtimezones: JcalComponent[];
}

/** Date values written without VALUE=DATE ("DTSTART:20261205") would not parse: say what they are. */
function addMissingValueDate(text: string): string {
  return text.replace(
    /^(DTSTART|DTEND|EXDATE|RDATE|RECURRENCE-ID|DUE)((?:;[^:\r\n]*)?):(\d{8}(?:,\d{8})*)(\r?)$/gim,
    (all, name: string, params: string, value: string, cr: string) =>
      /VALUE=DATE/i.test(params) ? all : `${name}${params};VALUE=DATE:${value}${cr}`,
  );
}

/** The top-level components ical.js gives: one, or a list when the file holds several. */
function roots(parsed: unknown): JcalComponent[] {
  const list = parsed as unknown[];
  return (Array.isArray(list[0]) ? list : [list]) as JcalComponent[];
}

function collect(calendars: JcalComponent[]): CalendarDocument {
  const vcalendars = calendars.filter((c) => c[0] === 'vcalendar');
  const vevents: JcalComponent[] = [];
  const vtimezones: JcalComponent[] = [];
  for (const cal of vcalendars)
    for (const c of cal[2]) {
      if (c[0] === 'vevent') vevents.push(c);
      else if (c[0] === 'vtimezone') vtimezones.push(c);
    }
  return { properties: vcalendars[0]?.[1] ?? [], vevents, vtimezones };
}

/** Reads the document; `errors` receives what was skipped and why. */
export function readCalendarDocument(text: string, errors: string[]): CalendarDocument {
  const fixed = addMissingValueDate(text.replace(/^\uFEFF/, ''));
  try {
    return collect(roots(ICAL.parse(fixed)));
  } catch (err) {
    return salvage(fixed, errors, (err as Error).message);
  }
}

const wrap = (body: string) => `BEGIN:VCALENDAR\r\n${body}\r\nEND:VCALENDAR`;

/** The document ical.js refused, read piece by piece. */
function salvage(text: string, errors: string[], why: string): CalendarDocument {
  const blocks = text.match(/^BEGIN:VEVENT\s*$[\s\S]*?^END:VEVENT\s*$/gim);
  if (!blocks) throw new IngestError('parse_error', `Document iCalendar illisible : ${why}`);
  const header =
    /^[\s\S]*?(?=^BEGIN:V(?:EVENT|TIMEZONE|TODO|JOURNAL|FREEBUSY)\s*$)/im.exec(text)?.[0] ?? '';
  const properties = readLines(
    header.replace(/^BEGIN:VCALENDAR\s*$/im, ''),
    errors,
    'the calendar',
  );
  const vevents: JcalComponent[] = [];
  for (const block of blocks) {
    try {
      const ev = collect(roots(ICAL.parse(wrap(block)))).vevents[0];
      if (ev) vevents.push(ev);
    } catch {
      const body = block.replace(/^BEGIN:VEVENT\s*$|^END:VEVENT\s*$/gim, '');
      // Alarms and other nested components are not read by the hub: left out of a salvaged event.
      const flat = body.replace(/^BEGIN:(\S+)\s*$[\s\S]*?^END:\1\s*$/gim, '');
      const uid = /^UID[;:](.*)$/im.exec(flat)?.[1]?.trim() ?? '?';
      vevents.push(['vevent', readLines(flat, errors, `event ${uid}`), []]);
    }
  }
  const vtimezones: JcalComponent[] = [];
  for (const block of text.match(/^BEGIN:VTIMEZONE\s*$[\s\S]*?^END:VTIMEZONE\s*$/gim) ?? []) {
    try {
      vtimezones.push(...collect(roots(ICAL.parse(wrap(block)))).vtimezones);
    } catch {
      errors.push('an unreadable VTIMEZONE was skipped');
    }
  }
  return { properties, vevents, vtimezones };
}

/** Each content line of a component body read alone; the ones ical.js refuses are skipped. */
function readLines(body: string, errors: string[], where: string): JcalProperty[] {
  const out: JcalProperty[] = [];
  const unfolded = body.replace(/\r?\n[ \t]/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      const c = collect(roots(ICAL.parse(wrap(`BEGIN:VEVENT\r\n${line}\r\nEND:VEVENT`))));
      const p = c.vevents[0]?.[1][0];
      if (p) out.push(p);
    } catch (err) {
      const name = /^[A-Za-z0-9-]*/.exec(line)?.[0] || line.slice(0, 20);
      if (errors.length < 1000)
        errors.push(`${where}: property ${name} skipped (${(err as Error).message})`);
    }
  }
  return out;
}
