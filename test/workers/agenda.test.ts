import { env, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { createApp } from '../../src/app.ts';
import { runAgendaScenarios } from '../support/agenda-scenarios.ts';
import { checkFederation, expectCleanFederation } from '../support/agenda-federation.ts';
import { seedAgenda } from '../support/agenda-seed.ts';
import { calendarToParseOutput } from '../../src/agenda/parse-calendar-output.ts';
import { manualClock } from '../support/store-fixtures.ts';
import {
  checkConcatenatedCalendars,
  checkDuplicateUids,
  checkHostileCalendarsBounded,
  checkMalformedPropertySkippedAlone,
  checkMovedAllDayOccurrence,
  checkOutlookZoneNames,
  checkUnknownDisplayNameUsesItsVtimezone,
} from '../support/calendar-dialects.ts';

const base = inject('fixtureBase');
const load = async (name: string) => {
  const res = await fetch(`${base}/agenda/${name}`);
  if (!res.ok) throw new Error(`fixture ${name}: ${res.status}`);
  return res.text();
};

describe('agenda in workerd with D1', () => {
  it('Intl in workerd knows the zones and their offsets', () => {
    const offset = (zone: string, iso: string) =>
      new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
        .formatToParts(new Date(iso))
        .find((p) => p.type === 'timeZoneName')!.value;
    expect(offset('Europe/Paris', '2026-07-01T12:00:00Z')).toBe('GMT+02:00');
    expect(offset('Europe/Paris', '2026-12-01T12:00:00Z')).toBe('GMT+01:00');
    expect(offset('America/Cayenne', '2026-12-01T12:00:00Z')).toBe('GMT-03:00');
    expect(offset('Pacific/Noumea', '2026-12-01T12:00:00Z')).toBe('GMT+11:00');
  });

  it('stores calendars with the same results as on Node (DST, all-day, overseas, Outlook, overrides, re-pulls, relays)', async () => {
    const deps = workerDeps(env as unknown as Env);
    await runAgendaScenarios(deps, load);
  });

  it('publishes /agenda.json, /agenda.ics and /agenda through the Worker', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-10-01T08:00:00Z');
    await seedAgenda(deps, load);
    // The seeded agenda lies around deps.clock's October 2026; the Worker's own clock is the
    // real one, and the hub answers within the range it keeps (a month back): the dated
    // questions go to the same app on D1 with the seed's clock.
    const app = createApp(deps);
    const json = (await (
      await app.request(
        'https://hub.test/agenda.json?from=2026-10-01&to=2026-12-31&network=outremer',
      )
    ).json()) as { events: { title: string; start: string; timezone: string }[] };
    expect(json.events.find((e) => e.title === 'Apéro coopératif à Saint-Denis')).toMatchObject({
      start: '2026-10-23T18:00:00+04:00',
      timezone: 'Indian/Reunion',
    });
    const ics = await app.request('https://hub.test/agenda.ics?from=2026-10-01&to=2027-04-30');
    expect(ics.status).toBe(200);
    const text = await ics.text();
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Paris');
    expect(text).toMatch(/RRULE:FREQ=WEEKLY/);
    for (const line of text.split('\r\n'))
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const page = await app.request('https://hub.test/agenda?from=2026-10-01&to=2026-10-31');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Rencontre des SCOP de Guyane');
    expect(html).toContain('Jeudi 22 octobre 2026');
    expect((await SELF.fetch('https://hub.test/agenda.json?from=31/12/2026')).status).toBe(400);
  });

  it('prints a calendar for `intercoop parse`', async () => {
    const out = calendarToParseOutput(
      await load('outlook.ics'),
      'Europe/Paris',
      new Date('2026-10-01T00:00:00Z'),
    );
    expect(out.kind).toBe('calendar');
    expect(out.events[0]).toMatchObject({
      title: 'Comité de pilotage',
      start: '2026-11-10T10:00:00+01:00',
      timezone: 'Europe/Paris',
      all_day: false,
      rrule: null,
    });
  });
  it('220 agendas of look-alike events on D1: no wrong merge, no lost occurrence, every relay merged', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-10-01T08:00:00Z');
    expectCleanFederation(await checkFederation(deps, 220));
  }, 180_000);
});

describe('calendars as the world writes them, in workerd', () => {
  it('reads Outlook zone names and VTIMEZONEs, moved all-day occurrences, duplicate UIDs, concatenated calendars, malformed lines', () => {
    checkOutlookZoneNames();
    checkUnknownDisplayNameUsesItsVtimezone();
    checkMovedAllDayOccurrence();
    checkDuplicateUids();
    checkConcatenatedCalendars();
    checkMalformedPropertySkippedAlone();
  });

  it('bounds the work of hostile calendars before doing it (no thread to stop here)', () => {
    checkHostileCalendarsBounded(30_000);
  }, 120_000);
});
