/**
 * Stores one feed document's items for a source: new entries join an existing story (dedup)
 * or create one, edited entries update their story, unchanged ones cost no write at all.
 *
 * An entry is keyed by (source_id, guid_hash); its content_hash covers the normalised fields, so
 * a re-pull of an unchanged feed only reads. Reads are a handful of chunked queries per
 * document; writes go in one `deps.db.batch` (one transaction on SQLite, one D1 batch).
 */
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { Statement } from '../db/client.ts';
import { bulkInserts } from '../db/bulk-insert.ts';
import { ITEMS_PER_SLICE, yieldToEventLoop } from './yield.ts';
import { entries, items, type EntryRow, type ItemRow } from '../db/schema/items.ts';
import { insertKeys, keyNumber, type KeyRow } from '../db/item-keys.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { ParsedItem, StoreResult } from './types.ts';
import { prepareItems, type PreparedItem } from './dedupe/prepare.ts';
import { fingerprint, indexKeys, type Fingerprint } from './dedupe/fingerprint.ts';
import { Matcher, type MatchDecision } from './dedupe/matcher.ts';
import { entriesOfItems, knownEntries } from './dedupe/lookup.ts';
import { deriveItem, itemDiffers, type EntrySource } from './dedupe/best-item.ts';
import { newItemId } from './dedupe/item-id.ts';
import { chunks, IN_LIST } from './dedupe/chunk.ts';
import { retentionCutoff } from './retention.ts';

export interface StoreOptions {
  /** false: every new entry makes its own item (the baseline of bench/dedup). Default true. */
  dedupe?: boolean;
}

type NewEntry = typeof entries.$inferInsert;

/** What an entry stored without dedup carries: nothing to index. */
const NO_FINGERPRINT: Fingerprint = {
  titleKey: '',
  marks: '',
  minhash: '',
  shingleCount: 0,
  relay: false,
  textLength: 0,
  leadKey: '',
  leadProbes: '',
};

/** Publication of a new entry: missing → first seen; in the future → clamped to first seen. */
function publicationFor(raw: number | null, firstSeen: number): number {
  return raw === null || raw > firstSeen ? firstSeen : raw;
}

/** Store a parsed document's items for `source` (see module doc). */
export async function storeFeedItems(
  deps: Deps,
  source: SourceRow,
  parsed: ParsedItem[],
  options: StoreOptions = {},
): Promise<StoreResult> {
  return storePreparedItems(deps, source, await prepareItems(parsed), options);
}

