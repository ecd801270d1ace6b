/**
 * A member's calendar with hostile and personal properties (javascript: URLs, ATTACH, HTML
 * alternates, scripts in DESCRIPTION, ALTREP parameters, ORGANIZER/ATTENDEE/CONTACT, alarms)
 * is republished by /agenda.ics and /events/:id.ics under the rules of /agenda.json and the
 * pages. Read back by an independent reader (Debian's python3-icalendar).
 */
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { fixturesDir } from '../support/fixture-server.ts';
import { AGENDA_NOW } from '../support/agenda-seed.ts';
import { addSource, manualClock } from '../support/store-fixtures.ts';

const CHECK = join(fixturesDir, '../support/ics-republish-check.py');

interface PyEvent {
  uid: string;
  summary: string;
  props: Record<string, Array<{ value: string; params: string[] }>>;
  subcomponents: string[];
}

function readBack(ics: string): PyEvent[] {
  return JSON.parse(
    execFileSync('/usr/bin/python3', [CHECK], { input: ics, encoding: 'utf8' }),
  ) as PyEvent[];
}

const ALLOWED = new Set([
  'UID',
  'DTSTAMP',
  'DTSTART',
  'DTEND',
  'DURATION',
  'RRULE',
  'RDATE',
  'EXDATE',
  'RECURRENCE-ID',
  'SUMMARY',
  'DESCRIPTION',
  'LOCATION',
  'URL',
  'STATUS',
  'CATEGORIES',
  'GEO',
  'TRANSP',
  'CLASS',
  'X-INTERCOOP-NETWORKS',
]);

/** Every rule, on every VEVENT of a republished calendar. */
function expectClean(events: PyEvent[], base: string) {
  expect(events.length).toBeGreaterThan(0);
  for (const ev of events) {
    for (const name of Object.keys(ev.props))
      expect(ALLOWED, `${ev.summary}: ${name} republished`).toContain(name);
    expect(ev.subcomponents).toEqual([]);
    for (const [name, values] of Object.entries(ev.props))
      for (const v of values) {
        for (const param of v.params) expect(['TZID', 'VALUE', 'RANGE']).toContain(param);
        expect(v.value, `${name}`).not.toMatch(/javascript:|vbscript:|data:|mailto:|<script/i);
      }
    for (const url of ev.props.URL ?? []) expect(url.value).toMatch(/^https?:\/\//);
    expect(ev.props.URL ?? []).toHaveLength(1);
    for (const d of ev.props.DESCRIPTION ?? []) expect(d.value).not.toMatch(/[<>]/);
    expect(JSON.stringify(ev)).not.toMatch(/perso\.example|Dupont|06 12 34/);
    expect(ev.props.URL![0]!.value, JSON.stringify(ev.props.URL)).toSatisfy(
      (u: string) => u.startsWith(base) || u.startsWith('https://reseau.example'),
    );
  }
}

describe('republished calendars carry no hostile or personal member property', () => {
  const base = 'https://hub.test';
  const deps = { ...makeNodeDeps({ HUB_BASE_URL: base }), clock: manualClock(AGENDA_NOW) };
  const app = createApp(deps);
  beforeAll(async () => {
    const src = await addSource(deps, 'hostile', 'https://evil.example/agenda.ics');
    const text = await readFile(join(fixturesDir, 'agenda/hostile.ics'), 'utf8');
    await storeCalendar(deps, src, text);
  });

  it('/agenda.ics', async () => {
    const res = await app.request('/agenda.ics?from=2026-10-01&to=2026-12-31');
    expect(res.status).toBe(200);
    const ics = await res.text();
    expect(ics).not.toMatch(/ATTACH|ORGANIZER|ATTENDEE|X-ALT-DESC|ALTREP|CONTACT|VALARM/);
    const events = readBack(ics);
    expect(events.map((e) => e.summary).sort()).toEqual([
      'Assemblée piégée',
      'Assemblée piégée (décalée)',
      'Journée sans lien',
      'Rencontre avec un vrai lien',
    ]);
    expectClean(events, base);
    const byTitle = new Map(events.map((e) => [e.summary, e]));
    // A bad URL becomes the hub's page for the event; a good one is kept; the override too.
    const json = (await (
      await app.request('/agenda.json?from=2026-10-01&to=2026-12-31')
    ).json()) as {
      events: Array<{ id: string; title: string }>;
    };
    const idOf = (title: string) => json.events.find((e) => e.title === title)!.id;
    expect(byTitle.get('Assemblée piégée')!.props.URL![0]!.value).toBe(
      `${base}/events/${idOf('Assemblée piégée')}`,
    );
    expect(byTitle.get('Assemblée piégée (décalée)')!.props.URL![0]!.value).toMatch(
      new RegExp(`^${base}/events/`),
    );
    expect(byTitle.get('Journée sans lien')!.props.URL![0]!.value).toBe(
      `${base}/events/${idOf('Journée sans lien')}`,
    );
    expect(byTitle.get('Rencontre avec un vrai lien')!.props.URL![0]!.value).toBe(
      'https://reseau.example/rencontre',
    );
    // DESCRIPTION as plain text: the words stay, the markup and scripts go.
    const description = byTitle.get('Assemblée piégée')!.props.DESCRIPTION![0]!.value;
    expect(description).toContain('Ordre du jour');
    expect(description).toContain('vote');
    expect(description).toContain('lien');
    expect(description).not.toContain('alert');
    expect(byTitle.get('Journée sans lien')!.props.DESCRIPTION![0]!.value).toBe(
      'Texte simple\\, sans balise.\\nDeuxième ligne.',
    );
    expect(byTitle.get('Assemblée piégée')!.props.LOCATION![0]!.value).toBe('Salle des fêtes');
  });

  it('/events/:id.ics, for each event', async () => {
    const json = (await (
      await app.request('/agenda.json?from=2026-10-01&to=2026-12-31')
    ).json()) as {
      events: Array<{ id: string }>;
    };
    const ids = [...new Set(json.events.map((e) => e.id))];
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      const res = await app.request(`/events/${id}.ics`);
      expect(res.status).toBe(200);
      const ics = await res.text();
      expect(ics).not.toMatch(/ATTACH|ORGANIZER|ATTENDEE|X-ALT-DESC|ALTREP|CONTACT|VALARM/);
      expectClean(readBack(ics), base);
    }
  });
});
