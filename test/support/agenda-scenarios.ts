/**
 * Agenda store scenarios shared by the Node (SQLite) and workerd (D1) tests: the same
 * assertions on both runtimes. `load` reads a fixture calendar of test/fixtures/agenda/.
 */
import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { events, eventSources } from '../../src/db/schema/index.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { listOccurrences, getEvent } from '../../src/agenda/query.ts';
import { isoWithOffset } from '../../src/agenda/timezones.ts';
import { addSource, manualClock } from './store-fixtures.ts';

export type Load = (name: string) => Promise<string>;

const iso = (d: Date, tz: string) => isoWithOffset(d.getTime(), tz);

/** Stores the fixtures and checks times (DST, all-day, overseas, Windows zones), overrides, re-pulls and relays. */
export async function runAgendaScenarios(base: Deps, load: Load): Promise<void> {
  const clock = manualClock('2026-10-01T08:00:00Z');
  const deps: Deps = { ...base, clock, log: { info() {}, warn() {}, error() {} } };
  const anima = await addSource(deps, 'animacoop', 'https://animacoop.example/agenda.ics');
  const outremer = await addSource(deps, 'outremer', 'https://outremer.example/agenda.ics');
  const outlook = await addSource(deps, 'pilotage', 'https://pilotage.example/agenda.ics');
  const relais = await addSource(deps, 'relais-ouest', 'https://relais-ouest.example/agenda.ics');

  const paris = await load('paris-weekly.ics');
  expect(await storeCalendar(deps, anima, paris)).toEqual({ new: 4, updated: 0, unchanged: 0 });
  expect(await storeCalendar(deps, outremer, await load('overseas.ics'))).toEqual({
    new: 3,
    updated: 0,
    unchanged: 0,
  });
  expect(await storeCalendar(deps, outlook, await load('outlook.ics'))).toEqual({
    new: 2,
    updated: 0,
    unchanged: 0,
  });

  const range = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2027-05-01T00:00:00Z') };
  const all = await listOccurrences(deps, { ...range, includeCancelled: true });
  const weekly = all.filter((o) => o.title.startsWith('Permanence coopérative'));
  // DST: local time stays 18:30 across the last Sundays of October and March, the offset changes.
  const local = weekly.map((o) => iso(o.start, o.timezone));
  expect(local).toContain('2026-10-22T18:30:00+02:00');
  expect(local).toContain('2026-10-29T18:30:00+01:00');
  expect(local).toContain('2027-03-25T18:30:00+01:00');
  expect(local).toContain('2027-04-01T18:30:00+02:00');
  expect(
    weekly
      .find((o) => iso(o.start, o.timezone) === '2026-10-29T18:30:00+01:00')!
      .start.toISOString(),
  ).toBe('2026-10-29T17:30:00.000Z');
  expect(
    weekly
      .find((o) => iso(o.start, o.timezone) === '2026-10-22T18:30:00+02:00')!
      .start.toISOString(),
  ).toBe('2026-10-22T16:30:00.000Z');
  // EXDATE removes, RECURRENCE-ID moves, STATUS:CANCELLED on an override cancels one occurrence.
  expect(local.some((s) => s.startsWith('2026-12-24') || s.startsWith('2026-12-31'))).toBe(false);
  expect(local.some((s) => s.startsWith('2026-11-05'))).toBe(false);
  const moved = weekly.find((o) => iso(o.start, o.timezone).startsWith('2026-11-06'))!;
  expect(iso(moved.start, moved.timezone)).toBe('2026-11-06T19:00:00+01:00');
  expect(moved.title).toBe('Permanence coopérative (exceptionnellement vendredi)');
  expect(weekly.find((o) => iso(o.start, o.timezone).startsWith('2026-11-19'))!.status).toBe(
    'cancelled',
  );
  expect(weekly.at(-1)!.start.toISOString()).toBe('2027-04-15T16:30:00.000Z'); // UNTIL honoured
  const confirmed = await listOccurrences(deps, range);
  expect(confirmed.some((o) => o.status === 'cancelled')).toBe(false);
  expect(confirmed.length).toBe(all.length - 1);
  // Escaped text and folded lines.
  expect(weekly[0]!.location).toBe('Maison des coopératives, 12 rue de la Paix, Lyon');
  expect(weekly[0]!.description).toBe('Venez nous rencontrer.\nCafé offert; entrée libre.');

  // All-day, multi-day, and a date written without VALUE=DATE.
  const forum = all.find((o) => o.title.startsWith('Forum national'))!;
  expect(forum.allDay).toBe(true);
  expect(iso(forum.start, forum.timezone)).toBe('2026-12-04T00:00:00+01:00');
  expect(iso(forum.end!, forum.timezone)).toBe('2026-12-07T00:00:00+01:00');
  expect(forum.title.endsWith('partagé(folded line)')).toBe(true);
  const ag = all.find((o) => o.title.startsWith('Assemblée générale'))!;
  expect(ag.allDay).toBe(true);
  expect(iso(ag.start, ag.timezone)).toBe('2026-10-15T00:00:00+02:00');
  // Floating time read in X-WR-TIMEZONE.
  const floating = all.find((o) => o.title === 'Atelier gouvernance partagée')!;
  expect(floating.start.toISOString()).toBe('2026-10-20T12:00:00.000Z');

  // Overseas zones and UTC.
  const cayenne = all.find((o) => o.title === 'Rencontre des SCOP de Guyane')!;
  expect(cayenne.timezone).toBe('America/Cayenne');
  expect(iso(cayenne.start, cayenne.timezone)).toBe('2026-10-22T09:00:00-03:00');
  expect(cayenne.start.toISOString()).toBe('2026-10-22T12:00:00.000Z');
  const reunion = all.find((o) => o.title === 'Apéro coopératif à Saint-Denis')!;
  expect(reunion.timezone).toBe('Indian/Reunion');
  expect(reunion.start.toISOString()).toBe('2026-10-23T14:00:00.000Z');
  expect(all.find((o) => o.title === 'Webinaire en ligne')!.start.toISOString()).toBe(
    '2026-10-24T08:00:00.000Z',
  );

  // Microsoft zone names.
  const copil = all.find((o) => o.title === 'Comité de pilotage')!;
  expect(copil.timezone).toBe('Europe/Paris');
  expect(copil.start.toISOString()).toBe('2026-11-10T09:00:00.000Z');
  const partners = all.find((o) => o.title === 'Réunion partenaires')!;
  expect(partners.start.toISOString()).toBe('2026-11-12T13:00:00.000Z');

  // Re-pull with only DTSTAMP changed: nothing written.
  const before = await deps.db.orm.select().from(events);
  const beforeSources = await deps.db.orm.select().from(eventSources);
  clock.advance(3600_000);
  const restamped = paris.replace(/DTSTAMP:\d{8}T\d{6}Z/g, 'DTSTAMP:20261001T090000Z');
  expect(restamped).not.toBe(paris);
  expect(await storeCalendar(deps, anima, restamped)).toEqual({ new: 0, updated: 0, unchanged: 4 });
  expect(await deps.db.orm.select().from(events)).toEqual(before);
  expect(await deps.db.orm.select().from(eventSources)).toEqual(beforeSources);

  // Relays: the forum relayed by another network merges (provenance), a same-title event at another time stays apart.
  expect(await storeCalendar(deps, relais, await load('relay.ics'))).toEqual({
    new: 2,
    updated: 0,
    unchanged: 0,
  });
  const forums = (await listOccurrences(deps, range)).filter((o) =>
    o.title.includes('Forum national'),
  );
  expect(forums).toHaveLength(1);
  expect(forums[0]!.networks.sort()).toEqual(['animacoop', 'relais-ouest']);
  expect(forums[0]!.links.sort()).toEqual([
    'https://animacoop.net/forum',
    'https://relais-ouest.example/agenda/forum',
  ]);
  const oct21 = (await listOccurrences(deps, range)).filter(
    (o) => o.title.startsWith('Permanence coopérative') && o.networks.includes('relais-ouest'),
  );
  expect(oct21).toHaveLength(1);
  expect(oct21[0]!.networks).toEqual(['relais-ouest']);
  // Filters: network, territory-less tag by category, q.
  expect(
    (await listOccurrences(deps, { ...range, networks: ['outremer'] })).map((o) => o.title).sort(),
  ).toEqual([
    'Apéro coopératif à Saint-Denis',
    'Rencontre des SCOP de Guyane',
    'Webinaire en ligne',
  ]);
  const byCategory = await listOccurrences(deps, { ...range, tags: ['Economie sociale'] });
  expect(byCategory.length).toBeGreaterThan(20);
  expect(
    byCategory.every((o) => o.title.startsWith('Permanence') && o.networks.includes('animacoop')),
  ).toBe(true);
  expect((await listOccurrences(deps, { ...range, q: 'guyane' })).map((o) => o.title)).toEqual([
    'Rencontre des SCOP de Guyane',
  ]);

  // An event dropped from the calendar is cancelled, not deleted; a changed one is updated.
  const trimmed = paris
    .replace(/BEGIN:VEVENT\r\nUID:atelier-flottant[\s\S]*?END:VEVENT\r\n/, '')
    .replace(
      'SUMMARY:Assemblée générale (date sans VALUE=DATE)',
      'SUMMARY:Assemblée générale annuelle',
    );
  expect(await storeCalendar(deps, anima, trimmed)).toEqual({ new: 0, updated: 2, unchanged: 2 });
  const dropped = before.find((e) => e.uid === 'atelier-flottant@animacoop.net')!;
  const kept = await getEvent(deps, dropped.id);
  expect(kept!.event.status).toBe('cancelled');
  expect(kept!.occurrences.every((o) => o.status === 'cancelled')).toBe(true);
  const [agRow] = await deps.db.orm
    .select()
    .from(events)
    .where(eq(events.uid, 'ag-2026@animacoop.net'));
  expect(agRow!.title).toBe('Assemblée générale annuelle');
  // The forum stays confirmed while one network still publishes it.
  const forumOnlyRelay = trimmed.replace(
    /BEGIN:VEVENT\r\nUID:forum-2026[\s\S]*?END:VEVENT\r\n/,
    '',
  );
  expect(await storeCalendar(deps, anima, forumOnlyRelay)).toEqual({
    new: 0,
    updated: 1,
    unchanged: 2,
  });
  expect(
    (await listOccurrences(deps, range)).filter((o) => o.title.includes('Forum national')),
  ).toHaveLength(1);
}
