/**
 * Console edits of the federation. Each one starts from the stored federation (export.ts),
 * changes one network and goes through the same sync as the file (sync.ts): one write path,
 * so the console can do nothing the file could not say, and the export is always exact.
 * Pausing is the exception: it is not part of the file, so it is a source state (`paused`)
 * that syncs leave alone.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { sources } from '../db/schema/sources.ts';
import { declarationOf, exportFederation } from './export.ts';
import { listNetworks } from './list.ts';
import { recordConsoleEdit } from './file-state.ts';
import {
  isHttpUrl,
  SLUG_PATTERN,
  webcalToHttps,
  type NetworkDeclaration,
} from './networks-file.ts';
import { syncFederation, type SyncReport } from './sync.ts';

export class EditError extends Error {
  constructor(
    readonly code: 'slug_taken' | 'bad_slug' | 'bad_name' | 'bad_url' | 'no_source' | 'unknown',
    message: string,
  ) {
    super(message);
  }
}

/** Checks a declaration the way the file's parser would (messages in French, for the console). */
export function checkDeclaration(n: NetworkDeclaration): void {
  if (!SLUG_PATTERN.test(n.slug))
    throw new EditError('bad_slug', 'identifiant : lettres minuscules, chiffres et tirets');
  if (!n.name.trim()) throw new EditError('bad_name', 'le nom est obligatoire');
  for (const url of [n.site, ...n.feeds, ...n.agendas])
    if (url !== null && !isHttpUrl(url))
      throw new EditError('bad_url', `adresse invalide « ${url} » (http:// ou https://)`);
  if (!n.site && !n.feeds.length && !n.agendas.length)
    throw new EditError('no_source', 'indiquez au moins un site, un flux ou un agenda');
}

/** A network declaration from loose input: trimmed, duplicates dropped, webcal:// read as https. */
export function normalizeDeclaration(n: NetworkDeclaration): NetworkDeclaration {
  const list = (v: string[]) => [...new Set(v.map((s) => s.trim()).filter(Boolean))];
  const agendas = list(n.agendas.map(webcalToHttps));
  return {
    slug: n.slug.trim().toLowerCase(),
    name: n.name.trim(),
    site: n.site?.trim() || null,
    territory: n.territory?.trim() || null,
    tags: list(n.tags),
    description: n.description?.trim() || null,
    feeds: list(n.feeds).filter((f) => !agendas.includes(f)),
    agendas,
  };
}

async function apply(
  deps: Deps,
  change: (networks: NetworkDeclaration[]) => NetworkDeclaration[],
): Promise<SyncReport> {
  const federation = await exportFederation(deps);
  const report = await syncFederation(deps, {
    ...federation,
    networks: change(federation.networks),
  });
  if (report.writes) await recordConsoleEdit(deps);
  return report;
}

/** Adds a network, or brings back a retired one under the same slug. */
export async function addNetwork(deps: Deps, input: NetworkDeclaration): Promise<SyncReport> {
  const n = normalizeDeclaration(input);
  checkDeclaration(n);
  return apply(deps, (list) => {
    if (list.some((o) => o.slug === n.slug))
      throw new EditError('slug_taken', `l’identifiant « ${n.slug} » est déjà pris`);
    return [...list, n];
  });
}

/** Replaces a network's declared fields (name, site, territory, tags, feeds, agendas…). */
export async function updateNetwork(
  deps: Deps,
  slug: string,
  patch: (current: NetworkDeclaration) => NetworkDeclaration,
): Promise<SyncReport> {
  return apply(deps, (list) => {
    const i = list.findIndex((o) => o.slug === slug);
    if (i < 0) throw new EditError('unknown', `aucun réseau actif « ${slug} »`);
    const next = normalizeDeclaration({ ...patch(list[i]!), slug });
    checkDeclaration(next);
    return list.map((o, j) => (j === i ? next : o));
  });
}

/** Takes a network out of the federation: kept (its history stays readable), no longer pulled. */
export async function retireNetwork(deps: Deps, slug: string): Promise<SyncReport> {
  return apply(deps, (list) => {
    if (!list.some((o) => o.slug === slug))
      throw new EditError('unknown', `aucun réseau actif « ${slug} »`);
    return list.filter((o) => o.slug !== slug);
  });
}

/** Pauses (or resumes) the pulling of a network's sources; resumed ones are due at once. */
export async function setNetworkPaused(deps: Deps, slug: string, paused: boolean): Promise<number> {
  const rows = await deps.db.orm
    .update(sources)
    .set(paused ? { status: 'paused' } : { status: 'active', nextFetchAt: 0 })
    .where(
      and(eq(sources.networkSlug, slug), inArray(sources.status, paused ? ['active'] : ['paused'])),
    )
    .returning({ id: sources.id });
  return rows.length;
}

/** Brings a retired network back, with every feed and agenda it ever had. */
export async function reinstateNetwork(deps: Deps, slug: string): Promise<SyncReport> {
  const [row] = (await listNetworks(deps, { includeInactive: true })).filter(
    (n) => n.slug === slug && !n.active,
  );
  if (!row) throw new EditError('unknown', `aucun réseau retiré « ${slug} »`);
  const everything = {
    ...row,
    sources: row.sources.map((s) => ({ ...s, status: 'active' as const })),
  };
  return addNetwork(deps, declarationOf(everything));
}
