import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { makeNodeDeps } from '../support/node-deps.ts';
import { fixturesDir } from '../support/fixture-server.ts';
import { runAgendaScenarios } from '../support/agenda-scenarios.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { listOccurrences } from '../../src/agenda/query.ts';
import { DEFAULT_PAST_MS } from '../../src/agenda/parse-calendar.ts';
import { keptRange } from '../../src/agenda/window.ts';
import { addSource, manualClock } from '../support/store-fixtures.ts';

const load = (name: string) => readFile(join(fixturesDir, 'agenda', name), 'utf8');

describe('agenda store on Node with SQLite', () => {
  it('reads zones, recurrences and overrides, skips DTSTAMP-only changes, cancels dropped events, merges relays', async () => {
    const deps = makeNodeDeps();
    await runAgendaScenarios(deps, load);
  });

  it('rolls an unchanged series forward as the window moves, without counting a change', async () => {
    const clock = manualClock('2026-10-01T08:00:00Z');
    const deps = { ...makeNodeDeps(), clock };
    const src = await addSource(deps, 'animacoop', 'https://animacoop.example/agenda.ics');
    const text = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:weekly',
      'DTSTAMP:20260901T000000Z',
      'DTSTART;TZID=Europe/Paris:20260903T183000',
      'RRULE:FREQ=WEEKLY',
      'SUMMARY:Permanence',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    await storeCalendar(deps, src, text, { aheadMs: 60 * 24 * 3600_000 });
    const until = {
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2027-06-01T00:00:00Z'),
      limit: 5000,
    };
    const before = await listOccurrences(deps, until);
    expect(before.at(-1)!.start.toISOString()).toBe('2026-11-26T17:30:00.000Z');
    clock.advance(30 * 24 * 3600_000);
    expect(await storeCalendar(deps, src, text, { aheadMs: 60 * 24 * 3600_000 })).toEqual({
      new: 0,
      updated: 0,
      unchanged: 1,
    });
    const after = await listOccurrences(deps, until);
    expect(after.at(-1)!.start.toISOString()).toBe('2026-12-24T17:30:00.000Z');
  });

  it('an event or RDATE beyond the window when first read comes in as the window moves', async () => {
    const clock = manualClock('2026-10-01T08:00:00Z');
    const deps = { ...makeNodeDeps(), clock };
    const src = await addSource(deps, 'animacoop', 'https://animacoop.example/agenda.ics');
    const text = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      // Announced early: 90 days ahead, out of a 60-day window.
      'BEGIN:VEVENT',
      'UID:congres',
      'DTSTAMP:20260901T000000Z',
      'DTSTART:20261230T090000Z',
      'SUMMARY:Congrès',
      'END:VEVENT',
      // A series given by dates alone (no RRULE): one in the window, one past it.
      'BEGIN:VEVENT',
      'UID:dates',
      'DTSTAMP:20260901T000000Z',
      'DTSTART:20261010T170000Z',
      'RDATE:20261210T170000Z',
      'SUMMARY:Rencontres',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const ahead = { aheadMs: 60 * 24 * 3600_000 };
    await storeCalendar(deps, src, text, ahead);
    const all = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2027-06-01T00:00:00Z') };
    const starts = async () =>
      (await listOccurrences(deps, all)).map((o) => `${o.title} ${o.start.toISOString()}`);
    expect(await starts()).toEqual(['Rencontres 2026-10-10T17:00:00.000Z']);
    clock.advance(40 * 24 * 3600_000);
    expect(await storeCalendar(deps, src, text, ahead)).toEqual({
      new: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(await starts()).toEqual([
      'Rencontres 2026-10-10T17:00:00.000Z',
      'Rencontres 2026-12-10T17:00:00.000Z',
      'Congrès 2026-12-30T09:00:00.000Z',
    ]);
  });

  it('what pulls store covers the whole kept range all day, pulls 23 hours apart, DST included', async () => {
    // Stored at each pull from 33 days back to 368 ahead, rolled when a day short; the range
    // claimed is 31 days before today's midnight to 366 after (window.ts).
    const clock = manualClock('2026-10-20T00:10:00+02:00');
    const deps = { ...makeNodeDeps(), clock };
    const src = await addSource(deps, 'animacoop', 'https://animacoop.example/agenda.ics');
    const daily = (uid: string, start: string) =>
      `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\n` +
      `DTSTART;TZID=Europe/Paris:${start}\r\nDURATION:PT20M\r\nRRULE:FREQ=DAILY\r\n` +
      `SUMMARY:${uid}\r\nEND:VEVENT\r\n`;
    // Each at a day's edge: 00:10 and 23:40 local.
    const text =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n' +
      daily('tot', '20250101T001000') +
      daily('tard', '20250101T234000') +
      'END:VCALENDAR\r\n';
    for (let pull = 0; pull < 12; pull++) {
      await storeCalendar(deps, src, text);
      // Served just before the next pull, 23 hours on (past the change to winter time on the 25th).
      clock.advance(23 * 3600_000);
      const kept = keptRange(clock.now(), 'Europe/Paris');
      const days = Math.round((kept.to.getTime() - kept.from.getTime()) / (24 * 3600_000));
      expect(days).toBe(31 + 366);
      const occ = await listOccurrences(deps, { ...kept, limit: 5000 });
      const at = clock.now().toISOString();
      expect(occ.filter((o) => o.title === 'tot').length, at).toBe(days);
      expect(occ.filter((o) => o.title === 'tard').length, at).toBe(days);
    }
  });

  it('bounds hostile calendars: an endless daily RRULE stays in the window, a bad date skips one event', async () => {
    const deps = { ...makeNodeDeps(), clock: manualClock('2026-10-01T00:00:00Z') };
    const src = await addSource(deps, 'hostile', 'https://hostile.example/a.ics');
    const lines = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:forever',
      'DTSTART;TZID=Europe/Paris:20000101T090000',
      'RRULE:FREQ=DAILY',
      'SUMMARY:Sans fin',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:minutely',
      'DTSTART:20261001T000000Z',
      'RRULE:FREQ=MINUTELY',
      'SUMMARY:Chaque minute',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:bad',
      'DTSTART:20261399T990000',
      'SUMMARY:Date impossible',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:ok',
      'DTSTART:20261010T100000Z',
      'SUMMARY:Correct',
      'END:VEVENT',
      ...Array.from(
        { length: 1500 },
        (_, i) =>
          `BEGIN:VEVENT\r\nUID:bulk-${i}\r\nDTSTART:20261101T${String(i % 24).padStart(2, '0')}0000Z\r\nSUMMARY:Bulk ${i}\r\nEND:VEVENT`,
      ),
      'END:VCALENDAR',
    ];
    const t0 = Date.now();
    const r = await storeCalendar(deps, src, lines.join('\r\n'), {
      maxEvents: 600,
      maxOccurrencesPerEvent: 500,
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.new).toBe(600);
    const occ = await listOccurrences(deps, {
      from: new Date('2026-08-01T00:00:00Z'),
      to: new Date('2028-01-01T00:00:00Z'),
      limit: 5000,
      q: 'sans fin',
    });
    expect(occ.length).toBeGreaterThan(300);
    expect(occ.length).toBeLessThanOrEqual(500);
    // Expanded from the pull's time less the stored margin (a month back and two days).
    expect(occ[0]!.start.getTime()).toBeGreaterThanOrEqual(
      new Date('2026-10-01T00:00:00Z').getTime() - DEFAULT_PAST_MS,
    );
    expect(
      (
        await listOccurrences(deps, {
          from: new Date('2026-10-01T00:00:00Z'),
          to: new Date('2026-10-02T00:00:00Z'),
          q: 'chaque minute',
          limit: 5000,
        })
      ).length,
    ).toBe(500);
    expect(
      (
        await listOccurrences(deps, {
          from: new Date('2026-10-01T00:00:00Z'),
          to: new Date('2027-01-01T00:00:00Z'),
          q: 'correct',
        })
      ).length,
    ).toBe(1);
    // ical.js would roll month 13 / day 99 over into 2027: the event is refused instead.
    expect(
      await listOccurrences(deps, {
        from: new Date('2026-08-01T00:00:00Z'),
        to: new Date('2028-01-01T00:00:00Z'),
        q: 'impossible',
      }),
    ).toEqual([]);
    // A tighter cap on the next pull cuts the calendar short: the events it did not reach are not cancelled.
    expect(
      await storeCalendar(deps, src, lines.join('\r\n'), {
        maxEvents: 100,
        maxOccurrencesPerEvent: 500,
      }),
    ).toEqual({ new: 0, updated: 0, unchanged: 100, truncated: { kept: 100, total: 1504 } });
    expect(
      (
        await listOccurrences(deps, {
          from: new Date('2026-11-01T00:00:00Z'),
          to: new Date('2026-11-02T00:00:00Z'),
          q: 'bulk',
          limit: 5000,
        })
      ).length,
    ).toBe(597);
  });
});
