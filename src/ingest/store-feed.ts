/**
 * Stores one feed document's items for a source: new entries join an existing story (dedup)
 * or create one, edited entries update their story, unchanged ones cost no write at all.
 *
 * An entry is keyed by (source_id, guid_hash); its content_hash covers the normalised fields, so
 * a re-pull of an unchanged feed only reads. Reads are a handful of chunked queries per
 * document; writes go in one `deps.db.batch` (one transaction on SQLite, one D1 batch).
 *
 * The steps, in order: sort the document's items into unchanged, edited and new
 * (sortItems); keep the new ones the retention and the flood quota allow (keepStorable);
 * give each new entry its item (assignItems); write the edits (editEntries); derive the items
 * their entries make (deriveItems); write it all in one batch.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { Statement } from '../db/client.ts';
import { bulkInserts } from '../db/bulk-insert.ts';
import { ITEMS_PER_SLICE, yieldToEventLoop } from './yield.ts';
import { entries, items, texts, type EntryRow, type ItemRow } from '../db/schema/items.ts';
import { textKey, type StoryText } from '../db/texts.ts';
import { insertKeys, type KeyRow } from '../db/item-keys.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { ParsedItem, StoreResult } from './types.ts';
import { prepareItems, type PreparedItem } from './dedupe/prepare.ts';
import { fingerprint, indexKeyNumbers, type Fingerprint } from './dedupe/fingerprint.ts';
import { Matcher, type MatchDecision, type MatchInput } from './dedupe/matcher.ts';
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
  const result: StoreResult = { new: 0, updated: 0, unchanged: 0 };
  const dedupe = options.dedupe !== false;
  // Normalised by prepareItems, one entry per guid.
  const prepared = new Map(preparedItems.map((p) => [p.guidHash, p]));
  if (!prepared.size) return result;

  const { fresh, edited } = await sortItems(deps, source, prepared, dedupe, now, result);
  keepStorable(deps, fresh, prepared.size, now, result);
  if (!fresh.length && !edited.length) return result;

  const store = new DocumentStore(source, now);
  await store.assignItems(deps, fresh, dedupe);
  store.editEntries(deps, edited, dedupe);
  const itemWrites = await store.deriveItems(deps);
  result.new += fresh.length;
  result.updated += edited.length;
  await deps.db.batch([
    ...bulkInserts(deps.db, texts, store.textRows, { ignoreConflicts: true }),
    ...bulkInserts(deps.db, items, itemWrites.inserts),
    ...bulkInserts(deps.db, entries, store.newEntryRows),
    ...store.entryUpdates,
    ...itemWrites.updates,
    ...insertKeys(deps.db, store.keyRows),
  ]);
  return result;
}

/** A new or edited item of the document, with its fingerprint and index keys. */
interface Change {
  p: PreparedItem;
  fp: Fingerprint;
  /** As stored in item_keys (indexKeyNumbers). */
  keys: number[];
}
interface Fresh extends Change {
  publishedAt: number;
}
interface Edited extends Change {
  old: Pick<EntryRow, 'id' | 'itemId' | 'contentHash' | 'firstSeenAt' | 'publishedAt'>;
}

/**
 * The document's items sorted: unchanged ones (same content hash as stored) only counted,
 * edited ones with the stored fields an edit keeps, new ones with their publication. What the
 * source has under these guids comes from a covering index; the few edited rows are read.
 */
async function sortItems(
  deps: Deps,
  source: SourceRow,
  prepared: Map<string, PreparedItem>,
  dedupe: boolean,
  now: number,
  result: StoreResult,
): Promise<{ fresh: Fresh[]; edited: Edited[] }> {
  const known = new Map<string, { id: number; contentHash: string }>();
  for (const r of await knownEntries(deps.db, source.id, [...prepared.keys()]))
    known.set(r.guidHash, r);
  const changedIds: number[] = [];
  for (const p of prepared.values()) {
    const k = known.get(p.guidHash);
    if (k && k.contentHash !== p.contentHash) changedIds.push(k.id);
  }
  const existing = new Map<string, Edited['old']>();
  for (const part of chunks(changedIds, IN_LIST)) {
    const rows = await deps.db.orm
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

  const fresh: Fresh[] = [];
  const edited: Edited[] = [];
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
    const keys = indexKeyNumbers(fp);
    if (old) edited.push({ p, fp, keys, old });
    else fresh.push({ p, fp, keys, publishedAt: publicationFor(p.rawPublished, now) });
  }
  return { fresh, edited };
}

