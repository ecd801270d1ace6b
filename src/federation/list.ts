/**
 * The federation as stored, for `networks list` and the admin API: networks with their sources
 * and each source's health, sources filtered by state, and the latest pulls.
 */
import { and, asc, desc, eq, gt, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { networks, type NetworkRow } from '../db/schema/networks.ts';
import { pulls, sources, type SourceRow } from '../db/schema/sources.ts';
import { maskedUrl, withMaskedCredentials } from '../public-url.ts';
import { sourceTruncation, truncationText } from '../ingest/truncation.ts';

/**
 * ok: last fetch succeeded · failing: the latest fetches failed (still retried, with backoff) ·
 * pending: never fetched yet · paused: stopped for now in the console · retired: the server said
 * 410 · removed: gone from the federation file (or retired in the console).
 */
export type SourceHealth = 'ok' | 'failing' | 'pending' | 'paused' | 'retired' | 'removed';

export function healthOf(
  s: Pick<SourceRow, 'status' | 'errorCount' | 'lastFetchAt'>,
): SourceHealth {
  if (s.status === 'retired') return 'retired';
  if (s.status === 'paused') return 'paused';
  if (s.status === 'removed') return 'removed';
  if (s.errorCount > 0) return 'failing';
  return s.lastFetchAt ? 'ok' : 'pending';
}

export interface NetworkWithSources extends NetworkRow {
  sources: SourceRow[];
}

/** Every network, active first then by slug, each with its sources (oldest first). */
export async function listNetworks(
  deps: Deps,
  options: { includeInactive?: boolean } = {},
): Promise<NetworkWithSources[]> {
  const [nets, srcs] = await Promise.all([
    deps.db.orm.select().from(networks).orderBy(desc(networks.active), asc(networks.slug)),
    deps.db.orm.select().from(sources).orderBy(asc(sources.id)),
  ]);
  const bySlug = new Map<string, SourceRow[]>();
  for (const s of srcs) {
    const list = bySlug.get(s.networkSlug);
    if (list) list.push(s);
    else bySlug.set(s.networkSlug, [s]);
  }
  return nets
    .filter((n) => options.includeInactive !== false || n.active)
    .map((n) => ({ ...n, sources: bySlug.get(n.slug) ?? [] }));
}

export const SOURCE_STATUSES = ['active', 'paused', 'retired', 'removed'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

export interface SourceFilter {
  status?: SourceStatus;
  network?: string;
  /** Only active sources whose latest fetch failed. */
  failing?: boolean;
}

export async function listSources(deps: Deps, filter: SourceFilter = {}): Promise<SourceRow[]> {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(sources.status, filter.status));
  if (filter.network) where.push(eq(sources.networkSlug, filter.network));
  if (filter.failing) where.push(eq(sources.status, 'active'), gt(sources.errorCount, 0));
  return deps.db.orm
    .select()
    .from(sources)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(sources.networkSlug), asc(sources.id));
}

export type PullRow = typeof pulls.$inferSelect;

/** The latest pulls, newest first. */
export async function listPulls(deps: Deps, limit: number): Promise<PullRow[]> {
  return deps.db.orm
    .select()
    .from(pulls)
    .orderBy(desc(pulls.startedAt), desc(pulls.id))
    .limit(limit);
}

const iso = (t: number | null | undefined) => (t ? new Date(t).toISOString() : null);

function truncationJson(s: SourceRow) {
  const t = sourceTruncation(s);
  return t ? { ...t, text: truncationText(t) } : null;
}

/**
 * A source as JSON (snake_case, ISO dates; next_fetch_at null = due on the next pull), for the
 * coordinators: a private feed's password is shown as `***`.
 */
export function sourceJson(s: SourceRow) {
  return {
    id: s.id,
    network: s.networkSlug,
    kind: s.kind,
    url: maskedUrl(s.url),
    fetch_url: maskedUrl(s.fetchUrl),
    title: s.title,
    status: s.status,
    health: healthOf(s),
    last_status: s.lastStatus,
    last_error: s.lastError === null ? null : withMaskedCredentials(s.lastError),
    last_error_kind: s.lastErrorKind,
    error_count: s.errorCount,
    /** { kept, total, text } when the last read stored the document in part (a cap). */
    truncated: truncationJson(s),
    /** What the recovering pass repaired in the last document read (French), else null. */
    last_warning: s.lastWarning,
    last_fetch_at: iso(s.lastFetchAt),
    last_success_at: iso(s.lastSuccessAt),
    next_fetch_at: iso(s.nextFetchAt),
    redirect_url: maskedUrl(s.redirectUrl),
    created_at: iso(s.createdAt),
  };
}

export function networkJson(n: NetworkWithSources) {
  return {
    slug: n.slug,
    name: n.name,
    site: maskedUrl(n.site),
    territory: n.territory,
    tags: n.tags ?? [],
    description: n.description,
    active: n.active,
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
    sources: n.sources.map(sourceJson),
  };
}

export function pullJson(p: PullRow) {
  return {
    id: p.id,
    trigger: p.trigger,
    started_at: iso(p.startedAt),
    finished_at: iso(p.finishedAt),
    sources: p.sources,
    ok: p.ok,
    not_modified: p.notModified,
    failed: p.failed,
    new_items: p.newItems,
    updated_items: p.updatedItems,
  };
}
