/** GET /networks.opml: the members' feeds and agendas for a feed reader. */
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { listDirectory } from './directory.ts';
import { renderOpml } from './opml-export.ts';
import { withValidators } from '../publish/conditional.ts';

export const opmlRoutes = new Hono<HubEnv>().get('/networks.opml', async (c) => {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const networks = await listDirectory(deps);
  // From the data alone, never the clock: the body (and its ETag) stays until the directory
  // changes, an empty one included.
  const lastModified = Math.max(
    0,
    ...networks.map((n) => n.updatedAt),
    ...networks.flatMap((n) => n.sources.map((s) => s.createdAt)),
  );
  const body = renderOpml({
    title: hub.title,
    baseUrl: hub.baseUrl,
    created: lastModified ? new Date(lastModified) : null,
    networks,
    lang: hub.language,
  });
  return withValidators(c.req.raw, body, 'text/x-opml; charset=utf-8', lastModified);
});
