import type { FixtureHandler } from './fixture-server.ts';
import { benchSource, renderSource } from '../../bench/ingest/federation.ts';

/**
 * The simulated federation of bench:ingest (RSS, Atom and JSON Feed members of French stories,
 * ~5 % of each feed relaying another member's), served by the fixture server so that workerd
 * tests can pull realistic feeds:
 *
 *   /_federation/<token>/<sources>x<items>/reseau-0003/feed.xml
 *
 * Member `i`'s feed (benchSource(i).path) in a federation of `sources` members of `items`
 * stories. The token keeps each test's stories (their URLs) apart. Content never changes, so
 * a matching If-None-Match gets 304.
 */
export function federationBehaviours(): Map<string, FixtureHandler> {
  const now = Date.now();
  const routes = new Map<string, FixtureHandler>();
  routes.set('/_federation/', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/_federation\/([\w-]+)\/(\d+)x(\d+)\/reseau-(\d{4})\//.exec(path);
    const [sources, items, i] = m ? [Number(m[2]), Number(m[3]), Number(m[4])] : [0, 0, -1];
    if (!m || i >= sources || benchSource(i).path !== path.slice(m[0].length - 13))
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const etag = `"federation-${m[1]}-${sources}x${items}-${i}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    const base = `http://${req.headers.host}/_federation/${m[1]}/${sources}x${items}`;
    const feed = renderSource(() => base, i, items, sources, now);
    res.writeHead(200, { 'content-type': feed.contentType, etag });
    res.end(feed.body);
  });
  return routes;
}

/** The feed URL of member `i` (see federationBehaviours). */
export function federationFeedUrl(
  fixtureBase: string,
  token: string,
  sources: number,
  items: number,
  i: number,
): string {
  return `${fixtureBase}/_federation/${token}/${sources}x${items}${benchSource(i).path}`;
}
