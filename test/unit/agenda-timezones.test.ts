import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import {
  isIanaZone,
  offsetMinutes,
  resolveTzid,
  vtimezoneLines,
  WINDOWS_ZONES,
  zonedToUtc,
  isoWithOffset,
} from '../../src/agenda/timezones.ts';
import { foldLine } from '../../src/agenda/ics.ts';
import { parseCalendar } from '../../src/agenda/parse-calendar.ts';
import { calendarToParseOutput } from '../../src/agenda/parse-calendar-output.ts';
import { parseAgendaRequest, AgendaQueryError } from '../../src/agenda/request.ts';

const NOW = new Date('2026-10-01T00:00:00Z');
const cal = (...lines: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');

describe('time zones from Intl', () => {
  it('knows every zone the federation uses, and every Windows name maps to one', () => {
    for (const z of [
      'Europe/Paris',
      'Europe/Brussels',
      'Europe/Zurich',
      'Europe/Luxembourg',
      'America/Cayenne',
      'America/Guadeloupe',
      'America/Martinique',
      'Indian/Reunion',
      'Indian/Mayotte',
      'Pacific/Noumea',
      'Pacific/Tahiti',
      'America/Montreal',
      'America/Toronto',
      'Africa/Dakar',
      'UTC',
    ]) {
      expect(resolveTzid(z), z).not.toBeNull();
    }
    for (const [win, iana] of Object.entries(WINDOWS_ZONES))
      expect(isIanaZone(iana), `${win} → ${iana}`).toBe(true);
    expect(resolveTzid('Romance Standard Time')).toBe('Europe/Paris');
    expect(resolveTzid('/mozilla.org/20050126_1/Europe/Paris')).toBe('Europe/Paris');
    expect(resolveTzid('Pas/Une_Zone')).toBeNull();
  });

  it('converts wall-clock times across DST, in gaps and overlaps', () => {
    expect(offsetMinutes('Pacific/Tahiti', NOW.getTime())).toBe(-600);
    expect(
      new Date(
        zonedToUtc(
          { year: 2027, month: 3, day: 28, hour: 18, minute: 30, second: 0 },
          'Europe/Paris',
        ),
      ).toISOString(),
    ).toBe('2027-03-28T16:30:00.000Z');
    // 02:30 does not exist on 29 March 2026 in Paris: read with the offset before the change.
    expect(
      new Date(
        zonedToUtc(
          { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 },
          'Europe/Paris',
        ),
      ).toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October 2026: the first one.
    expect(
      new Date(
        zonedToUtc(
          { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 },
          'Europe/Paris',
        ),
      ).toISOString(),
    ).toBe('2026-10-25T00:30:00.000Z');
    expect(isoWithOffset(Date.parse('2026-12-01T12:00:00Z'), 'Pacific/Noumea')).toBe(
      '2026-12-01T23:00:00+11:00',
    );
  });

  it('generates VTIMEZONEs that ical.js reads back with the right offsets', () => {
    const text = [
      'BEGIN:VCALENDAR',
      ...vtimezoneLines('Europe/Paris', 2025, 2028, 'Test/Paris'),
      'END:VCALENDAR',
    ].join('\r\n');
    const tz = new ICAL.Timezone(
      new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vtimezone')!,
    );
    const at = (iso: string) => tz.utcOffset(ICAL.Time.fromDateTimeString(iso)) / 60;
    expect(at('2026-10-24T12:00:00')).toBe(120);
    expect(at('2026-10-26T12:00:00')).toBe(60);
    expect(at('2027-03-29T12:00:00')).toBe(120);
    expect(
      vtimezoneLines('America/Cayenne', 2025, 2028).filter((l) => l === 'BEGIN:DAYLIGHT'),
    ).toHaveLength(0);
  });
});

describe('reading calendars: edge cases', () => {
  it('an embedded VTIMEZONE under a custom name is honoured', () => {
    const r = parseCalendar(
      cal(
        'BEGIN:VTIMEZONE',
        'TZID:Heure de Nouméa',
        'BEGIN:STANDARD',
        'DTSTART:19700101T000000',
        'TZOFFSETFROM:+1100',
        'TZOFFSETTO:+1100',
        'END:STANDARD',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
        'UID:n1',
        'DTSTART;TZID=Heure de Nouméa:20261105T090000',
        'SUMMARY:Assemblée à Nouméa',
        'END:VEVENT',
      ),
      { now: NOW, hubTimezone: 'Europe/Paris' },
    );
    expect(new Date(r.events[0]!.start).toISOString()).toBe('2026-11-04T22:00:00.000Z');
  });

  it('RDATE adds occurrences, COUNT bounds a series, unknown TZID without definition falls back to the hub zone', () => {
    const r = parseCalendar(
      cal(
        'BEGIN:VEVENT',
        'UID:r1',
        'DTSTART;TZID=Europe/Paris:20261005T100000',
        'RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=1MO',
        'RDATE;TZID=Europe/Paris:20261225T100000',
        'SUMMARY:Comité',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:r2',
        'DTSTART;TZID=Inconnue:20261010T100000',
        'SUMMARY:Zone inconnue',
        'END:VEVENT',
      ),
      { now: NOW, hubTimezone: 'Europe/Paris' },
    );
    const starts = r.events[0]!.occurrences.map((o) => isoWithOffset(o.start, 'Europe/Paris'));
    expect(starts).toEqual([
      '2026-10-05T10:00:00+02:00',
      '2026-11-02T10:00:00+01:00',
      '2026-12-07T10:00:00+01:00',
      '2026-12-25T10:00:00+01:00',
    ]);
    expect(new Date(r.events[1]!.start).toISOString()).toBe('2026-10-10T08:00:00.000Z');
  });

  it('a broken document keeps its readable events; garbage is a parse error', () => {
    const r = parseCalendar(
      cal(
        'BEGIN:VEVENT',
        'UID:ok',
        'DTSTART:20261010T100000Z',
        'SUMMARY:Bon',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:ko',
        'DTSTART:2026-99-99',
        'SUMMARY:Mauvais',
        'END:VEVENT',
      ),
      { now: NOW, hubTimezone: 'Europe/Paris' },
    );
    expect(r.events.map((e) => e.title)).toEqual(['Bon']);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(() =>
      parseCalendar('<html>nope</html>', { now: NOW, hubTimezone: 'Europe/Paris' }),
    ).toThrow(/iCalendar/);
  });

  it('prints the parse CLI shape with offsets and nulls', () => {
    const out = calendarToParseOutput(
      cal(
        'X-WR-CALNAME:Essai',
        'BEGIN:VEVENT',
        'UID:p1',
        'DTSTART;VALUE=DATE:20261204',
        'SUMMARY:Forum',
        'END:VEVENT',
      ),
      'Europe/Paris',
      NOW,
    );
    expect(out).toEqual({
      kind: 'calendar',
      title: 'Essai',
      link: null,
      items: [],
      events: [
        {
          uid: 'p1',
          title: 'Forum',
          start: '2026-12-04T00:00:00+01:00',
          end: '2026-12-05T00:00:00+01:00',
          all_day: true,
          timezone: 'Europe/Paris',
          location: null,
          url: null,
          description: null,
          rrule: null,
        },
      ],
    });
  });
});

describe('writing and querying', () => {
  it('folds at 75 octets without splitting UTF-8 characters', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(line).split('\r\n');
    for (const l of folded) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(line);
  });

  it('from/to: dates in the hub zone, 400 messages for invalid input', () => {
    const r = parseAgendaRequest(
      new URL('https://h/agenda?from=2026-10-25&to=2026-10-25&network=a&network=b'),
      'Europe/Paris',
      NOW,
    );
    expect(r.from.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(r.networks).toEqual(['a', 'b']);
    expect(() =>
      parseAgendaRequest(new URL('https://h/agenda?from=hier'), 'Europe/Paris', NOW),
    ).toThrow(AgendaQueryError);
    expect(() =>
      parseAgendaRequest(new URL('https://h/agenda?network=<x>'), 'Europe/Paris', NOW),
    ).toThrow(/slug/);
  });
});
