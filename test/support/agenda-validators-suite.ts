/**
 * Documents rendered per request keep their body and ETag while the clock moves, until their
 * data changes or the day turns (src/agenda/window.ts): /agenda.json, /agenda.ics, the agenda
 * widget (page and script), /networks.opml and /newsletter/archive.xml. A reader polling with
 * If-None-Match gets 304s all day. The clock is the hub's (deps.clock), moved by hand: nothing
 * here depends on when the test runs. Run on Node (SQLite, in-memory cache and the answers made
 * before routing) and in workerd (D1, the Cache API).
 */
import { expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Deps } from '../../src/deps.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { networks } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { addSource, manualClock } from './store-fixtures.ts';

/** 09:00:03 in Paris on 14 October 2026. */
const T0 = '2026-10-14T09:00:03+02:00';
/** Instants later that same day (Paris). */
const SAME_DAY = [
  '2026-10-14T09:00:04+02:00',
  '2026-10-14T09:01:02+02:00',
  '2026-10-14T09:37:03+02:00',
  '2026-10-14T12:00:00+02:00',
  '2026-10-14T23:59:59+02:00',
];
const NEXT_DAY = '2026-10-15T00:00:01+02:00';

/** Documents rendered on each request, their ETag from their body or their day. */
const PATHS = [
  '/agenda.json',
  '/agenda.json?limit=2',
  '/agenda.json?from=2026-10-01&to=2026-10-31',
  '/agenda.ics',
  '/agenda.ics?network=quartiers',
  '/embed/agenda',
  '/embed/agenda.js?lang=en',
  '/networks.opml',
  '/newsletter/archive.xml',
];

const event = (uid: string, start: string, rest: string) =>
  `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:${start}\r\n${rest}END:VEVENT\r\n`;

/**
 * A daily series at 18:00, a workshop this morning (10:00–11:00, over by noon) and a meeting a
 * month back whose end (13 September, 12:00) lies in the range kept today, not tomorrow.
 */
function calendar(seriesTitle: string): string {
  return (
    'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//validators//FR\r\n' +
    event(
      'soir@quartiers',
      '20260901T160000Z',
      `DURATION:PT1H\r\nRRULE:FREQ=DAILY\r\nSUMMARY:${seriesTitle}\r\n`,
    ) +
    event('matin@quartiers', '20261014T080000Z', 'DURATION:PT1H\r\nSUMMARY:Atelier du matin\r\n') +
    event(
      'septembre@quartiers',
      '20260913T080000Z',
      'DURATION:PT2H\r\nSUMMARY:Assemblée de septembre\r\n',
    ) +
    'END:VCALENDAR\r\n'
  );
}

interface Seen {
  etag: string;
  body: string;
}

