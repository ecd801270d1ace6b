/**
 * Read side of the federation directory: the member networks with their sources and the
 * health of each (pages, OPML, feed labels). It is the public view: addresses come out
 * without user-info (a private feed's password stays in the hub, see public-url.ts).
 */
import { asc, eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { networks, type NetworkRow } from '../db/schema/networks.ts';
import { sources, type SourceRow } from '../db/schema/sources.ts';
import { publicUrl, withoutCredentials } from '../public-url.ts';
import type { FilterNetwork } from '../filter-grammar.ts';

export interface DirectoryEntry extends NetworkRow {
  sources: SourceRow[];
}

/** Every network (active ones first, then by name) with its sources. */
export async function listDirectory(
  deps: Deps,
  options: { includeInactive?: boolean } = {},
): Promise<DirectoryEntry[]> {
  const nets = await deps.db.orm.select().from(networks).orderBy(asc(networks.name));
  const srcs = await deps.db.orm.select().from(sources).orderBy(asc(sources.id));
  const bySlug = new Map<string, SourceRow[]>();
  for (const s of srcs)
    bySlug.set(s.networkSlug, [...(bySlug.get(s.networkSlug) ?? []), publicSource(s)]);
  return nets
    .filter((n) => options.includeInactive || n.active)
    .map((n) => ({ ...publicNetwork(n), sources: bySlug.get(n.slug) ?? [] }));
}

/** One network with its sources, or null. */
export async function getDirectoryEntry(deps: Deps, slug: string): Promise<DirectoryEntry | null> {
  const [n] = await deps.db.orm.select().from(networks).where(eq(networks.slug, slug));
  if (!n) return null;
  const srcs = await deps.db.orm
    .select()
    .from(sources)
    .where(eq(sources.networkSlug, slug))
    .orderBy(asc(sources.id));
  return { ...publicNetwork(n), sources: srcs.map(publicSource) };
}

/** Names, sites and last change of all networks, for labelling provenance and dating a feed. */
export async function networkLabels(
  deps: Deps,
): Promise<
  Map<string, { name: string; site: string | null; territory: string | null; updatedAt: number }>
> {
  const rows = await deps.db.orm
    .select({
      slug: networks.slug,
      name: networks.name,
      site: networks.site,
      territory: networks.territory,
      updatedAt: networks.updatedAt,
    })
    .from(networks);
  return new Map(
    rows.map((r) => [
      r.slug,
      { name: r.name, site: publicUrl(r.site), territory: r.territory, updatedAt: r.updatedAt },
    ]),
  );
}

function publicNetwork(n: NetworkRow): NetworkRow {
  return { ...n, site: publicUrl(n.site) };
}

/** A source's addresses and last error without user-info (the error may quote its URL). */
function publicSource(s: SourceRow): SourceRow {
  return {
    ...s,
    url: publicUrl(s.url),
    fetchUrl: publicUrl(s.fetchUrl),
    redirectUrl: publicUrl(s.redirectUrl),
    lastError: s.lastError === null ? null : withoutCredentials(s.lastError),
    lastWarning: s.lastWarning === null ? null : withoutCredentials(s.lastWarning),
  };
}

/** The networks as the filters see them (a small table: read once per query). */
export async function filterNetworks(deps: Deps): Promise<FilterNetwork[]> {
  return deps.db.orm
    .select({ slug: networks.slug, territory: networks.territory, tags: networks.tags })
    .from(networks);
}
