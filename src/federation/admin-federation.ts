/**
 * Admin routes for the federation, mounted under /api/admin (the Bearer guard is applied in app.ts):
 * - GET /networks                         networks (inactive ones too) with their sources and health;
 *                                         `?format=yaml`: the networks.yaml file (`networks export`)
 * - PUT /networks                         body: networks.yaml (or the same structure as JSON) → sync.
 *                                         How a Workers deployment, which has no file to read, gets its federation.
 * - GET /sources?status=&network=&failing=1
 * - GET /pulls?limit=                     latest pulls, newest first
 */
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { FederationFileError, parseNetworksFile } from './networks-file.ts';
import { syncFederation } from './sync.ts';
import { readRequestCapped } from '../shared/read-capped.ts';
import { exportFederation, federationYaml } from './export.ts';
import { recordFileSync } from './file-state.ts';
import {
  listNetworks,
  listPulls,
  listSources,
  networkJson,
  pullJson,
  sourceJson,
  SOURCE_STATUSES,
  type SourceStatus,
} from './list.ts';

/** A federation file is a few kilobytes per hundred networks: 1 MB is far beyond any real one. */
export const MAX_FEDERATION_BYTES = 1024 * 1024;

export const adminFederationRoutes = new Hono<HubEnv>();

adminFederationRoutes.get('/networks', async (c) => {
  const deps = c.get('deps');
  if (c.req.query('format') === 'yaml')
    return c.body(federationYaml(await exportFederation(deps), deps.clock.now()), 200, {
      'Content-Type': 'text/yaml; charset=utf-8',
      'Content-Disposition': 'attachment; filename="networks.yaml"',
    });
  const [hub, list] = await Promise.all([
    readHubSettings(deps.db, deps.config.baseUrl),
    listNetworks(deps),
  ]);
  return c.json({
    hub: {
      title: hub.title,
      base_url: hub.baseUrl,
      language: hub.language,
      timezone: hub.timezone,
      coordinators: hub.coordinators ?? [],
    },
    networks: list.map(networkJson),
  });
});

adminFederationRoutes.put('/networks', async (c) => {
  const deps = c.get('deps');
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > MAX_FEDERATION_BYTES) return tooLarge(c);
  const bytes = await readRequestCapped(c.req.raw, MAX_FEDERATION_BYTES);
  if (bytes === null) return tooLarge(c);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!text.trim())
    return c.json(
      {
        error: 'bad_request',
        message: 'Corps vide : envoyez le contenu de networks.yaml (text/yaml) ou le même en JSON.',
      },
      400,
    );
  if ((c.req.header('content-type') ?? '').includes('json')) {
    // JSON is YAML too, but a clear "not JSON" beats a YAML parser's complaint about it.
    try {
      JSON.parse(text);
    } catch (err) {
      return c.json(
        { error: 'bad_request', message: `JSON illisible : ${(err as Error).message}` },
        400,
      );
    }
  }
  let federation;
  try {
    federation = parseNetworksFile(text);
  } catch (err) {
    if (!(err instanceof FederationFileError)) throw err;
    return c.json(
      { error: 'invalid_federation', message: err.message, problems: err.problems },
      400,
    );
  }
  const report = await syncFederation(deps, federation);
  // An uploaded file is the file: it wins over console edits, and is remembered as synced.
  await recordFileSync(deps, text);
  return c.json({
    networks: report.networks,
    sources: report.sources,
    hub_updated: report.hubUpdated,
    writes: report.writes,
    warnings: federation.warnings,
  });
});

adminFederationRoutes.get('/sources', async (c) => {
  const status = c.req.query('status') || undefined;
  if (status && !(SOURCE_STATUSES as readonly string[]).includes(status)) {
    return c.json(
      {
        error: 'bad_request',
        message: `status inconnu « ${status} » : ${SOURCE_STATUSES.join(', ')}`,
      },
      400,
    );
  }
  const failing = c.req.query('failing');
  if (failing !== undefined && !['', '0', '1', 'true', 'false'].includes(failing)) {
    return c.json({ error: 'bad_request', message: 'failing vaut 1 ou 0' }, 400);
  }
  const rows = await listSources(c.get('deps'), {
    status: status as SourceStatus | undefined,
    network: c.req.query('network') || undefined,
    failing: failing === '1' || failing === 'true',
  });
  return c.json({ sources: rows.map(sourceJson) });
});

adminFederationRoutes.get('/pulls', async (c) => {
  const raw = c.req.query('limit');
  const limit = raw === undefined || raw === '' ? 20 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    return c.json(
      {
        error: 'bad_request',
        message: `limit doit être un entier entre 1 et 200, reçu « ${raw} »`,
      },
      400,
    );
  }
  const rows = await listPulls(c.get('deps'), limit);
  return c.json({ pulls: rows.map(pullJson) });
});

function tooLarge(c: { json: (body: unknown, status: 413) => Response }): Response {
  return c.json(
    {
      error: 'too_large',
      message: `Fichier de la fédération trop volumineux : ${MAX_FEDERATION_BYTES} octets au plus.`,
    },
    413,
  );
}
