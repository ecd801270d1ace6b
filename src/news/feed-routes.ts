/**
 * The unified feed and the per-network feeds: /feed.{xml,atom,json} and
 * /networks/:slug/feed.{xml,atom,json}, with the filters of INTERFACE.md, paging, caching and
 * conditional GET.
 */
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import {
  formatCursor,
  parseRiverQuery,
  riverParams,
  RiverQueryError,
  type RiverQuery,
} from './filters.ts';
import { FEED_TYPES, renderFeed, type FeedFormat } from './feed-formats.ts';
import { serveCached } from '../publish/conditional.ts';
import { listRiver } from './river.ts';
import { networksModifiedAt } from './stories.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { getDirectoryEntry, networkLabels } from '../federation/directory.ts';

const DESCRIPTION = {
  fr: 'Les actualités des réseaux de la fédération, en un seul fil.',
  en: 'News from the networks of the federation, in one feed.',
};

/** The query of a feed request, or the 400 that explains what is wrong. */
export function feedQuery(c: HubContext): RiverQuery | Response {
  try {
    return parseRiverQuery(new URL(c.req.url).searchParams);
  } catch (e) {
    if (e instanceof RiverQueryError)
      return c.json({ error: 'bad_request', message: e.message }, 400);
    throw e;
  }
}

async function serveFeed(
  c: HubContext,
  format: FeedFormat,
  slug: string | null,
): Promise<Response> {
  const deps = c.get('deps');
  const query = feedQuery(c);
  if (query instanceof Response) return query;
  // A network's own feed shows that network only, whatever network= says.
  if (slug !== null) query.networks = [slug];
  const requestUrl = new URL(c.req.url);
  const filterParams = riverParams({ ...query, before: null }, undefined);
  if (slug !== null) filterParams.delete('network');
  const keyParams = riverParams(query);
  const key = `${requestUrl.origin}${requestUrl.pathname}?${keyParams}`;
  const res = await serveCached(deps, c.req.raw, key, async () => {
    const hub = await readHubSettings(deps.db, deps.config.baseUrl);
    const network = slug !== null ? await getDirectoryEntry(deps, slug) : null;
    if (slug !== null && !network) return null;
    const [page, labels] = await Promise.all([listRiver(deps, query), networkLabels(deps)]);
    // Atom's <source> names each story's first publisher: its own latest <updated>.
    const sourceUpdated =
      format === 'atom'
        ? await networksModifiedAt(
            deps,
            page.items.map((i) => i.networks[0]).filter((n): n is string => !!n),
          )
        : new Map<string, number>();
    // From the data alone, never the clock: an empty feed rendered again for the same store
    // version (its ETag) is the same document, dated by the directory's newest change.
    const lastModified =
      Math.max(network?.updatedAt ?? 0, ...page.items.map((i) => i.updatedAt), 0) ||
      Math.max(0, ...[...labels.values()].map((n) => n.updatedAt));
    const body = renderFeed(format, {
      hub,
      title: network ? `${hub.title} — ${network.name}` : hub.title,
      description: network?.description ?? DESCRIPTION[hub.language],
      feedPath: network ? `/networks/${network.slug}/feed` : '/feed',
      htmlPath: network ? `/networks/${network.slug}` : '/',
      params: filterParams,
      cursor: query.before ? formatCursor(query.before) : null,
      page,
      networks: labels,
      sourceUpdated,
      fallbackUpdated: lastModified,
    });
    return { body, contentType: FEED_TYPES[format].contentType, lastModified };
  });
  if (!res) return c.json({ error: 'not_found', message: `No network named ${slug}` }, 404);
  return res;
}

const formats: [string, FeedFormat][] = [
  ['xml', 'rss'],
  ['atom', 'atom'],
  ['json', 'json'],
];

export const feedRoutes = new Hono<HubEnv>();
for (const [ext, format] of formats) {
  feedRoutes.get(`/feed.${ext}`, (c) => serveFeed(c, format, null));
  feedRoutes.get(`/networks/:slug/feed.${ext}`, (c) => serveFeed(c, format, c.req.param('slug')));
}
