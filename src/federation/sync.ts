/**
 * Loads a parsed federation into the store: networks upserted, the ones gone deactivated,
 * sources added, reactivated or marked removed, the `hub:` block stored. One batch (one
 * transaction on SQLite, one D1 batch on Workers), so a sync is all or nothing; a second
 * sync of the same file finds nothing to change and writes nothing.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { insertGroups, type Statement } from '../db/client.ts';
import { writeHubSettings, type HubSettings } from '../db/hub-settings.ts';
import { networks, settings } from '../db/schema/networks.ts';
import { sources } from '../db/schema/sources.ts';
import type { Federation } from './networks-file.ts';
import { isEmptyPlan, planSync, type SyncPlan } from './plan.ts';
import { chunks, IN_LIST } from '../ingest/dedupe/chunk.ts';

export interface SyncReport {
  networks: { added: number; updated: number; deactivated: number; unchanged: number };
  sources: {
    added: number;
    reactivated: number;
    updated: number;
    removed: number;
    unchanged: number;
  };
  /** The hub block (title, base_url, language, timezone) differed from the stored one. */
  hubUpdated: boolean;
  /** Statements run (0 when the store already matched the file). */
  writes: number;
}

export async function syncFederation(deps: Deps, federation: Federation): Promise<SyncReport> {
  const [storedNetworks, storedSources] = await Promise.all([
    deps.db.orm.select().from(networks),
    deps.db.orm
      .select({
        id: sources.id,
        networkSlug: sources.networkSlug,
        kind: sources.kind,
        url: sources.url,
        status: sources.status,
      })
      .from(sources),
  ]);
  const plan = planSync(federation, storedNetworks, storedSources);
  const statements = isEmptyPlan(plan) ? [] : toStatements(deps, plan, deps.clock.now().getTime());
  await deps.db.batch(statements);

  const hubUpdated = !(await hubStored(deps, federation));
  if (hubUpdated) await writeHubSettings(deps.db, federation.hub);

  return {
    networks: {
      added: plan.insertNetworks.length,
      updated: plan.updateNetworks.length,
      deactivated: plan.deactivateNetworks.length,
      unchanged: plan.unchangedNetworks,
    },
    sources: {
      added: plan.insertSources.length,
      reactivated: plan.reactivateSources.length,
      updated: plan.retypeSources.length,
      removed: plan.removeSources.length,
      unchanged: plan.unchangedSources,
    },
    hubUpdated,
    writes: statements.length + (hubUpdated ? 1 : 0),
  };
}

/** Whether the stored hub block already equals the file's (compared as values, not as JSON text). */
async function hubStored(deps: Deps, federation: Federation): Promise<boolean> {
  const [row] = await deps.db.orm.select().from(settings).where(eq(settings.key, 'hub'));
  if (!row) return false;
  let stored: Partial<HubSettings>;
  try {
    stored = JSON.parse(row.value) as Partial<HubSettings>;
  } catch {
    return false;
  }
  const h = federation.hub;
  return (
    stored.title === h.title &&
    stored.baseUrl === h.baseUrl &&
    stored.language === h.language &&
    stored.timezone === h.timezone &&
    (stored.coordinators ?? []).join('\n') === (h.coordinators ?? []).join('\n')
  );
}

function toStatements(deps: Deps, plan: SyncPlan, now: number): Statement[] {
  const orm = deps.db.orm;
  const out: Statement[] = [];
  // Networks first: sources reference them.
  const newNetworks = plan.insertNetworks.map((n) => ({ ...n, createdAt: now, updatedAt: now }));
  for (const rows of insertGroups(deps.db, networks, newNetworks))
    out.push(orm.insert(networks).values(rows));
  for (const u of plan.updateNetworks)
    out.push(
      orm
        .update(networks)
        .set({ ...u.set, updatedAt: now })
        .where(eq(networks.slug, u.slug)),
    );
  for (const slugs of chunks(plan.deactivateNetworks, IN_LIST)) {
    out.push(
      orm
        .update(networks)
        .set({ active: false, updatedAt: now })
        .where(inArray(networks.slug, slugs)),
    );
  }
  const newSources = plan.insertSources.map((s) => ({
    ...s,
    fetchUrl: s.url,
    status: 'active' as const,
    nextFetchAt: 0,
    createdAt: now,
  }));
  for (const rows of insertGroups(deps.db, sources, newSources))
    out.push(orm.insert(sources).values(rows));
  for (const r of plan.reactivateSources) {
    // Back in the file: due on the next pull. Its validators and health stay (the feed may well be unchanged).
    const retype = r.retyped
      ? { kind: r.kind, fetchUrl: r.url, etag: null, lastModified: null }
      : {};
    out.push(
      orm
        .update(sources)
        .set({ status: 'active', nextFetchAt: 0, ...retype })
        .where(eq(sources.id, r.id)),
    );
  }
  for (const r of plan.retypeSources) {
    // Read as another kind now: what was learnt about the old reading (discovered URL, validators) no longer holds.
    out.push(
      orm
        .update(sources)
        .set({ kind: r.kind, fetchUrl: r.url, etag: null, lastModified: null, nextFetchAt: 0 })
        .where(eq(sources.id, r.id)),
    );
  }
  for (const ids of chunks(plan.removeSources, IN_LIST)) {
    out.push(orm.update(sources).set({ status: 'removed' }).where(inArray(sources.id, ids)));
  }
  return out;
}
