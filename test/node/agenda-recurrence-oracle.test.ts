import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../../src/agenda/parse-calendar.ts';
import { fixturesDir } from '../support/fixture-server.ts';
import {
  exampleCalendar,
  HANG_EXAMPLES,
  RFC_EXAMPLES,
  type RuleExample,
} from '../support/rfc5545-examples.ts';

const PY = join(fixturesDir, '../support/ics-check.py');
const DATEUTIL = join(fixturesDir, '../support/rrule-check.py');
const DAY = 86_400_000;

/** The window of an example: from the day before DTSTART, `months` on. */
function windowOf(e: RuleExample) {
  const y = Number(e.start.slice(0, 4));
  const m = Number(e.start.slice(4, 6));
  const d = Number(e.start.slice(6, 8));
  const from = Date.UTC(y, m - 1, d) - DAY;
  return { from, to: Date.UTC(y, m - 1 + e.months, d) };
}

/** Occurrence starts (epoch ms) as Debian's python3-icalendar + recurring_ical_events see them. */
function oracle(e: RuleExample): number[] {
  const { from, to } = windowOf(e);
  const out = execFileSync(
    '/usr/bin/python3',
    [PY, new Date(from).toISOString(), new Date(to).toISOString()],
    { input: exampleCalendar(e), timeout: 60_000 },
  );
  const parsed = JSON.parse(out.toString()) as { events: { start: string }[] };
  return parsed.events.map((x) => Date.parse(x.start)).sort((a, b) => a - b);
}

/** The same from python-dateutil's rrulestr alone. */
function dateutil(e: RuleExample): number[] {
  const { from, to } = windowOf(e);
  const out = execFileSync(
    '/usr/bin/python3',
    [
      DATEUTIL,
      'America/New_York',
      e.start,
      new Date(from).toISOString(),
      new Date(to).toISOString(),
    ],
    { input: e.lines.join('\n'), timeout: 60_000 },
  );
  return (JSON.parse(out.toString()) as string[]).map((s) => Date.parse(s));
}

/** The same occurrences as the hub expands them. */
function hub(e: RuleExample): number[] {
  const { from, to } = windowOf(e);
  const cal = parseCalendar(exampleCalendar(e), {
    now: new Date(from),
    hubTimezone: 'Europe/Paris',
    pastMs: 0,
    aheadMs: to - from,
    maxOccurrencesPerEvent: 20_000,
  });
  expect(cal.errors).toEqual([]);
  return cal.events[0]!.occurrences.map((o) => o.start).sort((a, b) => a - b);
}

describe('recurrence expansion agrees with python-dateutil (recurring_ical_events)', () => {
  it.each(RFC_EXAMPLES.map((e) => [e.name, e] as const))('RFC 5545: %s', (_, e) => {
    const iso = (list: number[]) => list.map((t) => new Date(t).toISOString());
    const expected = dateutil(e);
    expect(expected.length).toBeGreaterThan(0);
    expect(iso(hub(e))).toEqual(iso(expected));
    if (!e.dateutilOnly) expect(iso(oracle(e))).toEqual(iso(expected));
  });

  it.each(HANG_EXAMPLES.map((e) => [e.name, e] as const))('once hanging: %s', (_, e) => {
    // A rule that loops again is stopped by the expansion budget, which says so in the
    // calendar's errors (hub() expects none), or, looping outside it, by the test's timeout:
    // no bound in milliseconds, which a busy machine would miss.
    const mine = hub(e);
    const iso = (list: number[]) => list.map((t) => new Date(t).toISOString());
    expect(iso(mine)).toEqual(iso(oracle(e)));
    expect(iso(mine)).toEqual(iso(dateutil(e)));
  });
});
