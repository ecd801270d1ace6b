/**
 * An upstream hub whose history breaks at page 2, each way a page can fail (hubs of hubs):
 * `/_history/<shape>/feed.json` is a hub's first page (JSON Feed with `_hub`), its `next_url`
 * is page 2 in that shape, and behind page 2 a good page 3 that must never be stored.
 */
import type { ServerResponse } from 'node:http';
import type { FixtureHandler } from './fixture-server.ts';

/** The stories of the first page, and of the good page 3 behind the failing page 2. */
export const historyStories = (shape: string) => ({
  first: [`${shape} : rencontre des coopératives`, `${shape} : atelier fablab ouvert`],
  older: [`${shape} : archive de l’assemblée`, `${shape} : archive du chantier`],
});

/** A page of an upstream hub's JSON Feed: its stories, in network `animacoop`, and its next. */
export function hubPage(stories: string[], next: string | null): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Hub Occitanie',
    home_page_url: 'https://occitanie.example/',
    ...(next ? { next_url: next } : {}),
    _hub: { networks: [{ slug: 'animacoop', name: 'Animacoop' }] },
    items: stories.map((title, i) => ({
      id: `https://occitanie.example/${encodeURIComponent(title)}`,
      url: `https://occitanie.example/${encodeURIComponent(title)}`,
      title,
      content_text: `${title} : une journée pour échanger entre coopératives (${i}).`,
      date_published: `2026-10-0${i + 1}T08:00:00Z`,
      _hub: { networks: ['animacoop'] },
    })),
  });
}

const CALENDAR = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//history//FR',
  'BEGIN:VEVENT',
  'UID:archive-event-1@occitanie.example',
  'DTSTAMP:20261001T080000Z',
  'DTSTART:20261201T180000Z',
  'SUMMARY:Soirée d’archives',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

type Send = (res: ServerResponse, older: string) => void;

/** Page 2, each way it fails; `older` is the good page 3's address. */
export const HISTORY_SHAPES: Record<string, Send> = {
  // Never answers: the fetch's deadline (HUB_FETCH_TIMEOUT_MS) ends it.
  timeout: () => {},
  500: (res) => void res.writeHead(500, { 'content-type': 'text/plain' }).end('oups'),
  410: (res) => void res.writeHead(410).end(),
  // Links to page 3: an HTML page is not followed to its feed in a history.
  html: (res, older) =>
    void res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><html><head><title>Archives</title><link rel="alternate" ` +
          `type="application/feed+json" href="${older}"></head><body><p>Archives</p></body></html>`,
      ),
  ics: (res) =>
    void res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(CALENDAR),
  'broken-xml': (res) =>
    void res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end('<?xml version="1.0"?>\n<<<rss version="2.0">>> ]]> <!-- <channel'),
  garbage: (res) =>
    void res
      .writeHead(200, { 'content-type': 'application/octet-stream' })
      .end(Buffer.from([0, 1, 2, 255, 254, 0, 9, 7, 3])),
  // Over a HUB_FETCH_MAX_BYTES of 30000 (the test's); a good hub page otherwise.
  'too-big': (res, older) =>
    void res
      .writeHead(200, { 'content-type': 'application/feed+json' })
      .end(hubPage(['archive trop grosse'.padEnd(40_000, '.')], older)),
};

/** The routes of every shape; `page2` overrides where page 2 is (a closed port). */
export function historyRoutes(
  base: string,
  shape: string,
  page2 = `${base}/_history/${shape}/page2`,
): [string, FixtureHandler][] {
  const { first, older } = historyStories(shape);
  const page3 = `${base}/_history/${shape}/page3.json`;
  const json =
    (body: string): FixtureHandler =>
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/feed+json' }).end(body);
    };
  const send = HISTORY_SHAPES[shape];
  return [
    [`/_history/${shape}/feed.json`, json(hubPage(first, page2))],
    [`/_history/${shape}/page3.json`, json(hubPage(older, null))],
    ...(send
      ? [[`/_history/${shape}/page2`, (_req, res) => send(res, page3)] as [string, FixtureHandler]]
      : []),
  ];
}

/**
 * Every shape's routes, for the shared fixture server (test/support/global-setup.ts), and
 * `flaky`: a page 2 that answers 503 once, then is a good page.
 */
export function historyBehaviours(base: string): [string, FixtureHandler][] {
  let asked = 0;
  const { older } = historyStories('flaky');
  return [
    ...Object.keys(HISTORY_SHAPES).flatMap((shape) => historyRoutes(base, shape)),
    ...historyRoutes(base, 'flaky'),
    [
      '/_history/flaky/page2',
      (_req, res) => {
        if (asked++ === 0) return void res.writeHead(503).end();
        res.writeHead(200, { 'content-type': 'application/feed+json' }).end(hubPage(older, null));
      },
    ],
  ];
}
