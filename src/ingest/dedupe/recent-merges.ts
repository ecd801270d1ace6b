/**
 * The latest merges, stories and events together, each with its reason in words: what the
 * console lists so a coordinator can check them (and split a wrong one).
 */
import { desc, eq, ne } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { entries } from '../../db/schema/items.ts';
import { events, eventSources } from '../../db/schema/events.ts';
import { mergeReasonWords } from './merge-reasons.ts';

export interface RecentMerge {
  kind: 'story' | 'event';
  /** When the merged entry or event copy was first seen (epoch ms). */
  at: number;
  /** The network whose copy joined. */
  network: string;
  /** Its title as that network gave it. */
  title: string;
  /** The story (items.id) or event (events.id) it joined. */
  targetId: string;
  /** Entry id (stories: `items split` takes it) or provenance id (events). */
  id: number;
  reason: string;
  /** The reason in words ("même URL canonique", "extrait relayé", "même événement"…). */
  words: string;
  /** What decided, as recorded at the merge. */
  detail: string | null;
}

/**
 * The `limit` latest merges. Rows are read newest id first (ids grow with insertion), so no
 * index beyond the primary key is needed: merges are a large share of entries.
 */
export async function recentMerges(db: Database, limit = 50): Promise<RecentMerge[]> {
  const stories = await db.orm
    .select({
      id: entries.id,
      at: entries.firstSeenAt,
      network: entries.networkSlug,
      title: entries.title,
      targetId: entries.itemId,
      reason: entries.mergeReason,
      detail: entries.mergeDetail,
    })
    .from(entries)
    .where(ne(entries.mergeReason, 'first'))
    .orderBy(desc(entries.id))
    .limit(limit);
  const agenda = await db.orm
    .select({
      id: eventSources.id,
      at: eventSources.firstSeenAt,
      network: eventSources.networkSlug,
      title: events.title,
      targetId: eventSources.eventId,
      reason: eventSources.mergeReason,
      detail: eventSources.mergeDetail,
    })
    .from(eventSources)
    .innerJoin(events, eq(events.id, eventSources.eventId))
    .where(ne(eventSources.mergeReason, 'first'))
    .orderBy(desc(eventSources.id))
    .limit(limit);
  return [
    ...stories.map((r) => ({ ...r, kind: 'story' as const, words: mergeReasonWords(r.reason) })),
    ...agenda.map((r) => ({ ...r, kind: 'event' as const, words: mergeReasonWords(r.reason) })),
  ]
    .sort((a, b) => b.at - a.at || b.id - a.id)
    .slice(0, limit);
}