/** The shared scenarios; `makeDeps` gives the runtime's deps (its clock is replaced here). */
export function clockValidatorScenarios(name: string, makeDeps: () => Promise<Deps>): void {
  const clock = manualClock(T0);
  const moveTo = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());
  let ready: Promise<{ deps: Deps; get: Get; src: SourceRow }> | null = null;
  type Get = (path: string, headers?: Record<string, string>) => Promise<Response>;
  const setUp = () =>
    (ready ??= (async () => {
      const deps = await makeDeps();
      deps.clock = clock;
      await writeHubSettings(deps.db, {
        title: 'Intercoop',
        baseUrl: 'https://hub.example.org',
        language: 'fr',
        timezone: 'Europe/Paris',
      });
      const src = await addSource(deps, 'quartiers', 'https://quartiers.example/agenda.ics');
      await storeCalendar(deps, src, calendar('Permanence du soir'));
      const app = createApp(deps);
      const get: Get = async (path, headers = {}) =>
        app.request(`https://hub.example.org${path}`, { headers });
      return { deps, get, src };
    })());
  const snapshot = async (get: Get): Promise<Map<string, Seen>> => {
    const out = new Map<string, Seen>();
    for (const path of PATHS) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      out.set(path, { etag: res.headers.get('etag')!, body: await res.text() });
    }
    return out;
  };
  let today: Map<string, Seen>;

  // First, while the store is empty (workerd's D1 is shared by the file's tests).
  it(`${name}: an empty directory, archive and feed keep their body and ETag too`, async () => {
    const deps = await makeDeps();
    const own = manualClock(T0);
    deps.clock = own;
    const app = createApp(deps);
    for (const path of ['/networks.opml', '/newsletter/archive.xml']) {
      const first = await app.request(`https://hub.example.org${path}`);
      const body = await first.text();
      own.advance(61_000);
      const later = await app.request(`https://hub.example.org${path}`);
      expect(await later.text(), path).toBe(body);
      expect(later.headers.get('etag'), path).toBe(first.headers.get('etag'));
      const again = await app.request(`https://hub.example.org${path}`, {
        headers: { 'if-none-match': first.headers.get('etag')! },
      });
      expect(again.status, path).toBe(304);
    }
    // The feeds' ETag is the store version's: rendered again for it (no cache here, as after an
    // eviction or the edge's TTL), an empty feed is the same document, not dated by the clock.
    const uncached = createApp({ ...deps, responseCache: undefined });
    for (const path of ['/feed.atom', '/feed.xml', '/feed.json?tag=introuvable']) {
      const first = await uncached.request(`https://hub.example.org${path}`);
      const body = await first.text();
      own.advance(61_000);
      const later = await uncached.request(`https://hub.example.org${path}`);
      expect(later.headers.get('etag'), path).toBe(first.headers.get('etag'));
      expect(await later.text(), path).toBe(body);
    }
  });

  it(`${name}: the same body and ETag all day, and 304 for the ETag given`, async () => {
    const { get } = await setUp();
    moveTo(T0);
    today = await snapshot(get);
    const agenda = JSON.parse(today.get('/agenda.json')!.body) as {
      from: string;
      to: string;
      window: { kept_from: string; kept_to: string; shortened: boolean };
    };
    // Today from its midnight, to the end of the range kept: whole days in the hub's zone.
    expect(agenda.from).toBe('2026-10-14T00:00:00+02:00');
    expect(agenda.to).toBe('2027-10-15T00:00:00+02:00');
    expect(agenda.window).toMatchObject({
      kept_from: '2026-09-13T00:00:00+02:00',
      kept_to: '2027-10-15T00:00:00+02:00',
      shortened: false,
    });
    for (const at of SAME_DAY) {
      moveTo(at);
      for (const path of PATHS) {
        const was = today.get(path)!;
        const res = await get(path);
        expect(res.headers.get('etag'), `${path} at ${at}`).toBe(was.etag);
        expect(await res.text(), `${path} at ${at}`).toBe(was.body);
        const again = await get(path, { 'if-none-match': was.etag });
        expect(again.status, `${path} at ${at} with If-None-Match`).toBe(304);
      }
    }
    // Today's events stay today's once over: the morning workshop at midnight's eve, and the
    // month-old meeting in the calendar subscribers get.
    expect(today.get('/agenda.json')!.body).toContain('Atelier du matin');
    expect(today.get('/embed/agenda')!.body).toContain('Atelier du matin');
    expect(today.get('/agenda.ics')!.body).toContain('Assemblée de septembre');
  });

  it(`${name}: a new ETag when the day turns or the data changes, not otherwise`, async () => {
    const { deps, get, src } = await setUp();
    moveTo(NEXT_DAY);
    const tomorrow = await snapshot(get);
    const changed = (path: string) => tomorrow.get(path)!.etag !== today.get(path)!.etag;
    for (const path of PATHS.filter((p) => p.startsWith('/agenda') || p.startsWith('/embed'))) {
      expect(changed(path), path).toBe(true);
      const stale = await get(path, { 'if-none-match': today.get(path)!.etag });
      expect(stale.status, `${path}: yesterday's ETag`).toBe(200);
    }
    // Yesterday's workshop has left the agenda and the widget, the old meeting the calendar.
    expect(tomorrow.get('/agenda.json')!.body).not.toContain('Atelier du matin');
    expect(JSON.parse(tomorrow.get('/agenda.json')!.body).from).toBe('2026-10-15T00:00:00+02:00');
    expect(tomorrow.get('/embed/agenda')!.body).not.toContain('Atelier du matin');
    expect(tomorrow.get('/agenda.ics')!.body).not.toContain('Assemblée de septembre');
    // The directory and the archive do not depend on the day.
    for (const path of ['/networks.opml', '/newsletter/archive.xml'])
      expect(changed(path), path).toBe(false);
    // Later that day, nothing changed: the same again.
    moveTo('2026-10-15T17:30:00+02:00');
    for (const path of PATHS) {
      const res = await get(path, { 'if-none-match': tomorrow.get(path)!.etag });
      expect(res.status, `${path} later on the 15th`).toBe(304);
    }
    // The data changes: a new ETag at once for the documents that show it.
    await storeCalendar(deps, src, calendar('Permanence du soir, nouvelle salle'));
    await deps.db.orm.insert(networks).values({
      slug: 'nouveau',
      name: 'Nouveau réseau',
      createdAt: clock.now().getTime(),
      updatedAt: clock.now().getTime(),
    });
    for (const path of ['/agenda.json', '/agenda.ics', '/networks.opml']) {
      const res = await get(path, { 'if-none-match': tomorrow.get(path)!.etag });
      expect(res.status, `${path} after a change`).toBe(200);
      expect(res.headers.get('etag'), path).not.toBe(tomorrow.get(path)!.etag);
    }
    expect(await (await get('/agenda.json')).text()).toContain('nouvelle salle');
  });
}
