/**
 * Undoing a wrong merge: an admin moves one entry out of its item into a story of its own.
 * A pin in entry_splits keeps it apart on later pulls (see Matcher).
 */
import { mergeReasonWords } from './merge-reasons.ts';
import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../../deps.ts';
import { insertKeys } from '../../db/item-keys.ts';
import { entries, entrySplits, itemKeys, items, texts } from '../../db/schema/items.ts';
import { entryWithText, textOfEntry } from '../../db/texts.ts';
import { textParam } from '../../db/text-value.ts';
import { deriveItem } from './best-item.ts';
import { indexKeyNumbers } from './fingerprint.ts';
import { newItemId } from './item-id.ts';
import { serialized } from '../serialize.ts';
import { storeInTurn } from '../store-lease.ts';

export class SplitError extends Error {
  constructor(
    readonly code: 'not_found' | 'alone',
    message: string,
  ) {
    super(message);
    this.name = 'SplitError';
  }
}

export interface SplitResult {
  entryId: number;
  fromItemId: string;
  toItemId: string;
}

/**
 * Moves entry `entryId` to a new item; the old item is re-derived from the entries left. It
 * takes the stores' turn (serialized here, the store lease elsewhere): a document stored in
 * between would derive the item from entries the split is moving, or the other way round.
 */
export function splitEntry(deps: Deps, entryId: number): Promise<SplitResult> {
  return serialized(deps.db, () => storeInTurn(deps, () => split(deps, entryId)));
}

async function split(deps: Deps, entryId: number): Promise<SplitResult> {
  const orm = deps.db.orm;
  const now = deps.clock.now().getTime();
  const withText = () => orm.select(entryWithText).from(entries).leftJoin(texts, textOfEntry);
  const [entry] = await withText().where(eq(entries.id, entryId));
  if (!entry) throw new SplitError('not_found', `No entry #${entryId}.`);
  const siblings = await withText().where(eq(entries.itemId, entry.itemId));
  const rest = siblings.filter((e) => e.id !== entry.id);
  if (!rest.length)
    throw new SplitError(
      'alone',
      `Entry #${entryId} is the only entry of item ${entry.itemId}: nothing to split.`,
    );

  const fromItemId = entry.itemId;
  const toItemId = newItemId();
  const previous = `${entry.mergeReason}${entry.mergeDetail ? ` — ${entry.mergeDetail}` : ''}`;
  const moved = { ...entry, itemId: toItemId };
  const { id: _id, searchText: remainingText, ...remaining } = deriveItem(fromItemId, rest);
  const movedItem = deriveItem(toItemId, [moved]);
  const bands = indexKeyNumbers(entry).map((key) => ({
    key,
    entryId: entry.id,
    publishedAt: entry.publishedAt,
  }));
  // Index rows point at an entry (item_keys): those of the old story that pointed at the
  // moved entry now point at the first entry left, so that they keep finding the old story;
  // the moved entry then gets its own keys, which find the new one.
  const [first] = rest;
  const keysLeft = orm
    .insert(itemKeys)
    .select(
      orm
        .select({
          key: itemKeys.key,
          publishedAt: itemKeys.publishedAt,
          entryId: sql`${first!.id}`.as('entry_id'),
        })
        .from(itemKeys)
        .where(eq(itemKeys.entryId, entry.id)),
    )
    .onConflictDoNothing();
  await deps.db.batch([
    orm.insert(items).values({
      ...movedItem,
      searchText: textParam(movedItem.searchText),
      updatedAt: now,
    }),
    orm
      .update(entries)
      .set({
        itemId: toItemId,
        splitFromItemId: fromItemId,
        mergeReason: 'manual',
        mergeDetail: `${mergeReasonWords('manual')} — split from item ${fromItemId} by an admin on ${new Date(now).toISOString()} (was: ${previous})`,
      })
      .where(eq(entries.id, entry.id)),
    orm
      .update(items)
      .set({ ...remaining, searchText: textParam(remainingText), updatedAt: now })
      .where(eq(items.id, fromItemId)),
    orm.insert(entrySplits).values({
      sourceId: entry.sourceId,
      guidHash: entry.guidHash,
      canonicalUrl: entry.canonicalUrl,
      titleKey: entry.titleKey,
      fromItemId,
      toItemId,
      createdAt: now,
    }),
    keysLeft,
    orm.delete(itemKeys).where(eq(itemKeys.entryId, entry.id)),
    ...insertKeys(deps.db, bands),
  ]);
  return { entryId, fromItemId, toItemId };
}
