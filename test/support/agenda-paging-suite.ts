/**
 * /agenda.json pages like the feeds (limit=, next_url, a stable cursor), with no hidden cap;
 * /agenda.ics holds every event of the window (series as RRULE); a window reaching before the
 * kept range says so. Run on Node (SQLite) and in workerd (D1): the paging SQL is each one's.
 */
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { networks } from '../../src/db/schema/index.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { addSource } from './store-fixtures.ts';

const DAY = 86_400_000;
/** Six daily series a year long: about 2,200 occurrences in the default window. */
export const SERIES = 6;

interface AgendaJson {
  from: string;
  to: string;
  window: {
    from: string;
    to: string;
    kept_from: string;
    shortened: boolean;
    notice: string | null;
  };
  events: { id: string; title: string; start: string; networks: string[] }[];
  next_url?: string;
}

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Each network: a daily series (one starting the same instant as the others) and one-offs. */
export async function seedPagingAgenda(deps: Deps, now: number): Promise<void> {
  const firstDay = Math.floor(now / DAY) * DAY - 40 * DAY + 9 * 3600_000;
  for (let n = 0; n < SERIES; n++) {
    const slug = `agenda-${n}`;
    const src = await addSource(deps, slug, `https://${slug}.example/agenda.ics`);
    await deps.db.orm
      .update(networks)
      .set({ territory: n % 2 ? 'Bretagne' : 'Occitanie', tags: [n % 3 ? 'formation' : 'emploi'] })
      .where(eq(networks.slug, slug));
    const oneOffs = [5, 12, 30].map(
      (d, i) =>
        `BEGIN:VEVENT\r\nUID:once-${n}-${i}@${slug}\r\nDTSTAMP:20260101T000000Z\r\n` +
        `DTSTART:${stamp(firstDay + (40 + d) * DAY + 5 * 3600_000)}\r\n` +
        `DURATION:PT1H\r\nSUMMARY:Rencontre ${i} du réseau ${n}\r\n` +
        `CATEGORIES:${i === 0 ? 'Économie sociale' : 'Autre'}\r\nEND:VEVENT\r\n`,
    );
    await storeCalendar(
      deps,
      src,
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//paging//FR\r\n' +
        `BEGIN:VEVENT\r\nUID:daily-${n}@${slug}\r\nDTSTAMP:20260101T000000Z\r\n` +
        `DTSTART:${stamp(firstDay)}\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY\r\n` +
        `SUMMARY:Permanence quotidienne ${n}\r\nEND:VEVENT\r\n${oneOffs.join('')}END:VCALENDAR\r\n`,
    );
  }
}

