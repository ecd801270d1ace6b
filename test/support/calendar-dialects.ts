/**
 * Calendars as Outlook, Exchange and Google write them, and as hostile members do: shared by
 * the Node (unit) and workerd tests, since the reading is the same code on both and only the
 * runtime's Intl zone data differs.
 */
import { expect } from 'vitest';
import { parseCalendar } from '../../src/agenda/parse-calendar.ts';
import { isoWithOffset } from '../../src/agenda/timezones.ts';
import { hangingRules, manyEvents, manyExdates } from './hostile-calendars.ts';

const NOW = new Date('2026-10-01T08:00:00Z');
const read = (...lines: string[]) =>
  parseCalendar(['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n'), {
    now: NOW,
    hubTimezone: 'Europe/Paris',
  });
const local = (ms: number, zone: string) => isoWithOffset(ms, zone);

export function checkOutlookZoneNames(): void {
  const cal = read(
    'BEGIN:VEVENT',
    'UID:ny',
    'DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20261110T100000',
    'DTEND;TZID="(UTC-05:00) Eastern Time (US & Canada)":20261110T113000',
    'SUMMARY:Réunion à New York',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:paris',
    'DTSTART;TZID="(UTC+01:00) Brussels, Copenhagen, Madrid, Paris":20260710T100000',
    'SUMMARY:Été à Paris',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:old',
    'DTSTART;TZID="(GMT+01.00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna":20261210T100000',
    'SUMMARY:Outlook 2003',
    'END:VEVENT',
  );
  const ny = cal.events.find((e) => e.uid === 'ny')!;
  expect(ny.timezone).toBe('America/New_York');
  expect(new Date(ny.start).toISOString()).toBe('2026-11-10T15:00:00.000Z'); // not Paris time
  expect(local(ny.end!, ny.timezone)).toBe('2026-11-10T11:30:00-05:00');
  expect(new Date(cal.events.find((e) => e.uid === 'paris')!.start).toISOString()).toBe(
    '2026-07-10T08:00:00.000Z',
  );
  expect(new Date(cal.events.find((e) => e.uid === 'old')!.start).toISOString()).toBe(
    '2026-12-10T09:00:00.000Z',
  );
}

export function checkUnknownDisplayNameUsesItsVtimezone(): void {
  // A display name we do not know: its VTIMEZONE (with daylight saving) decides.
  const cal = read(
    'BEGIN:VTIMEZONE',
    'TZID:(UTC-05:00) Quelque part',
    'BEGIN:STANDARD',
    'DTSTART:16011104T020000',
    'RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11',
    'TZOFFSETFROM:-0400',
    'TZOFFSETTO:-0500',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    'DTSTART:16010311T020000',
    'RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3',
    'TZOFFSETFROM:-0500',
    'TZOFFSETTO:-0400',
    'END:DAYLIGHT',
    'END:VTIMEZONE',
    'BEGIN:VEVENT',
    'UID:summer',
    'DTSTART;TZID="(UTC-05:00) Quelque part":20260710T100000',
    'SUMMARY:Été',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:winter',
    'DTSTART;TZID="(UTC-05:00) Quelque part":20261210T100000',
    'SUMMARY:Hiver',
    'END:VEVENT',
  );
  const at = (uid: string) => new Date(cal.events.find((e) => e.uid === uid)!.start).toISOString();
  expect(at('summer')).toBe('2026-07-10T14:00:00.000Z');
  expect(at('winter')).toBe('2026-12-10T15:00:00.000Z');
}

export function checkMovedAllDayOccurrence(): void {
  const cal = read(
    'BEGIN:VEVENT',
    'UID:marche',
    'DTSTART;VALUE=DATE:20261003',
    'RRULE:FREQ=WEEKLY;COUNT=4',
    'SUMMARY:Marché paysan',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:marche',
    'RECURRENCE-ID;VALUE=DATE:20261010',
    'DTSTART;VALUE=DATE:20261011',
    'SUMMARY:Marché paysan (dimanche)',
    'END:VEVENT',
    // Google also writes the RECURRENCE-ID of an all-day series as a date-time.
    'BEGIN:VEVENT',
    'UID:marche',
    'RECURRENCE-ID:20261017T000000',
    'DTSTART;VALUE=DATE:20261016',
    'SUMMARY:Marché paysan (vendredi)',
    'END:VEVENT',
  );
  const ev = cal.events[0]!;
  expect(cal.events).toHaveLength(1);
  expect(ev.occurrences.map((o) => local(o.start, ev.timezone).slice(0, 10))).toEqual([
    '2026-10-03',
    '2026-10-11',
    '2026-10-16',
    '2026-10-24',
  ]);
  expect(ev.occurrences[1]!.title).toBe('Marché paysan (dimanche)');
  expect(local(ev.occurrences[1]!.end!, ev.timezone)).toBe('2026-10-12T00:00:00+02:00');
}

export function checkDuplicateUids(): void {
  const copy = (seq: string | null, stamp: string, title: string) => [
    'BEGIN:VEVENT',
    'UID:ag',
    ...(seq === null ? [] : [`SEQUENCE:${seq}`]),
    `DTSTAMP:${stamp}`,
    'DTSTART:20261020T160000Z',
    `SUMMARY:${title}`,
    'END:VEVENT',
  ];
  // Highest SEQUENCE wins wherever it stands in the file.
  let cal = read(
    ...copy('2', '20260901T000000Z', 'AG (version 2)'),
    ...copy('1', '20260915T000000Z', 'AG (version 1)'),
  );
  expect(cal.events.map((e) => e.title)).toEqual(['AG (version 2)']);
  // Same SEQUENCE (or none): the latest DTSTAMP.
  cal = read(
    ...copy(null, '20260915T000000Z', 'AG (mise à jour)'),
    ...copy(null, '20260901T000000Z', 'AG (première)'),
  );
  expect(cal.events.map((e) => e.title)).toEqual(['AG (mise à jour)']);
}

