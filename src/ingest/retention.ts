/**
 * Retention (HUB_RETENTION_MONTHS, off by default): stories older than N months are pruned, and
 * a feed that still lists them does not store them again (it would re-add what was pruned at
 * every pull). A story is old when every entry of it was published before the cut-off. Once a
 * day, at the scheduled pull's tick; one transaction (one D1 batch). The same daily upkeep,
 * retention or not, deletes the texts nothing points to any more (pruned stories' and the
 * former texts of edited entries: db/texts.ts).
 */
import { and, eq, gte, inArray, lt, notExists, or, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { Statement } from '../db/client.ts';
import { entries, itemKeys, items } from '../db/schema/items.ts';
import { settings } from '../db/schema/networks.ts';
import { deleteOrphanTexts } from '../db/texts.ts';

/** Pruning scans the dedup keys: once a day is enough. */
const PRUNE_EVERY_MS = 24 * 3600_000;
const LAST_PRUNE = 'retention_pruned_at';

/** The cut-off (epoch ms) for `months`, or null when retention is off. */
export function retentionCutoff(deps: Deps, now: number): number | null {
  const months = deps.config.retentionMonths;
  if (!months) return null;
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/**
 * Deletes old stories with their entries, dedup keys and texts, and the texts nothing points
 * to; returns how many stories went.
 */
export async function pruneOldStories(deps: Deps, options: { force?: boolean } = {}) {
  const now = deps.clock.now().getTime();
  const cutoff = retentionCutoff(deps, now);
  const orm = deps.db.orm;
  const [last] = await orm.select().from(settings).where(eq(settings.key, LAST_PRUNE));
  if (!options.force && last && now - Number(last.value) < PRUNE_EVERY_MS) return 0;
  const done = orm
    .insert(settings)
    .values({ key: LAST_PRUNE, value: String(now) })
    .onConflictDoUpdate({ target: settings.key, set: { value: String(now) } });
  if (cutoff === null) {
    await deps.db.batch([deleteOrphanTexts(orm), done]);
    return 0;
  }
  // Old: published before the cut-off, and no entry of it published since. Every statement
  // selects them with SQL (no bound list: D1 takes 100 parameters per statement).
  const recentEntry = orm
    .select({ one: sql`1` })
    .from(entries)
    .where(and(eq(entries.itemId, items.id), gte(entries.publishedAt, cutoff)));
  const oldItems = and(lt(items.publishedAt, cutoff), notExists(recentEntry));
  const oldIds = orm.select({ id: items.id }).from(items).where(oldItems);
  const [{ count } = { count: 0 }] = await orm
    .select({ count: sql<number>`count(*)` })
    .from(items)
    .where(oldItems);
  const writes: Statement[] = [
    // Keys published before the cut-off only ever matched stories that old (the candidate
    // window is 30 days); an old story's keys may be later if an edit moved its date back.
    orm
      .delete(itemKeys)
      .where(
        or(
          lt(itemKeys.publishedAt, cutoff),
          inArray(
            itemKeys.entryId,
            orm.select({ id: entries.id }).from(entries).where(inArray(entries.itemId, oldIds)),
          ),
        ),
      ),
    orm.delete(entries).where(inArray(entries.itemId, oldIds)),
    // Their entries gone, the old stories are those published before the cut-off left bare.
    orm
      .delete(items)
      .where(
        and(
          lt(items.publishedAt, cutoff),
          notExists(orm.select({ one: sql`1` }).from(entries).where(eq(entries.itemId, items.id))),
        ),
      ),
    deleteOrphanTexts(orm),
    done,
  ];
  await deps.db.batch(writes);
  if (count) deps.log.info('old stories pruned', { stories: count, cutoff });
  return count;
}
