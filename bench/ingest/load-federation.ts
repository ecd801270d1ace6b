/**
 * Loads a federation file into a fresh store for the benches and the fault tests: the hub
 * block, then every network and its feeds as active sources due now.
 */
import type { Deps } from '../../src/deps.ts';
import { networks, sources } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { chunks } from '../../src/ingest/dedupe/chunk.ts';
import { rowsPerInsert } from '../../src/db/client.ts';

export async function loadFederation(deps: Deps, yamlText: string): Promise<void> {
  const federation = parseNetworksFile(yamlText);
  const t = deps.clock.now().getTime();
  await writeHubSettings(deps.db, federation.hub);
  const networkRows = federation.networks.map((n) => ({ slug: n.slug, name: n.name, site: n.site, territory: n.territory, tags: n.tags, description: n.description, createdAt: t, updatedAt: t }));
  const sourceRows = federation.networks.flatMap((n) => [
    ...n.feeds.map((url) => ({ networkSlug: n.slug, kind: 'feed' as const, url, fetchUrl: url, createdAt: t })),
    ...n.agendas.map((url) => ({ networkSlug: n.slug, kind: 'calendar' as const, url, fetchUrl: url, createdAt: t })),
  ]);
  await deps.db.batch([
    ...chunks(networkRows, rowsPerInsert(8)).map((part) => deps.db.orm.insert(networks).values(part)),
    ...chunks(sourceRows, rowsPerInsert(5)).map((part) => deps.db.orm.insert(sources).values(part)),
  ]);
}