/** The shared scenarios; `get` answers a path on the hub under test, `now` is its clock. */
export function agendaPagingScenarios(
  name: string,
  seed: () => Promise<void>,
  get: (path: string, headers?: Record<string, string>) => Promise<Response>,
  now: () => number,
): void {
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as AgendaJson;
  };
  /** Follows next_url to the end: every occurrence once, in order. */
  const all = async (path: string) => {
    const out: AgendaJson['events'] = [];
    let pages = 0;
    for (let url: string | undefined = path; url; pages++) {
      const page: AgendaJson = await json(url.replace(/^https?:\/\/[^/]+/, ''));
      out.push(...page.events);
      url = page.next_url;
      expect(pages).toBeLessThan(100);
    }
    return { events: out, pages };
  };
  const key = (e: AgendaJson['events'][number]) => `${e.start}|${e.id}`;

  it(`${name}: /agenda.json pages through every occurrence, none lost or repeated`, async () => {
    await seed();
    const { events, pages } = await all('/agenda.json?limit=250');
    // More than the old silent cap of 2,000: every day of every series, and the one-offs.
    expect(events.length).toBeGreaterThan(2000);
    expect(pages).toBe(Math.ceil(events.length / 250));
    expect(new Set(events.map(key)).size).toBe(events.length);
    const starts = events.map((e) => Date.parse(e.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (let n = 0; n < SERIES; n++) {
      const daily = events.filter((e) => e.title === `Permanence quotidienne ${n}`);
      expect(daily.length, `series ${n}`).toBeGreaterThanOrEqual(365);
      // One a day, no day skipped at page boundaries.
      for (let i = 1; i < daily.length; i++)
        expect(Date.parse(daily[i]!.start) - Date.parse(daily[i - 1]!.start)).toBe(DAY);
    }
    // Without limit= the page holds 500 and says where the rest is.
    const first = await json('/agenda.json');
    expect(first.events).toHaveLength(500);
    expect(first.next_url).toMatch(/\/agenda\.json\?after=/);
    // Page sizes do not change what the pages hold together (ties on one instant included).
    const small = await all('/agenda.json?limit=7&from=' + isoDay(now() + 300 * DAY));
    const bulk = await json('/agenda.json?limit=2000&from=' + isoDay(now() + 300 * DAY));
    expect(small.events.map(key).slice(0, 60)).toEqual(bulk.events.map(key).slice(0, 60));
    expect(small.events.length).toBe(
      (await all('/agenda.json?limit=2000&from=' + isoDay(now() + 300 * DAY))).events.length,
    );
    // Filters stay on every page (any of the values).
    const filtered = await all(
      '/agenda.json?limit=100&territory=bretagne&tag=emploi&tag=formation',
    );
    expect(filtered.events.length).toBeGreaterThan(1000);
    expect(
      filtered.events.every((e) => ['agenda-1', 'agenda-3', 'agenda-5'].includes(e.networks[0]!)),
    ).toBe(true);
    const byCategory = await all('/agenda.json?limit=2&tag=economie%20sociale');
    expect(byCategory.events.map((e) => e.title).sort()).toEqual(
      Array.from({ length: SERIES }, (_, n) => `Rencontre 0 du réseau ${n}`).sort(),
    );
    expect(byCategory.pages).toBe(3);
    for (const bad of ['limit=0', 'limit=2001', 'after=garbage', 'after=12~A'])
      expect((await get(`/agenda.json?${bad}`)).status, bad).toBe(400);
  });

  it(`${name}: /agenda.ics holds every event of the window, series as RRULE`, async () => {
    const ics = await (await get('/agenda.ics')).text();
    expect(ics.match(/^BEGIN:VEVENT/gm)).toHaveLength(SERIES * 4);
    expect(ics.match(/^RRULE:FREQ=DAILY/gm)).toHaveLength(SERIES);
    const filtered = await (await get('/agenda.ics?tag=economie%20sociale')).text();
    expect(filtered.match(/^BEGIN:VEVENT/gm)).toHaveLength(SERIES);
  });

  it(`${name}: a window before the kept range is said in the answer and on the page`, async () => {
    const asked = isoDay(now() - 90 * DAY);
    const doc = await json(`/agenda.json?from=${asked}&limit=5`);
    expect(doc.from.slice(0, 10)).toBe(asked);
    expect(doc.window.shortened).toBe(true);
    expect(Date.parse(doc.window.from)).toBe(Date.parse(doc.window.kept_from));
    expect(Date.parse(doc.window.from)).toBeGreaterThan(Date.parse(doc.from));
    expect(doc.window.notice).toMatch(/un mois en arrière/);
    // No occurrence before the window answered, though the store still holds older ones.
    expect(Date.parse(doc.events[0]!.start)).toBeGreaterThanOrEqual(
      Date.parse(doc.window.from) - 3600_000,
    );
    const page = await (await get(`/agenda?from=${asked}`)).text();
    expect(page).toContain('un mois en arrière');
    const plain = await json('/agenda.json?limit=1');
    expect(plain.window.shortened).toBe(false);
    expect(plain.window.notice).toBeNull();
    expect(await (await get('/agenda')).text()).not.toContain('un mois en arrière');
    // Wholly outside: nothing, and said.
    const old = await json(`/agenda.json?from=2020-01-01&to=2020-02-01`);
    expect(old.events).toEqual([]);
    expect(old.window.shortened).toBe(true);
    // The page has a next link past its 300 occurrences, carrying the filters.
    const agenda = await (await get('/agenda?territory=Bretagne')).text();
    expect(agenda).toMatch(
      /href="\/agenda\?territory=Bretagne&amp;after=\d+%7E[a-z0-9]+" rel="next"/,
    );
  });
}

/** The body as text, gunzipped when the answer says it is gzip. */
async function text(res: Response): Promise<string> {
  if (res.headers.get('content-encoding') !== 'gzip') return res.text();
  const stream = new Blob([await res.arrayBuffer()])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/** /agenda.ics, /agenda.json and /networks.opml gzipped for readers that take it, with 304s. */
export function gzipScenarios(
  name: string,
  get: (path: string, headers?: Record<string, string>) => Promise<Response>,
): void {
  it(`${name}: agenda and OPML are gzipped for readers that take it, and 304 either way`, async () => {
    for (const path of ['/agenda.ics', '/agenda.json?limit=50', '/networks.opml']) {
      const plain = await get(path);
      expect(plain.status, path).toBe(200);
      expect(plain.headers.get('content-encoding'), path).toBeNull();
      expect(plain.headers.get('vary'), path).toMatch(/accept-encoding/i);
      const body = await plain.text();
      const zipped = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.headers.get('content-encoding'), path).toBe('gzip');
      const etag = zipped.headers.get('etag')!;
      expect(etag, path).toBe(plain.headers.get('etag')!.replace(/"$/, '-gz"'));
      const raw = await zipped.clone().arrayBuffer();
      expect(raw.byteLength, path).toBeLessThan(new TextEncoder().encode(body).length);
      expect(await text(zipped), path).toBe(body);
      // A reader sends back the ETag it was given: 304 with either.
      for (const [tag, enc] of [
        [etag, 'gzip'],
        [plain.headers.get('etag')!, 'gzip'],
        [etag, 'identity'],
      ] as const) {
        const again = await get(path, { 'if-none-match': tag, 'accept-encoding': enc });
        expect(again.status, `${path} ${tag} ${enc}`).toBe(304);
      }
      // q=0 refuses gzip.
      const refused = await get(path, { 'accept-encoding': 'gzip;q=0' });
      expect(refused.headers.get('content-encoding'), path).toBeNull();
    }
  });
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
