import type { ParseOutput } from '../ingest/types.ts';
import { defaultHubSettings } from '../db/hub-settings.ts';
import { parseCalendar } from './parse-calendar.ts';
import { isoWithOffset } from './timezones.ts';

/**
 * An iCalendar document → what `intercoop parse` prints (INTERFACE.md): one entry per event
 * (a series once, with its RRULE), ISO 8601 start/end with the offset of the event’s zone
 * (all-day events: local midnight, end exclusive),
 * null where the source has nothing. Throws IngestError when the document is unreadable.
 * Floating times are read in X-WR-TIMEZONE, else `hubTimezone`.
 */
export function calendarToParseOutput(
  text: string,
  hubTimezone = defaultHubSettings.timezone,
  now = new Date(),
): ParseOutput {
  // Only the events themselves are printed; the window just bounds the work.
  const cal = parseCalendar(text, { now, hubTimezone, maxOccurrencesPerEvent: 1 });
  return {
    kind: 'calendar',
    title: cal.title,
    link: null,
    items: [],
    events: cal.events.map((e) => ({
      uid: e.uid,
      title: e.title,
      start: isoWithOffset(e.start, e.timezone),
      end: e.end === null ? null : isoWithOffset(e.end, e.timezone),
      all_day: e.allDay,
      timezone: e.timezone,
      location: e.location,
      url: e.url,
      description: e.description,
      rrule: e.rrule,
    })),
  };
}