/**
 * Drops, in place, the new items not to store: stories older than the retention (they would
 * be pruned again), and beyond the flood quota, the oldest: one source adds at most
 * maxNewPerPull entries per pull, the cut is reported (and recorded on the source as a
 * truncation). The others come in later pulls, if the feed still lists them.
 */
function keepStorable(
  deps: Deps,
  fresh: Fresh[],
  listed: number,
  now: number,
  result: StoreResult,
): void {
  const cutoff = retentionCutoff(deps, now);
  if (cutoff !== null) {
    const recent = fresh.filter((f) => f.publishedAt >= cutoff);
    result.unchanged += fresh.length - recent.length;
    fresh.splice(0, fresh.length, ...recent);
  }
  const quota = deps.config.maxNewPerPull;
  if (fresh.length > quota) {
    fresh.sort((a, b) => b.publishedAt - a.publishedAt);
    const dropped = fresh.length - quota;
    fresh.length = quota;
    result.truncated = { kept: listed - dropped, total: listed };
    result.warning =
      `plafond de nouveautés atteint : ${quota} nouvelles entrées gardées (les plus récentes) ` +
      `sur ${quota + dropped} ; les autres viendront aux récupérations suivantes si le flux les ` +
      'garde (HUB_MAX_NEW_PER_PULL)';
  }
}

/**
 * The entry fields a document gives, written alike when an entry is inserted and when an edit
 * updates it: the one place that says what an entry stores of its document (its text is a row
 * of `texts`, written by DocumentStore.addText).
 */
