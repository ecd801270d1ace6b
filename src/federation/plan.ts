/**
 * What a sync must change, worked out from the declared federation and the stored rows. Pure:
 * sync.ts turns the plan into statements. Nothing is ever deleted: a network that left the
 * file is deactivated and a source no longer declared is marked removed, so their items stay.
 */
import type { NetworkRow } from '../db/schema/networks.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { Federation, NetworkDeclaration } from './networks-file.ts';

export type SourceKind = SourceRow['kind'];
export type StoredSource = Pick<SourceRow, 'id' | 'networkSlug' | 'kind' | 'url' | 'status'>;

export interface DeclaredSource {
  networkSlug: string;
  kind: SourceKind;
  url: string;
}

type NetworkFields = Pick<
  NetworkRow,
  'name' | 'site' | 'territory' | 'tags' | 'description' | 'active'
>;

export interface SyncPlan {
  insertNetworks: (NetworkFields & { slug: string })[];
  updateNetworks: { slug: string; set: NetworkFields }[];
  deactivateNetworks: string[];
  insertSources: DeclaredSource[];
  /** Declared again after removal: back to active and due now. */
  reactivateSources: { id: number; kind: SourceKind; url: string; retyped: boolean }[];
  /** Same URL declared as another kind (a feed moved to agendas…): refetched as that kind. */
  retypeSources: { id: number; kind: SourceKind; url: string }[];
  removeSources: number[];
  unchangedNetworks: number;
  unchangedSources: number;
}

/**
 * The sources a network declares: one per feed, one per agenda, and its site when it lists no
 * feed (the pull discovers the feeds behind it).
 */
export function declaredSources(n: NetworkDeclaration): DeclaredSource[] {
  const out: DeclaredSource[] = [];
  const seen = new Set<string>();
  const add = (kind: SourceKind, url: string) => {
    if (seen.has(url)) return;
    seen.add(url);
    out.push({ networkSlug: n.slug, kind, url });
  };
  for (const url of n.feeds) add('feed', url);
  for (const url of n.agendas) add('calendar', url);
  if (n.site && !n.feeds.length) add('site', n.site);
  return out;
}

function fieldsOf(n: NetworkDeclaration): NetworkFields {
  return {
    name: n.name,
    site: n.site,
    territory: n.territory,
    tags: n.tags,
    description: n.description,
    active: true,
  };
}

function sameFields(a: NetworkFields, row: NetworkRow): boolean {
  return (
    a.name === row.name &&
    a.site === row.site &&
    a.territory === row.territory &&
    a.description === row.description &&
    a.active === row.active &&
    JSON.stringify(a.tags) === JSON.stringify(row.tags ?? [])
  );
}

const key = (slug: string, url: string) => `${slug}\n${url}`;

export function planSync(
  federation: Federation,
  storedNetworks: NetworkRow[],
  storedSources: StoredSource[],
): SyncPlan {
  const plan: SyncPlan = {
    insertNetworks: [],
    updateNetworks: [],
    deactivateNetworks: [],
    insertSources: [],
    reactivateSources: [],
    retypeSources: [],
    removeSources: [],
    unchangedNetworks: 0,
    unchangedSources: 0,
  };
  const rows = new Map(storedNetworks.map((r) => [r.slug, r]));
  const declaredSlugs = new Set<string>();
  for (const n of federation.networks) {
    declaredSlugs.add(n.slug);
    const fields = fieldsOf(n);
    const row = rows.get(n.slug);
    if (!row) plan.insertNetworks.push({ slug: n.slug, ...fields });
    else if (!sameFields(fields, row)) plan.updateNetworks.push({ slug: n.slug, set: fields });
    else plan.unchangedNetworks++;
  }
  for (const row of storedNetworks)
    if (row.active && !declaredSlugs.has(row.slug)) plan.deactivateNetworks.push(row.slug);

  const stored = new Map(storedSources.map((s) => [key(s.networkSlug, s.url), s]));
  const declared = new Set<string>();
  for (const d of federation.networks.flatMap(declaredSources)) {
    const k = key(d.networkSlug, d.url);
    declared.add(k);
    const s = stored.get(k);
    if (!s) plan.insertSources.push(d);
    else if (s.status === 'removed')
      plan.reactivateSources.push({
        id: s.id,
        kind: d.kind,
        url: d.url,
        retyped: s.kind !== d.kind,
      });
    else if (s.kind !== d.kind) plan.retypeSources.push({ id: s.id, kind: d.kind, url: d.url });
    // A retired source (HTTP 410) stays retired while declared: it is shown as such, not refetched.
    else plan.unchangedSources++;
  }
  for (const s of storedSources)
    if (s.status !== 'removed' && !declared.has(key(s.networkSlug, s.url)))
      plan.removeSources.push(s.id);
  return plan;
}

/** True when applying the plan would write nothing. */
export function isEmptyPlan(p: SyncPlan): boolean {
  return !(
    p.insertNetworks.length ||
    p.updateNetworks.length ||
    p.deactivateNetworks.length ||
    p.insertSources.length ||
    p.reactivateSources.length ||
    p.retypeSources.length ||
    p.removeSources.length
  );
}
