import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it, expect, beforeAll } from 'vitest';
import ICAL from 'ical.js';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { fixturesDir } from '../support/fixture-server.ts';
import { seedAgenda, AGENDA_NOW } from '../support/agenda-seed.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { sources } from '../../src/db/schema/index.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';

const load = (name: string) => readFile(join(fixturesDir, 'agenda', name), 'utf8');
const PY = join(fixturesDir, '../support/ics-check.py');

interface JsonEvent {
  id: string;
  title: string;
  start: string;
  end: string | null;
  all_day: boolean;
  timezone: string;
  status: string;
  networks: string[];
  links: string[];
}

describe('agenda publishing (Node, real SQLite)', () => {
  const deps = { ...makeNodeDeps(), clock: manualClock(AGENDA_NOW) };
  const app = createApp(deps);
  beforeAll(async () => {
    await seedAgenda(deps, load);
  });

  it('/agenda.json: occurrences with offsets, zones, networks and links; filters; 400 on bad dates', async () => {
    const res = await app.request('/agenda.json?from=2026-10-01&to=2027-04-30');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: JsonEvent[]; timezone: string };
    expect(body.timezone).toBe('Europe/Paris');
    const starts = body.events
      .filter(
        (e) =>
          e.title === 'Permanence coopérative, accueil & échanges' &&
          e.networks.includes('animacoop'),
      )
      .map((e) => e.start);
    expect(starts).toContain('2026-10-22T18:30:00+02:00');
    expect(starts).toContain('2026-10-29T18:30:00+01:00');
    const cayenne = body.events.find((e) => e.title === 'Rencontre des SCOP de Guyane')!;
    expect(cayenne).toMatchObject({
      start: '2026-10-22T09:00:00-03:00',
      timezone: 'America/Cayenne',
      all_day: false,
      networks: ['outremer'],
    });
    const forum = body.events.find((e) => e.title.startsWith('Forum national'))!;
    expect(forum.all_day).toBe(true);
    expect(forum.networks.sort()).toEqual(['animacoop', 'relais-ouest']);
    expect(forum.links).toHaveLength(2);
    expect(body.events.find((e) => e.start.startsWith('2026-11-19'))!.status).toBe('cancelled');
    const only = (await (
      await app.request('/agenda.json?territory=Outre-mer&from=2026-10-01')
    ).json()) as { events: JsonEvent[] };
    expect(new Set(only.events.map((e) => e.networks[0]))).toEqual(new Set(['outremer']));
    const tagged = (await (
      await app.request('/agenda.json?tag=gouvernance&from=2026-10-01')
    ).json()) as { events: JsonEvent[] };
    expect(tagged.events.map((e) => e.title).sort()).toEqual([
      'Comité de pilotage',
      'Réunion partenaires',
    ]);
    const bad = await app.request('/agenda.json?from=2026-13-45');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/from=2026-13-45/);
    expect((await app.request('/agenda.ics?to=yesterday')).status).toBe(400);
    expect((await app.request('/agenda?from=2026-10-10&to=2026-10-01')).status).toBe(400);
  });

  it('/agenda.ics is RFC 5545 and an independent reader (python icalendar + recurring_ical_events) expands the same occurrences', async () => {
    const res = await app.request('/agenda.ics?from=2026-10-01&to=2027-04-30');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(res.headers.get('cache-control')).toMatch(/max-age/);
    const etag = res.headers.get('etag')!;
    const text = await res.text();
    // CRLF only, every line ≤ 75 octets, UTF-8 intact after unfolding.
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n'))
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text.replace(/\r\n /g, '')).toContain(
      "SUMMARY:Forum national des coopératives d'activité et d'emploi – trois jours",
    );
    expect(text).toMatch(
      /RRULE:FREQ=WEEKLY;(BYDAY=TH;UNTIL=20270415T163000Z|UNTIL=20270415T163000Z;BYDAY=TH)/,
    );
    expect(text).toMatch(/EXDATE;TZID=Europe\/Paris:20261224T183000,20261231T183000/);
    expect(text).toContain('STATUS:CANCELLED');
    expect(text).toMatch(/X-WR-CALNAME:/);
    for (const m of text.matchAll(/^DTSTAMP:(\S+)/gm)) expect(m[1]).toMatch(/^\d{8}T\d{6}Z$/);
    const tzids = new Set(
      [...text.replace(/\r\n /g, '').matchAll(/TZID=([^:;]+)/g)].map((m) => m[1]),
    );
    const defined = new Set([...text.matchAll(/^TZID:(.+)$/gm)].map((m) => m[1]!.trim()));
    for (const z of tzids) expect(defined.has(z!)).toBe(true);
    expect([...defined].sort()).toEqual([
      'America/Cayenne',
      'Europe/Berlin',
      'Europe/Paris',
      'Indian/Reunion',
    ]);

    // 304 on the same validators; the UIDs stay the same on the next request.
    expect(
      (
        await app.request('/agenda.ics?from=2026-10-01&to=2027-04-30', {
          headers: { 'if-none-match': etag },
        })
      ).status,
    ).toBe(304);
    const again = await (await app.request('/agenda.ics?from=2026-10-01&to=2027-04-30')).text();
    expect(again).toBe(text);

    const py = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [PY, '2026-10-01T00:00:00+00:00', '2027-04-30T00:00:00+00:00'],
        { input: text, encoding: 'utf8' },
      ),
    ) as {
      name: string;
      events: { title: string; start: string; all_day: boolean; status: string }[];
    };
    expect(py.name).toContain('agenda');
    const json = (await (
      await app.request('/agenda.json?from=2026-10-01T00:00:00Z&to=2027-04-30T00:00:00Z')
    ).json()) as { events: JsonEvent[] };
    const key = (title: string, start: string, allDay: boolean) =>
      `${title}|${allDay ? start.slice(0, 10) : new Date(start).toISOString()}`;
    const fromPython = py.events
      .filter((e) => e.status !== 'CANCELLED')
      .map((e) => key(e.title, e.start, e.all_day))
      .sort();
    const fromHub = json.events
      .filter((e) => e.status !== 'cancelled')
      .map((e) => key(e.title, e.start, e.all_day))
      .sort();
    expect(fromPython.length).toBeGreaterThan(30);
    expect(fromPython).toEqual(fromHub);
    // DST as the other reader sees it: 16:30Z before the October change, 17:30Z after.
    expect(fromPython).toContain(
      'Permanence coopérative, accueil & échanges|2026-10-22T16:30:00.000Z',
    );
    expect(fromPython).toContain(
      'Permanence coopérative, accueil & échanges|2026-10-29T17:30:00.000Z',
    );
    expect(fromPython).toContain(
      'Permanence coopérative, accueil & échanges|2027-04-01T16:30:00.000Z',
    );

    // ical.js round trip: it reads the same series back, with our zones.
    const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
    for (const vtz of cal.getAllSubcomponents('vtimezone'))
      ICAL.TimezoneService.register(
        new ICAL.Timezone(vtz),
        `rt-${vtz.getFirstPropertyValue('tzid')}`,
      );
    const series = cal.getAllSubcomponents('vevent').find((v) => v.hasProperty('rrule'))!;
    const ev = new ICAL.Event(series);
    const it = ev.iterator();
    const firsts: string[] = [];
    for (let n = it.next(), i = 0; n && i < 4; n = it.next(), i++)
      firsts.push(new Date(ev.getOccurrenceDetails(n).startDate.toUnixTime() * 1000).toISOString());
    expect(firsts).toEqual([
      '2026-10-08T16:30:00.000Z',
      '2026-10-15T16:30:00.000Z',
      '2026-10-22T16:30:00.000Z',
      '2026-10-29T17:30:00.000Z',
    ]);
  });

  it('/events/:id and /events/:id.ics; 404 for unknown ids', async () => {
    const json = (await (await app.request('/agenda.json?q=guyane')).json()) as {
      events: JsonEvent[];
    };
    const id = json.events[0]!.id;
    const page = await app.request(`/events/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Rencontre des SCOP de Guyane');
    expect(html).toContain('heure locale (America/Cayenne)');
    const ics = await app.request(`/events/${id}.ics`);
    expect(ics.status).toBe(200);
    const body = await ics.text();
    expect(body).toContain(`UID:${id}@`);
    expect(body).toContain('DTSTART;TZID=America/Cayenne:20261022T090000');
    const missing = await app.request('/events/nope123');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Événement introuvable');
    expect((await app.request('/events/nope123.ics')).status).toBe(404);
  });

  it('an event its calendar dropped is republished with STATUS:CANCELLED, its UID unchanged', async () => {
    const before = (await (
      await app.request('/agenda.json?q=webinaire&from=2026-10-01')
    ).json()) as { events: JsonEvent[] };
    const id = before.events[0]!.id;
    const src = (await deps.db.orm.select().from(sources)).find(
      (s) => s.networkSlug === 'outremer',
    )!;
    const text = (await load('overseas.ics')).replace(
      /BEGIN:VEVENT\r\nUID:utc-1[\s\S]*?END:VEVENT\r\n/,
      '',
    );
    expect(await storeCalendar(deps, src, text)).toEqual({ new: 0, updated: 1, unchanged: 2 });
    const ics = await (await app.request(`/events/${id}.ics`)).text();
    expect(ics).toContain(`UID:${id}@`);
    expect(ics).toContain('STATUS:CANCELLED');
    const after = (await (
      await app.request('/agenda.json?q=webinaire&from=2026-10-01')
    ).json()) as { events: JsonEvent[] };
    expect(after.events.map((e) => e.status)).toEqual(['cancelled']);
  });
});
