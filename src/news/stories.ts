/**
 * Reading helpers for stories (items) and where they were seen (entries), shared by the
 * pages, the feeds, the digest and the admin tools.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import {
  entries,
  entrySplits,
  items,
  texts,
  type EntryRow,
  type EntrySplitRow,
} from '../db/schema/items.ts';
import { itemWithText, textOfItem, type ItemWithText } from '../db/texts.ts';
import { upstreamEntries, upstreamNetworks } from '../db/schema/upstream.ts';
import { canonicalUrl, withoutTracking } from '../ingest/canonical-url.ts';
import { chunks, IN_LIST } from '../ingest/dedupe/chunk.ts';

/** Which networks published a story and every link it was seen at (JSON Feed `_hub`). */
export interface Provenance {
  /** Network slugs, earliest publisher first. */
  networks: string[];
  /** Links without tracking parameters, one per canonical URL, earliest first. */
  links: string[];
  /**
   * The latest update its publishers gave it: each entry's own <updated> (else its
   * publication), as the feeds said it, not when the hub stored it (Atom <updated>).
   */
  modifiedAt: number;
  /**
   * Networks of another hub that published the story, when one of `networks` is a hub whose
   * feed says so (hubs of hubs): shown as "Animacoop, via Hub Occitanie", filtered on.
   */
  origins?: Origin[];
}

/** A network of an upstream hub, and the member network (a hub) it came through. */
export interface Origin {
  slug: string;
  name: string;
  via: string;
}

/** Provenance of each item (items without entries are absent from the map). */
export async function itemProvenance(
  deps: Deps,
  itemIds: string[],
): Promise<Map<string, Provenance>> {
  const out = new Map<string, Provenance>();
  const seenLinks = new Map<string, Set<string>>();
  // Upstream networks found, with the source whose feed named them (their names come after).
  const unnamed: Array<{ origin: Origin; sourceId: number }> = [];
  for (const part of chunks([...new Set(itemIds)], IN_LIST)) {
    const rows = await deps.db.orm
      .select({
        itemId: entries.itemId,
        networkSlug: entries.networkSlug,
        url: entries.url,
        publishedAt: entries.publishedAt,
        updatedAt: entries.updatedAt,
        id: entries.id,
        sourceId: entries.sourceId,
        upstream: upstreamEntries.networks,
      })
      .from(entries)
      .leftJoin(
        upstreamEntries,
        and(eq(upstreamEntries.sourceId, entries.sourceId), eq(upstreamEntries.guid, entries.guid)),
      )
      .where(inArray(entries.itemId, part))
      .orderBy(asc(entries.publishedAt), asc(entries.id));
    for (const r of rows) {
      let p = out.get(r.itemId);
      if (!p) out.set(r.itemId, (p = { networks: [], links: [], modifiedAt: 0 }));
      if (!p.networks.includes(r.networkSlug)) p.networks.push(r.networkSlug);
      p.modifiedAt = Math.max(p.modifiedAt, r.updatedAt, r.publishedAt);
      if (r.upstream?.length) {
        const origins = (p.origins ??= []);
        for (const slug of r.upstream)
          if (!origins.some((o) => o.slug === slug && o.via === r.networkSlug)) {
            const origin = { slug, name: slug, via: r.networkSlug };
            origins.push(origin);
            unnamed.push({ origin, sourceId: r.sourceId });
          }
      }
      if (!r.url) continue;
      const key = canonicalUrl(r.url) ?? r.url;
      let seen = seenLinks.get(r.itemId);
      if (!seen) seenLinks.set(r.itemId, (seen = new Set()));
      if (!seen.has(key)) {
        seen.add(key);
        p.links.push(withoutTracking(r.url));
      }
    }
  }
  await nameOrigins(deps, unnamed);
  return out;
}

/** Upstream networks get the names their hub's feed gave (one query, only when there are any). */
async function nameOrigins(
  deps: Deps,
  unnamed: Array<{ origin: Origin; sourceId: number }>,
): Promise<void> {
  if (!unnamed.length) return;
  const names = new Map<string, string>();
  for (const part of chunks([...new Set(unnamed.map((u) => u.sourceId))], IN_LIST)) {
    const rows = await deps.db.orm
      .select({
        sourceId: upstreamNetworks.sourceId,
        slug: upstreamNetworks.slug,
        name: upstreamNetworks.name,
      })
      .from(upstreamNetworks)
      .where(inArray(upstreamNetworks.sourceId, part));
    for (const r of rows) names.set(`${r.sourceId} ${r.slug}`, r.name);
  }
  for (const { origin, sourceId } of unnamed)
    origin.name = names.get(`${sourceId} ${origin.slug}`) ?? origin.slug;
}

/** A story with each of its entries and why it joined: what `intercoop items show` prints. */
export interface ItemExplanation {
  item: ItemWithText;
  entries: Array<
    Pick<
      EntryRow,
      | 'id'
      | 'sourceId'
      | 'networkSlug'
      | 'url'
      | 'canonicalUrl'
      | 'title'
      | 'publishedAt'
      | 'firstSeenAt'
      | 'mergeReason'
      | 'mergeDetail'
    >
  >;
  /** Admin splits that moved entries out of this item or into it. */
  splits: EntrySplitRow[];
}

export async function explainItem(deps: Deps, itemId: string): Promise<ItemExplanation | null> {
  const orm = deps.db.orm;
  const [item] = await orm
    .select(itemWithText)
    .from(items)
    .leftJoin(texts, textOfItem)
    .where(eq(items.id, itemId));
  if (!item) return null;
  const rows = await orm
    .select({
      id: entries.id,
      sourceId: entries.sourceId,
      networkSlug: entries.networkSlug,
      url: entries.url,
      canonicalUrl: entries.canonicalUrl,
      title: entries.title,
      publishedAt: entries.publishedAt,
      firstSeenAt: entries.firstSeenAt,
      mergeReason: entries.mergeReason,
      mergeDetail: entries.mergeDetail,
    })
    .from(entries)
    .where(eq(entries.itemId, itemId))
    .orderBy(asc(entries.firstSeenAt), asc(entries.id));
  const splits = [
    ...(await orm.select().from(entrySplits).where(eq(entrySplits.fromItemId, itemId))),
    ...(await orm.select().from(entrySplits).where(eq(entrySplits.toItemId, itemId))),
  ];
  return { item, entries: rows, splits };
}

/**
 * Each network's latest <updated> as its own feeds gave it (the newest `updated` of its
 * entries), for Atom's <source><updated>: one probe of entries_network_updated per network.
 */
export async function networksModifiedAt(
  deps: Deps,
  slugs: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(slugs)], IN_LIST)) {
    const rows = await deps.db.orm
      .select({
        slug: sql<string>`n.value`,
        at: sql<
          number | null
        >`(select max(e.updated_at) from entries e where e.network_slug = n.value)`,
      })
      .from(sql`json_each(${JSON.stringify(part)}) n`);
    for (const r of rows) if (r.at !== null) out.set(r.slug, Number(r.at));
  }
  return out;
}