export function checkConcatenatedCalendars(): void {
  const one = (uid: string, day: string, name: string) =>
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      `X-WR-CALNAME:${name}`,
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTART:202610${day}T160000Z`,
      `SUMMARY:${uid}`,
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
  const text = `${one('a', '10', 'Premier')}\r\n${one('b', '11', 'Second')}\r\n${one('c', '12', 'Troisième')}`;
  const cal = parseCalendar(text, { now: NOW, hubTimezone: 'Europe/Paris' });
  expect(cal.events.map((e) => e.uid).sort()).toEqual(['a', 'b', 'c']);
  expect(cal.title).toBe('Premier');
  // And when one of them holds a line ical.js refuses, the others still count.
  const broken = `${one('a', '10', 'Premier')}\r\n${one('b', '11', 'Second').replace(
    'SUMMARY:b',
    'SUMMARY;LANGUAGE="fr:b',
  )}\r\n${one('c', '12', 'Troisième')}`;
  expect(
    parseCalendar(broken, { now: NOW, hubTimezone: 'Europe/Paris' })
      .events.map((e) => e.uid)
      .sort(),
  ).toEqual(['a', 'b', 'c']);
}

export function checkMalformedPropertySkippedAlone(): void {
  const cal = read(
    'BEGIN:VEVENT',
    'UID:cafe',
    'DTSTART;TZID=Europe/Paris:20261015T183000',
    'DTEND;TZID=Europe/Paris 20261015T200000',
    'X-BROKEN;NOVALUE:1',
    'RRULE:FREQ=SOMETIMES',
    'SUMMARY:Café coopératif',
    'LOCATION:Bourse du travail',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:atelier',
    'DTSTART:20261016T160000Z',
    'DURATION:P999999999999999999W',
    'SUMMARY:Atelier',
    'END:VEVENT',
  );
  const cafe = cal.events.find((e) => e.uid === 'cafe')!;
  expect(cafe.title).toBe('Café coopératif');
  expect(cafe.location).toBe('Bourse du travail');
  expect(local(cafe.start, cafe.timezone)).toBe('2026-10-15T18:30:00+02:00');
  expect(cafe.rrule).toBeNull();
  expect(cafe.occurrences).toHaveLength(1);
  const atelier = cal.events.find((e) => e.uid === 'atelier')!;
  expect(atelier.end).toBeNull();
  expect(cal.errors.join('\n')).toMatch(/DTEND/);
  expect(cal.errors.join('\n')).toMatch(/RRULE/);
  expect(cal.errors.join('\n')).toMatch(/DURATION/);
}

/** The documents that hung or froze the hub, read within `limitMs` each, with the right result. */
export function checkHostileCalendarsBounded(limitMs: number): Record<string, number> {
  const times: Record<string, number> = {};
  const timed = <T>(name: string, run: () => T): T => {
    const started = Date.now();
    const out = run();
    times[name] = Date.now() - started;
    expect(times[name]).toBeLessThan(limitMs);
    return out;
  };
  const opts = { now: NOW, hubTimezone: 'Europe/Paris' };
  const hang = timed('hanging rules', () => parseCalendar(hangingRules(), opts));
  expect(hang.events).toHaveLength(4);
  const lastDays = hang.events.find((e) => e.uid === 'hang-0')!.occurrences;
  // The last two days of each month, from 33 days back (what a pull stores: parse-calendar.ts).
  expect(lastDays.slice(0, 4).map((o) => new Date(o.start).toISOString().slice(0, 10))).toEqual([
    '2026-08-30',
    '2026-08-31',
    '2026-09-29',
    '2026-09-30',
  ]);
  // Every day from 2020 to 2293 excluded: nothing left in the window, nothing hangs.
  const ex = timed('100,000 EXDATE', () => parseCalendar(manyExdates(), opts));
  expect(ex.events[0]!.occurrences).toEqual([]);
  const many = timed('60,000 events', () =>
    parseCalendar(manyEvents(60_000, Date.UTC(2026, 0, 1)), opts),
  );
  expect(many.truncation).toEqual({ kept: 5000, total: 60_000 });
  // The nearest in time are kept (around now, 1 October 2026), not the file's first 5,000.
  const nearest = Array.from({ length: 60_000 }, (_, i) => i)
    .map((i) => ({ uid: `e${i}`, d: Math.abs(Date.UTC(2026, 0, 1) + i * 3 * 3600_000 - +NOW) }))
    .sort((a, b) => a.d - b.d || (a.uid < b.uid ? -1 : 1))
    .slice(0, 5000)
    .map((x) => x.uid);
  expect(many.events.map((e) => e.uid).sort()).toEqual(nearest.sort());
  // Same document, same subset.
  const again = parseCalendar(manyEvents(60_000, Date.UTC(2026, 0, 1)), opts);
  expect(again.events.map((e) => e.uid)).toEqual(many.events.map((e) => e.uid));
  return times;
}
