/**
 * The federation as stored, back in the networks.yaml format: what `intercoop networks
 * export`, GET /api/admin/networks?format=yaml and the console's download write, and what each
 * console edit starts from (edit.ts). Active networks only; a source removed is left out, a
 * paused or retired (410) one is still declared.
 */
import { Document } from 'yaml';
import type { Deps } from '../deps.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { listNetworks, type NetworkWithSources } from './list.ts';
import type { Federation, NetworkDeclaration } from './networks-file.ts';

/** A stored network as the file would declare it. */
export function declarationOf(n: NetworkWithSources): NetworkDeclaration {
  const live = n.sources.filter((s) => s.status !== 'removed');
  return {
    slug: n.slug,
    name: n.name,
    site: n.site,
    territory: n.territory,
    tags: n.tags ?? [],
    description: n.description,
    feeds: live.filter((s) => s.kind === 'feed').map((s) => s.url),
    agendas: live.filter((s) => s.kind === 'calendar').map((s) => s.url),
  };
}

export async function exportFederation(deps: Deps): Promise<Federation> {
  const [hub, list] = await Promise.all([
    // The stored hub block, not HUB_BASE_URL: the file keeps what the coordinators wrote.
    readHubSettings(deps.db),
    listNetworks(deps, { includeInactive: false }),
  ]);
  return { hub, networks: list.map(declarationOf), warnings: [] };
}

/** networks.yaml text for a federation: empty fields left out, short lists on one line. */
export function federationYaml(f: Federation, generatedAt: Date): string {
  const hub: Record<string, unknown> = {
    title: f.hub.title,
    base_url: f.hub.baseUrl,
    language: f.hub.language,
    timezone: f.hub.timezone,
  };
  if (f.hub.coordinators?.length) hub.coordinators = f.hub.coordinators;
  const networks = f.networks.map((n) => {
    const out: Record<string, unknown> = { slug: n.slug, name: n.name };
    if (n.site) out.site = n.site;
    if (n.territory) out.territory = n.territory;
    if (n.tags.length) out.tags = n.tags;
    if (n.description) out.description = n.description;
    if (n.feeds.length) out.feeds = n.feeds;
    if (n.agendas.length) out.agendas = n.agendas;
    return out;
  });
  const doc = new Document({ hub, networks });
  doc.commentBefore =
    ` Fédération exportée du hub le ${generatedAt.toISOString()} (intercoop networks export).\n` +
    ' Federation exported from the hub; same format as the networks.yaml you keep in git.';
  // Tags and coordinators read best as [a, b]; feeds stay one per line.
  for (const path of [
    ['hub', 'coordinators'],
    ...networks.map((_, i) => ['networks', i, 'tags']),
  ]) {
    const node = doc.getIn(path, true) as { flow?: boolean } | undefined;
    if (node) node.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}
