import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { getDirectoryEntry } from '../db/directory.ts';
import { pull } from '../ingest/pull.ts';
import { summaryJson } from '../ingest/pull-json.ts';

/**
 * POST /api/admin/pull[?network=SLUG][&due=1]: pulls now and answers with the run's summary
 * (the same JSON as `intercoop pull --json`). On Workers a large federation should rather
 * wait for the queue: this runs inside the request, within its limits.
 */
export const adminPullRoutes = new Hono<HubEnv>().post('/pull', async (c) => {
  const deps = c.get('deps');
  const network = c.req.query('network') || undefined;
  if (network) {
    if (!(await getDirectoryEntry(deps, network))) return c.json({ error: 'unknown_network', message: `Réseau inconnu : ${network}` }, 404);
  }
  const summary = await pull(deps, { trigger: 'admin', network, all: c.req.query('due') !== '1' });
  return c.json(summaryJson(summary));
});
