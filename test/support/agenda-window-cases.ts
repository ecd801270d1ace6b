/**
 * The agenda's day windows (src/agenda/window.ts), checked with the runtime's own Intl zones:
 * run as a unit test on Node and inside workerd. Every instant of a day gives the same window;
 * the next midnight moves it; DST days (23 and 25 hours), a midnight that DST skips, and zones
 * far from UTC keep midnight as the edge.
 */
import { expect } from 'vitest';
import { isoWithOffset } from '../../src/agenda/timezones.ts';
import { parseAgendaRequest } from '../../src/agenda/request.ts';
import { defaultWindow, keptRange, startOfDay, windowMovesAt } from '../../src/agenda/window.ts';

const HOUR = 3600_000;

interface DayCase {
  zone: string;
  /** The day's first instant, as the zone writes it. */
  midnight: string;
  /** Its length in hours (DST days are 23 or 25). */
  hours: number;
}

const DAYS: DayCase[] = [
  { zone: 'Europe/Paris', midnight: '2026-10-14T00:00:00+02:00', hours: 24 },
  // Spring forward (02:00 → 03:00) and fall back (03:00 → 02:00).
  { zone: 'Europe/Paris', midnight: '2026-03-29T00:00:00+01:00', hours: 23 },
  { zone: 'Europe/Paris', midnight: '2026-10-25T00:00:00+02:00', hours: 25 },
  // Chile springs forward at midnight: the day starts at 01:00.
  { zone: 'America/Santiago', midnight: '2026-09-06T01:00:00-03:00', hours: 23 },
  { zone: 'Pacific/Noumea', midnight: '2026-12-31T00:00:00+11:00', hours: 24 },
  { zone: 'America/Cayenne', midnight: '2026-01-01T00:00:00-03:00', hours: 24 },
  { zone: 'Pacific/Kiritimati', midnight: '2026-02-28T00:00:00+14:00', hours: 24 },
  { zone: 'UTC', midnight: '2028-02-29T00:00:00+00:00', hours: 24 },
];

/** The window of every instant of a day is that day's; the next midnight moves it. */
export function checkDayWindows(): void {
  for (const { zone, midnight, hours } of DAYS) {
    const start = Date.parse(midnight);
    const label = `${zone} ${midnight}`;
    const end = start + hours * HOUR;
    const instants = [
      start,
      start + 1,
      start + 1000,
      start + 5 * HOUR + 17_321,
      end - 1000,
      end - 1,
    ];
    const first = defaultWindow(new Date(start), zone);
    expect(isoWithOffset(first.from.getTime(), zone), label).toBe(midnight);
    for (const at of instants) {
      const now = new Date(at);
      expect(startOfDay(at, zone), `${label} at ${at - start}`).toBe(start);
      expect(defaultWindow(now, zone), `${label} at ${at - start}`).toEqual(first);
      expect(keptRange(now, zone), `${label} at ${at - start}`).toEqual(
        keptRange(new Date(start), zone),
      );
      expect(windowMovesAt(now, zone), label).toBe(end);
    }
    // The next day: a new window, starting where the old day ended.
    const next = defaultWindow(new Date(end), zone);
    expect(next.from.getTime(), label).toBe(end);
    expect(next.to.getTime(), label).toBeGreaterThan(first.to.getTime());
  }
}

/** The kept range and the default windows: whole days, 31 back and 366 ahead, at local midnight. */
export function checkKeptRangeAndDefaults(): void {
  const zone = 'Europe/Paris';
  // Across both DST changes of 2026 and 2027: still midnight at each end.
  const now = new Date('2026-10-14T16:42:07+02:00');
  const kept = keptRange(now, zone);
  expect(isoWithOffset(kept.from.getTime(), zone)).toBe('2026-09-13T00:00:00+02:00');
  expect(isoWithOffset(kept.to.getTime(), zone)).toBe('2027-10-15T00:00:00+02:00');
  const winter = keptRange(new Date('2026-12-01T08:00:00+01:00'), zone);
  expect(isoWithOffset(winter.from.getTime(), zone)).toBe('2026-10-31T00:00:00+01:00');
  expect(isoWithOffset(winter.to.getTime(), zone)).toBe('2027-12-02T00:00:00+01:00');
  // /agenda.json and /agenda: today to the end of the kept range, never "shortened".
  const json = parseAgendaRequest(new URL('https://h/agenda.json'), zone, now);
  expect(isoWithOffset(json.from.getTime(), zone)).toBe('2026-10-14T00:00:00+02:00');
  expect(json.to).toEqual(kept.to);
  expect(json.requested).toEqual({ from: json.from, to: json.to });
  // /agenda.ics: the whole kept range (a month of history for subscribers).
  const ics = parseAgendaRequest(new URL('https://h/agenda.ics'), zone, now, 31);
  expect(ics.from).toEqual(kept.from);
  expect(ics.to).toEqual(kept.to);
  expect(ics.requested).toEqual(kept);
  // A minute, an hour, a day's end later: the same request.
  for (const later of [
    '2026-10-14T16:43:07+02:00',
    '2026-10-14T00:00:00+02:00',
    '2026-10-14T23:59:59.999+02:00',
  ])
    expect(
      parseAgendaRequest(new URL('https://h/agenda.json?limit=5'), zone, new Date(later)),
    ).toEqual(parseAgendaRequest(new URL('https://h/agenda.json?limit=5'), zone, now));
  // A window asked for by date keeps its own edges; only the kept range is the day's.
  const asked = parseAgendaRequest(new URL('https://h/agenda.json?from=2026-08-01'), zone, now);
  expect(asked.from).toEqual(kept.from);
  expect(isoWithOffset(asked.requested.from.getTime(), zone)).toBe('2026-08-01T00:00:00+02:00');
}
