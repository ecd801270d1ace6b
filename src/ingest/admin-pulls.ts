import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { getDirectoryEntry } from '../federation/directory.ts';
import { dispatchPulls, pull } from './pull.ts';
import { summaryJson } from './pull-json.ts';

/**
 * POST /api/admin/pull[?network=SLUG][&due=1]: pulls now and answers with the run's summary
 * (the same JSON as `intercoop pull --json`). This runs inside the request, within its limits:
 * on Workers a large federation goes through the queue instead, with `queue=1`, which hands the
 * sources to the pull dispatcher (the Queue; Node's in-process pool) and answers 202 with how
 * many were handed over. Their results then show in GET /api/admin/pulls.
 */
export const adminPullRoutes = new Hono<HubEnv>().post('/pull', async (c) => {
  const deps = c.get('deps');
  const network = c.req.query('network') || undefined;
  if (network) {
    if (!(await getDirectoryEntry(deps, network)))
      return c.json({ error: 'unknown_network', message: `Réseau inconnu : ${network}` }, 404);
  }
  const all = c.req.query('due') !== '1';
  if (c.req.query('queue') === '1')
    return c.json({ dispatched: await dispatchPulls(deps, { network, all }) }, 202);
  const summary = await pull(deps, { trigger: 'admin', network, all });
  return c.json(summaryJson(summary));
});