/** Store a document's items already normalised by prepareItems (here or in another thread). */
export async function storePreparedItems(
  deps: Deps,
  source: SourceRow,
  preparedItems: PreparedItem[],
  options: StoreOptions = {},
): Promise<StoreResult> {
  const now = deps.clock.now().getTime();
  const orm = deps.db.orm;
  const result: StoreResult = { new: 0, updated: 0, unchanged: 0 };
  const dedupe = options.dedupe !== false;

  // 1. Normalised by prepareItems, one entry per guid.
  const prepared = new Map(preparedItems.map((p) => [p.guidHash, p]));
  if (!prepared.size) return result;

  // 2. What this source already has under these guids: content hashes from a covering index,
  // then the few rows an edit needs.
  const known = new Map<string, { id: number; contentHash: string }>();
  for (const r of await knownEntries(deps.db, source.id, [...prepared.keys()]))
    known.set(r.guidHash, r);
  const changedIds = [...prepared.values()].flatMap((p) => {
    const k = known.get(p.guidHash);
    return k && k.contentHash !== p.contentHash ? [k.id] : [];
  });
  const existing = new Map<
    string,
    Pick<EntryRow, 'id' | 'itemId' | 'contentHash' | 'firstSeenAt' | 'publishedAt'>
  >();
  for (const part of chunks(changedIds, IN_LIST)) {
    const rows = await orm
      .select({
        id: entries.id,
        guidHash: entries.guidHash,
        itemId: entries.itemId,
        contentHash: entries.contentHash,
        firstSeenAt: entries.firstSeenAt,
        publishedAt: entries.publishedAt,
      })
      .from(entries)
      .where(inArray(entries.id, part));
    for (const { guidHash, ...r } of rows) existing.set(guidHash, r);
  }

  const fresh: Array<{ p: PreparedItem; fp: Fingerprint; keys: string[]; publishedAt: number }> =
    [];
  const edited: Array<{
    p: PreparedItem;
    fp: Fingerprint;
    keys: string[];
    old: NonNullable<ReturnType<typeof existing.get>>;
  }> = [];
  let handled = 0;
  for (const p of prepared.values()) {
    if (++handled % ITEMS_PER_SLICE === 0) await yieldToEventLoop();
    const k = known.get(p.guidHash);
    if (k && k.contentHash === p.contentHash) {
      result.unchanged++;
      continue;
    }
    const old = existing.get(p.guidHash);
    const fp = dedupe ? (p.fp ?? fingerprint(p.title, p.contentHtml, p.summary)) : NO_FINGERPRINT;
    if (old) edited.push({ p, fp, keys: indexKeys(fp), old });
    else
      fresh.push({ p, fp, keys: indexKeys(fp), publishedAt: publicationFor(p.rawPublished, now) });
  }
  // Stories older than the retention are not stored again (they would be pruned again).
  const cutoff = retentionCutoff(deps, now);
  if (cutoff !== null) {
    const recent = fresh.filter((f) => f.publishedAt >= cutoff);
    result.unchanged += fresh.length - recent.length;
    fresh.splice(0, fresh.length, ...recent);
  }
  // Flood quota: one source adds at most maxNewPerPull entries per pull, the newest; the cut is
  // reported (and recorded on the source as a truncation). The others come in later pulls, if
  // the feed still lists them.
  const quota = deps.config.maxNewPerPull;
  if (fresh.length > quota) {
    fresh.sort((a, b) => b.publishedAt - a.publishedAt);
    const dropped = fresh.length - quota;
    fresh.length = quota;
    result.truncated = { kept: prepared.size - dropped, total: prepared.size };
    result.warning =
      `plafond de nouveautés atteint : ${quota} nouvelles entrées gardées (les plus récentes) ` +
      `sur ${quota + dropped} ; les autres viendront aux récupérations suivantes si le flux les ` +
      'garde (HUB_MAX_NEW_PER_PULL)';
  }
  if (!fresh.length && !edited.length) return result;

  // 3. Assign every new entry to an item.
  const inputs = fresh.map(({ p, fp, keys, publishedAt }) => ({
    sourceId: source.id,
    guid: p.guid,
    guidHash: p.guidHash,
    canonicalUrl: p.canonicalUrl,
    titleKey: fp.titleKey,
    marks: fp.marks,
    leadKey: fp.leadKey,
    leadProbes: fp.leadProbes,
    minhash: fp.minhash,
    shingleCount: fp.shingleCount,
    publishedAt,
    indexKeys: keys,
    text: fp.text ?? '',
  }));
  const matcher = await Matcher.load(deps.db, source.id, dedupe ? inputs : []);
  const createdItems = new Set<string>();
  const touchedItems = new Set<string>();
  const newEntryRows: NewEntry[] = [];
  const bandRows: KeyRow[] = [];
  const addBands = (keys: string[], itemId: string, publishedAt: number) => {
    for (const key of matcher.missingKeys(itemId, keys))
      bandRows.push({ key: keyNumber(key), itemId, publishedAt });
  };

  fresh.forEach(({ p, fp, keys, publishedAt }, i) => {
    const decision: MatchDecision | null = dedupe ? matcher.match(inputs[i]!) : null;
    const itemId = decision?.itemId ?? newItemId();
    if (decision) touchedItems.add(itemId);
    else createdItems.add(itemId);
    newEntryRows.push({
      sourceId: source.id,
      networkSlug: source.networkSlug,
      itemId,
      guidHash: p.guidHash,
      guid: p.guid,
      url: p.url,
      canonicalUrl: p.canonicalUrl,
      title: p.title,
      summary: p.summary,
      contentHtml: p.contentHtml,
      author: p.author,
      categories: p.categories,
      enclosures: p.enclosures,
      publishedAt,
      updatedAt: p.rawUpdated ?? publishedAt,
      firstSeenAt: now,
      contentHash: p.contentHash,
      mergeReason: decision?.reason ?? 'first',
      mergeDetail: decision?.detail ?? null,
      titleKey: fp.titleKey,
      minhash: fp.minhash,
      shingleCount: fp.shingleCount,
      serialMarks: fp.marks,
      textLength: fp.textLength,
      relay: fp.relay,
      leadKey: fp.leadKey,
      leadProbes: fp.leadProbes,
    });
    if (dedupe) {
      addBands(keys, itemId, publishedAt);
      matcher.addEntry(
        {
          id: null,
          itemId,
          sourceId: source.id,
          networkSlug: source.networkSlug,
          guid: p.guid,
          guidHash: p.guidHash,
          canonicalUrl: p.canonicalUrl,
          titleKey: fp.titleKey,
          leadKey: fp.leadKey,
          leadProbes: fp.leadProbes,
          marks: fp.marks,
          minhash: fp.minhash,
          shingleCount: fp.shingleCount,
          publishedAt,
        },
        keys,
      );
    }
    result.new++;
  });

  // 4. Edited entries: new content, same entry, same item.
  const statements: Statement[] = [];
  const editedRows = new Map<number, EntrySource>();
  for (const { p, fp, keys, old } of edited) {
    const publishedAt =
      p.rawPublished === null || p.rawPublished > old.firstSeenAt
        ? old.publishedAt
        : p.rawPublished;
    const values = {
      guid: p.guid,
      url: p.url,
      canonicalUrl: p.canonicalUrl,
      title: p.title,
      summary: p.summary,
      contentHtml: p.contentHtml,
      author: p.author,
      categories: p.categories,
      enclosures: p.enclosures,
      publishedAt,
      updatedAt: p.rawUpdated ?? now,
      contentHash: p.contentHash,
      titleKey: fp.titleKey,
      minhash: fp.minhash,
      shingleCount: fp.shingleCount,
      serialMarks: fp.marks,
      textLength: fp.textLength,
      relay: fp.relay,
      leadKey: fp.leadKey,
      leadProbes: fp.leadProbes,
    };
    statements.push(orm.update(entries).set(values).where(eq(entries.id, old.id)));
    editedRows.set(old.id, {
      sourceId: source.id,
      firstSeenAt: old.firstSeenAt,
      ...values,
      bodyText: fp.text,
      searchText: p.searchText,
    });
    touchedItems.add(old.itemId);
    if (dedupe) addBands(keys, old.itemId, publishedAt);
    result.updated++;
  }

  // 5. Items: insert the new ones; re-derive the touched ones from all their entries and write
  // them when the result differs from what their entries gave before this call (which is what
  // is stored: items are only ever written through deriveItem), so no read of items is needed.
  const before = new Map<string, EntrySource[]>();
  const after = new Map<string, EntrySource[]>();
  const push = (map: Map<string, EntrySource[]>, itemId: string, e: EntrySource) => {
    const list = map.get(itemId);
    if (list) list.push(e);
    else map.set(itemId, [e]);
  };
  const touched = [...touchedItems].filter((id) => !createdItems.has(id));
  const addStored = (row: EntryRow) => {
    push(before, row.itemId, row);
    push(after, row.itemId, editedRows.get(row.id) ?? row);
  };
  // Joined and edited items are a few per document: their entries are read whole here (the
  // matcher only read what matching needs).
  for (const row of await entriesOfItems(deps.db, touched)) addStored(row);
  newEntryRows.forEach((row, i) =>
    push(after, row.itemId, {
      ...(row as EntrySource),
      bodyText: fresh[i]!.fp.text,
      searchText: fresh[i]!.p.searchText,
    }),
  );

  const newItemRows: ItemRow[] = [];
  for (const itemId of createdItems)
    newItemRows.push({ ...deriveItem(itemId, after.get(itemId)!), updatedAt: now });
  const itemUpdates: Statement[] = [];
  for (const itemId of touched) {
    const entriesAfter = after.get(itemId) ?? [];
    const previous = before.get(itemId);
    if (
      !previous ||
      itemDiffers(deriveItem(itemId, previous, false), deriveItem(itemId, entriesAfter, false))
    ) {
      const { id: _id, ...changes } = deriveItem(itemId, entriesAfter);
      itemUpdates.push(
        orm
          .update(items)
          .set({ ...changes, updatedAt: now })
          .where(eq(items.id, itemId)),
      );
    }
  }

  const writes: Statement[] = [];
  writes.push(...bulkInserts(deps.db, items, newItemRows));
  writes.push(...bulkInserts(deps.db, entries, newEntryRows));
  writes.push(...statements, ...itemUpdates);
  writes.push(...insertKeys(deps.db, bandRows));
  await deps.db.batch(writes);
  return result;
}