function documentFields(
  p: PreparedItem,
  fp: Fingerprint,
  key: string | null,
  publishedAt: number,
  updatedAt: number,
) {
  return {
    guid: p.guid,
    url: p.url,
    canonicalUrl: p.canonicalUrl,
    title: p.title,
    textKey: key,
    author: p.author,
    categories: p.categories,
    enclosures: p.enclosures,
    publishedAt,
    updatedAt,
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
}

/** The writes of one document, gathered by the steps after sortItems. */
class DocumentStore {
  readonly newEntryRows: NewEntry[] = [];
  /** The new entries as deriveItems reads them (with their plain and search texts). */
  private newEntrySources: EntrySource[] = [];
  readonly entryUpdates: Statement[] = [];
  /** Edited entries as they will be, by id. */
  private editedRows = new Map<number, EntrySource>();
  readonly keyRows: KeyRow[] = [];
  /** Texts of new and edited entries, once each (the database skips those it has). */
  readonly textRows: Array<StoryText & { key: string }> = [];
  private textKeys = new Set<string>();
  private createdItems = new Set<string>();
  private touchedItems = new Set<string>();
  private matcher: Matcher | null = null;

  constructor(
    private source: SourceRow,
    private now: number,
  ) {}

  /** Index keys of `itemId` it does not have yet (the matcher knows those it has). */
  private addKeys(keys: number[], itemId: string, publishedAt: number): void {
    const missing = this.matcher ? this.matcher.missingKeys(itemId, keys) : keys;
    for (const key of missing) this.keyRows.push({ key, itemId, publishedAt });
  }

  /** The key of an entry's text, its row to write if this document has not written it yet. */
  private addText({ summary, contentHtml }: StoryText): string | null {
    const key = textKey(summary, contentHtml);
    if (key !== null && !this.textKeys.has(key)) {
      this.textKeys.add(key);
      this.textRows.push({ key, summary, contentHtml });
    }
    return key;
  }

  /** Every new entry joins the item dedup finds for it, or makes a new one. */
  async assignItems(deps: Deps, fresh: Fresh[], dedupe: boolean): Promise<void> {
    const { source, now } = this;
    const inputs: MatchInput[] = fresh.map(({ p, fp, keys, publishedAt }) => ({
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
    this.matcher = matcher;
    fresh.forEach(({ p, fp, keys, publishedAt }, i) => {
      const input = inputs[i]!;
      const decision: MatchDecision | null = dedupe ? matcher.match(input) : null;
      const itemId = decision?.itemId ?? newItemId();
      if (decision) this.touchedItems.add(itemId);
      else this.createdItems.add(itemId);
      const fields = documentFields(
        p,
        fp,
        this.addText(p),
        publishedAt,
        p.rawUpdated ?? publishedAt,
      );
      this.newEntryRows.push({
        sourceId: source.id,
        networkSlug: source.networkSlug,
        itemId,
        guidHash: p.guidHash,
        firstSeenAt: now,
        mergeReason: decision?.reason ?? 'first',
        mergeDetail: decision?.detail ?? null,
        ...fields,
      });
      this.newEntrySources.push({
        ...fields,
        sourceId: source.id,
        firstSeenAt: now,
        summary: p.summary,
        contentHtml: p.contentHtml,
        bodyText: fp.text,
        searchText: p.searchText,
      });
      if (dedupe) {
        this.addKeys(keys, itemId, publishedAt);
        matcher.addEntry({ ...input, id: null, itemId, networkSlug: source.networkSlug }, keys);
      }
    });
  }

  /** Edited entries: new content, same entry, same item. */
  editEntries(deps: Deps, edited: Edited[], dedupe: boolean): void {
    for (const { p, fp, keys, old } of edited) {
      const publishedAt =
        p.rawPublished === null || p.rawPublished > old.firstSeenAt
          ? old.publishedAt
          : p.rawPublished;
      const key = this.addText(p);
      const values = documentFields(p, fp, key, publishedAt, p.rawUpdated ?? this.now);
      this.entryUpdates.push(deps.db.orm.update(entries).set(values).where(eq(entries.id, old.id)));
      this.editedRows.set(old.id, {
        sourceId: this.source.id,
        firstSeenAt: old.firstSeenAt,
        ...values,
        summary: p.summary,
        contentHtml: p.contentHtml,
        bodyText: fp.text,
        searchText: p.searchText,
      });
      this.touchedItems.add(old.itemId);
      if (dedupe) this.addKeys(keys, old.itemId, publishedAt);
    }
  }

  /**
   * Items: the new ones derived from their entries; the touched ones re-derived from all their
   * entries and written when the result differs from what their entries gave before this
   * document (which is what is stored: items are only ever written through deriveItem), so no
   * read of items is needed. Joined and edited items are a few per document: their entries are
   * read whole here (the matcher only read what matching needs).
   */
  async deriveItems(deps: Deps): Promise<{ inserts: ItemRow[]; updates: Statement[] }> {
    const before = new Map<string, EntrySource[]>();
    const after = new Map<string, EntrySource[]>();
    const push = (map: Map<string, EntrySource[]>, itemId: string, e: EntrySource) => {
      const list = map.get(itemId);
      if (list) list.push(e);
      else map.set(itemId, [e]);
    };
    const touched = [...this.touchedItems].filter((id) => !this.createdItems.has(id));
    for (const row of await entriesOfItems(deps.db, touched)) {
      push(before, row.itemId, row);
      push(after, row.itemId, this.editedRows.get(row.id) ?? row);
    }
    this.newEntryRows.forEach((row, i) => push(after, row.itemId!, this.newEntrySources[i]!));

    const inserts: ItemRow[] = [];
    for (const itemId of this.createdItems)
      inserts.push({ ...deriveItem(itemId, after.get(itemId)!), updatedAt: this.now });
    const updates: Statement[] = [];
    for (const itemId of touched) {
      const entriesAfter = after.get(itemId) ?? [];
      const previous = before.get(itemId);
      if (
        previous &&
        !itemDiffers(deriveItem(itemId, previous, false), deriveItem(itemId, entriesAfter, false))
      )
        continue;
      const { id: _id, ...changes } = deriveItem(itemId, entriesAfter);
      updates.push(
        deps.db.orm
          .update(items)
          .set({ ...changes, updatedAt: this.now })
          .where(eq(items.id, itemId)),
      );
    }
    return { inserts, updates };
  }
}
