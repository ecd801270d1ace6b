/**
 * The steps of the daily prune (ingest/retention.ts), each one bounded and each its own
 * transaction (one D1 batch or one statement), so that a prune over a large database never asks
 * D1 for one huge transaction (D1 caps a query at 30 s, and a batch is one transaction: a prune
 * of hundreds of thousands of rows in one batch failed, and failed again every day). Every step
 * leaves the database consistent: a story goes with its entries in one batch (no entry ever
 * points to a missing story), and the dedup keys and texts left behind by a step only wait for
 * a later step (meanwhile a key whose entry is gone is skipped by the candidate lookup, which
 * joins entries, and a text nothing points to is read by nobody).
 */
import { and, eq, gte, inArray, isNotNull, lt, notExists, notInArray, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { entries, itemKeys, items, texts } from '../db/schema/items.ts';
import { settings } from '../db/schema/networks.ts';

/** Where the dedup keys' sweep stopped (the last key it went through), kept between runs. */
const KEYS_SWEPT_TO = 'retention_keys_swept_to';

/** Keys are integers ≥ 0 (dedupe/key-number.ts): the sweep starts above this. */
const BEFORE_ALL_KEYS = -1;

/** `column in (the values of list)`: one bound value whatever the length (D1 takes 100). */
const inJson = (column: unknown, list: unknown[]) =>
  sql`${column} in (select value from json_each(${JSON.stringify(list)}))`;

/**
 * Old: published before the cut-off, and no entry of it published since (a story is old when
 * every entry of it is).
 */
function oldStory(orm: Database['orm'], cutoff: number) {
  const recentEntry = orm
    .select({ one: sql`1` })
    .from(entries)
    .where(and(eq(entries.itemId, items.id), gte(entries.publishedAt, cutoff)));
  return and(lt(items.publishedAt, cutoff), notExists(recentEntry));
}

/** Where the stories' step goes on from: the last story it read, in publication order. */
export interface StoryCursor {
  publishedAt: number;
  rowid: number;
}

/**
 * Deletes up to `limit` old stories after `after` (oldest first) with their entries, in one
 * batch; returns how many it found and where to go on from, null once none is left.
 * The read walks the publication index from the cursor, so the old stories that a recent entry
 * keeps are passed over once per run, not at every step. The batch checks again that each is
 * still old: a store between the read and the batch may have given one a recent entry.
 */
export async function pruneStoriesStep(
  db: Database,
  cutoff: number,
  limit: number,
  after: StoryCursor | null,
): Promise<{ found: number; next: StoryCursor | null }> {
  const from = after ?? { publishedAt: Number.MIN_SAFE_INTEGER, rowid: 0 };
  // rowid is the index's own tie-break (items_published is on published_at, then rowid): the
  // walk and its order come from the index, with no sort of every old story at each step.
  const found = await db.rows(
    `select id, published_at, rowid from items
      where published_at < ? and (published_at, rowid) > (?, ?)
        and not exists (select 1 from entries
          where entries.item_id = items.id and entries.published_at >= ?)
      order by published_at, rowid limit ?`,
    [cutoff, from.publishedAt, from.rowid, cutoff, limit],
  );
  if (!found.length) return { found: 0, next: null };
  const ids = found.map((r) => r[0] as string);
  const orm = db.orm;
  const stillOld = orm
    .select({ id: items.id })
    .from(items)
    .where(and(inJson(items.id, ids), oldStory(orm, cutoff)));
  await db.batch([
    orm.delete(entries).where(inArray(entries.itemId, stillOld)),
    // Their entries gone, the stories to delete are those of the list left bare.
    orm
      .delete(items)
      .where(
        and(
          inJson(items.id, ids),
          lt(items.publishedAt, cutoff),
          notExists(orm.select({ one: sql`1` }).from(entries).where(eq(entries.itemId, items.id))),
        ),
      ),
  ]);
  const last = found[found.length - 1]!;
  return {
    found: found.length,
    next: { publishedAt: Number(last[1]), rowid: Number(last[2]) },
  };
}

/** Where the dedup keys' sweep stands: the last key it went through, or 'done'. */
export type KeysSweep = number | 'done';

/** Where this prune's sweep of the dedup keys stands (kept between runs). */
export async function keysSweep(db: Database): Promise<KeysSweep> {
  const [saved] = await db.orm
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, KEYS_SWEPT_TO));
  if (!saved) return BEFORE_ALL_KEYS;
  return saved.value === 'done' ? 'done' : Number(saved.value);
}

/** Forgets the sweep's position (the prune is done: the next one sweeps from the start). */
export const forgetKeysSweep = (db: Database) =>
  db.orm.delete(settings).where(eq(settings.key, KEYS_SWEPT_TO));

/**
 * Deletes the dedup keys published before the cut-off among the next `rows` keys of the index
 * (in key order, from `from`, where the last step stopped), and records where it stopped, in
 * one batch; returns that, or 'done' once the sweep has gone through the whole index.
 *
 * Keys published before the cut-off only ever matched stories that old (the candidate window is
 * 30 days), pruned or not. The keys of the entries gone (pruned stories' entries, whose keys may
 * be later than the entry: an edit moved its date back) go too: the lookup joins entries, so
 * they found nothing, and no entry id is ever given twice. The index has no other order than the
 * key (db/schema/items.ts; no index on the entry: every new story writes ~11 keys), so steps go
 * by key ranges of a bounded number of rows, each row's entry found by its primary key, and the
 * sweep's position is kept in `settings` between runs: a run that stops half-way does not read
 * the index from its start again.
 */
export async function pruneKeysStep(
  db: Database,
  cutoff: number,
  rows: number,
  from: number,
): Promise<KeysSweep> {
  const orm = db.orm;
  const [end] = await db.rows(
    'select key from item_keys where key > ? order by key limit 1 offset ?',
    [from, rows - 1],
  );
  const to: KeysSweep = end ? Number(end[0]) : 'done';
  const range =
    to === 'done'
      ? sql`${itemKeys.key} > ${from}`
      : and(sql`${itemKeys.key} > ${from}`, sql`${itemKeys.key} <= ${to}`);
  const entry = orm.select({ one: sql`1` }).from(entries).where(eq(entries.id, itemKeys.entryId));
  await db.batch([
    orm.delete(itemKeys).where(and(range, or(lt(itemKeys.publishedAt, cutoff), notExists(entry)))),
    orm
      .insert(settings)
      .values({ key: KEYS_SWEPT_TO, value: String(to) })
      .onConflictDoUpdate({ target: settings.key, set: { value: String(to) } }),
  ]);
  return to;
}

/**
 * Deletes up to `limit` texts no entry or story points to any more (pruned stories' texts and
 * the former texts of edited entries), in one statement; returns how many went. Each step reads
 * the entries' and stories' keys once (there is no index on them: it would cost every stored
 * entry one more random write), so the steps are large: a first prune over a large database
 * takes a few, the daily upkeep one.
 */
export async function pruneTextsStep(db: Database, limit: number): Promise<number> {
  const orm = db.orm;
  const orphans = orm
    .select({ key: texts.key })
    .from(texts)
    .where(
      and(
        notInArray(
          texts.key,
          orm.select({ key: entries.textKey }).from(entries).where(isNotNull(entries.textKey)),
        ),
        notInArray(
          texts.key,
          orm.select({ key: items.textKey }).from(items).where(isNotNull(items.textKey)),
        ),
      ),
    )
    .limit(limit);
  const gone = await orm
    .delete(texts)
    .where(inArray(texts.key, orphans))
    .returning({ key: texts.key });
  return gone.length;
}
