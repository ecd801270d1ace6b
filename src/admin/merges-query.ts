/**
 * The recent merges, for the console (the one place that lists them; `intercoop items show`
 * explains one story): entries that joined a story another entry started, each with the
 * story it joined, so a coordinator can check them and split a wrong one.
 */
import { and, desc, eq, inArray, notInArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { entries, items } from '../db/schema/index.ts';

export interface MergeRow {
  entryId: number;
  entryTitle: string;
  entryUrl: string | null;
  networkSlug: string;
  reason: string;
  detail: string | null;
  seenAt: number;
  itemId: string;
  itemTitle: string;
  itemUrl: string | null;
  /** The networks of the story's other entries. */
  with: string[];
}

/**
 * Newest first; 'first' (started its story) and 'manual' (already split) are not merges. Rows
 * are read newest id first (ids grow with insertion): merges are a large share of entries, and
 * the primary key orders them without a sort or another index.
 */
export async function recentMerges(deps: Deps, limit = 50): Promise<MergeRow[]> {
  const rows = await deps.db.orm
    .select({
      entryId: entries.id,
      entryTitle: entries.title,
      entryUrl: entries.url,
      networkSlug: entries.networkSlug,
      reason: entries.mergeReason,
      detail: entries.mergeDetail,
      seenAt: entries.firstSeenAt,
      itemId: entries.itemId,
      itemTitle: items.title,
      itemUrl: items.url,
    })
    .from(entries)
    .innerJoin(items, eq(items.id, entries.itemId))
    .where(notInArray(entries.mergeReason, ['first', 'manual']))
    .orderBy(desc(entries.id))
    .limit(limit);
  if (!rows.length) return [];
  const siblings = await deps.db.orm
    .select({ id: entries.id, itemId: entries.itemId, networkSlug: entries.networkSlug })
    .from(entries)
    .where(and(inArray(entries.itemId, [...new Set(rows.map((r) => r.itemId))])));
  return rows.map((r) => ({
    ...r,
    with: [
      ...new Set(
        siblings
          .filter((s) => s.itemId === r.itemId && s.id !== r.entryId)
          .map((s) => s.networkSlug),
      ),
    ],
  }));
}
