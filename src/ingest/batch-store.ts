/**
 * The writes of a batch of documents (store-feed.ts), gathered document by document: each new
 * entry joins the item dedup finds for it or makes a new one, edited entries get their new
 * content, and the items their entries make are derived once for the whole batch.
 *
 * Documents are matched one after the other, in order. Each is matched against the candidates
 * its own lookup found (read for the whole batch in one query) and what the documents before
 * it wrote, as that lookup would find it once written: their new and edited entries (with
 * their texts, for excerpt checks) and their index keys. So storing ten documents as one batch
 * decides as storing them one after the other would, with the same merge reasons and details:
 * the batch numbers its new entries itself, after the last id given (store-feed.ts). One
 * exception, at a bound only: whether an index key is boilerplate (held by more than
 * MAX_STORIES_PER_KEY stories, dedupe/lookup.ts) is counted in the database as of the batch's
 * start, over the batch's window, so the batch's own new stories count from the next batch on.
 */
import type { Deps } from '../deps.ts';
import type { Database, Statement } from '../db/client.ts';
import { rowUpdateStatement } from '../db/row-update.ts';
import { entries, items, type EntryRow } from '../db/schema/items.ts';
import type { InsertRow } from '../db/bulk-insert.ts';
import { textKey } from '../db/texts.ts';
import { textOf, type TextValue } from '../db/text-value.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { PreparedItem } from './dedupe/prepare.ts';
import { plainTextOf } from './feed-reader.ts';
import { bodyText, indexKeyNumbers, type Fingerprint } from './dedupe/fingerprint.ts';
import {
  Matcher,
  excerptSuspects,
  pushTo,
  readExcerptTexts,
  type MatchDecision,
  type MatchInput,
} from './dedupe/matcher.ts';
import {
  candidateRow,
  entriesOfItems,
  keyProbes,
  lookupCandidates,
  type CandidateRow,
  type Candidates,
  type LookupInput,
} from './dedupe/lookup.ts';
import { CANDIDATE_WINDOW_MS } from './dedupe/similarity.ts';
import { deriveItem, itemDiffers, type EntrySource } from './dedupe/best-item.ts';
import { newItemId } from './dedupe/item-id.ts';
import type { StoreDocument } from './store-feed.ts';

type NewEntry = typeof entries.$inferInsert;
/**
 * A new entry's row, with what deriveItems reads of it besides its columns (its texts): one
 * object where a row and an EntrySource copying 21 of its fields were two, each kept until the
 * batch was written. bulkInserts writes a table's columns alone.
 */
type NewEntryRow = NewEntry & EntrySource;

/** A new or edited item of a document, with its fingerprint and index keys. */
export interface Change {
  p: PreparedItem;
  fp: Fingerprint;
  /** As stored in item_keys (indexKeyNumbers). */
  keys: number[];
}
export interface Fresh extends Change {
  publishedAt: number;
}
export interface Edited extends Change {
  old: Pick<EntryRow, 'id' | 'itemId' | 'contentHash' | 'firstSeenAt' | 'publishedAt'>;
}
export interface Sorted {
  fresh: Fresh[];
  edited: Edited[];
}

/** Item ids in order, as `<` compares them; entries by id. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

/**
 * The entry fields a document gives, written alike when an entry is inserted and when an edit
 * updates it: the one place that says what an entry stores of its document (its text is a row
 * of `texts`, written by BatchStore.addText). One literal: V8 makes it with room for each of
 * its fields, where each field set on an object made without it grew the object's property
 * store again (a new entry's row allocated ~1,100 bytes instead of ~650); nor an object spread
 * into another one, which took the slow path of copying properties one by one.
 */
function documentFields(
  p: PreparedItem,
  fp: Fingerprint,
  key: string | null,
  publishedAt: number,
  updatedAt: number,
): DocumentFields {
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

type DocumentFields = Pick<
  EntryRow,
  | 'guid'
  | 'url'
  | 'canonicalUrl'
  | 'title'
  | 'textKey'
  | 'author'
  | 'categories'
  | 'enclosures'
  | 'publishedAt'
  | 'updatedAt'
  | 'contentHash'
  | 'titleKey'
  | 'minhash'
  | 'shingleCount'
  | 'serialMarks'
  | 'textLength'
  | 'relay'
  | 'leadKey'
  | 'leadProbes'
>;

/**
 * The writes of a batch, gathered document by document. Each document is matched against the
 * candidates its own lookup found and what the documents before it wrote, as the lookup would
 * find it once written (`written`: their new and edited entries, their index keys), so that
 * storing ten documents as one batch decides as storing them one after the other would.
 */
export class BatchStore {
  /** The new entries, as written and as deriveItems reads them (NewEntryRow). */
  readonly newEntryRows: NewEntryRow[] = [];
  readonly entryUpdates: Statement[] = [];
  /** Edited entries as they will be, by id. */
  private editedRows = new Map<number, EntrySource>();
  /** item_keys rows to write, flat: key, publication, entry (insertKeyValues). */
  readonly keyValues: number[] = [];
  /**
   * Texts of new and edited entries, once each (the database skips those it has): as read,
   * bytes included (db/text-value.ts), bound as they are.
   */
  readonly textRows: Array<{
    key: string;
    summary: TextValue | null;
    contentHtml: TextValue | null;
  }> = [];
  private textKeys = new Set<string>();
  private createdItems = new Set<string>();
  private touchedItems = new Set<string>();
  /** Stored candidates and the batch's own entries, by id and by item: what lookups find. */
  private entriesById = new Map<number, CandidateRow>();
  private entriesByItem = new Map<string, CandidateRow[]>();
  /** Entries written or edited by earlier documents of the batch. */
  private written: CandidateRow[] = [];
  /** The item of each row of keyValues (the key it gives the item), row by row. */
  private rowItems: string[] = [];
  /**
   * Index keys written by earlier documents of the batch, for later documents' candidates
   * (candidatesOf), indexed when one asks: the last row of keyValues with each key, and for
   * each row the one before it with the same key (-1: none), up to row `indexedRows`. Most
   * batches of a pull are one document, which never asks: a map of lists of objects filled
   * for every key written was the largest share of what the store allocated (bench:ingest
   * --sample-promoted, young objects included).
   */
  private lastRowOfKey = new Map<number, number>();
  private rowBefore: number[] = [];
  private indexedRows = 0;
  /**
   * Index keys of the entries matchers see, once each: a candidate is given to the matcher of
   * every document whose lookup finds it, and the batch's own entries come with theirs.
   */
  private rowKeys = new WeakMap<CandidateRow, number[]>();
  /** Body texts for excerpt checks: read from the database, or the batch's own entries'. */
  private texts = new Map<number, string | (() => string)>();
  private nextId: number;

  constructor(
    private now: number,
    lastId: number,
    private dedupe: boolean,
  ) {
    this.nextId = lastId + 1;
  }

  private remember(row: CandidateRow): void {
    const previous = this.entriesById.get(row.id);
    this.entriesById.set(row.id, row);
    const list = this.entriesByItem.get(row.itemId);
    if (!list) this.entriesByItem.set(row.itemId, [row]);
    else if (previous) list[list.indexOf(previous)] = row;
    else list.push(row);
  }

  private keysOf(row: CandidateRow): number[] {
    let keys = this.rowKeys.get(row);
    if (!keys) this.rowKeys.set(row, (keys = indexKeyNumbers(row)));
    return keys;
  }

  /** Texts of these entries (excerpt checks), reading those the batch has not got. */
  private async textsOf(db: Database, ids: number[]): Promise<Map<number, string>> {
    const missing = ids.filter((id) => !this.texts.has(id));
    if (missing.length)
      for (const [id, text] of await readExcerptTexts(db, missing)) this.texts.set(id, text);
    const out = new Map<number, string>();
    for (const id of ids) {
      let text = this.texts.get(id);
      if (typeof text === 'function') this.texts.set(id, (text = text()));
      if (text !== undefined) out.set(id, text);
    }
    return out;
  }

  /**
   * Every new entry joins the item dedup finds for it, or makes a new one; edited entries get
   * their new content. Document by document, in order (see class doc).
   */
  async match(deps: Deps, documents: StoreDocument[], sorted: Sorted[]): Promise<void> {
    // Loops, not callbacks made at each call: see pushTo (dedupe/matcher.ts).
    const inputs: MatchInput[][] = [];
    for (let d = 0; d < sorted.length; d++) {
      const sourceId = documents[d]!.source.id;
      const list: MatchInput[] = [];
      for (const { p, fp, keys, publishedAt } of sorted[d]!.fresh)
        list.push({
          sourceId,
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
          text: () => plainTextOf(p, fp),
        });
      inputs.push(list);
    }
    // Arrays built by loops, not map: an array map made had another hidden class once the code
    // making it was optimised, and the code reading it was compiled again (see deriveItem).
    const lookups: LookupInput[][] = [];
    let lastLookup = -1;
    for (let d = 0; d < inputs.length; d++) {
      const lookup = this.dedupe ? Matcher.lookupOf(inputs[d]!) : [];
      if (lookup.length > 0) lastLookup = d;
      lookups.push(lookup);
    }
    // A later document's lookup may find the items of entries edited before it: their entries
    // come with the candidates.
    const editedItems: string[] = [];
    for (let d = 0; d < lastLookup; d++)
      for (const e of sorted[d]!.edited) editedItems.push(e.old.itemId);
    const lookupDocuments: Array<{ sourceId: number; inputs: LookupInput[] }> = [];
    const foundBy: CandidateRow[][] = [];
    for (let d = 0; d < documents.length; d++) {
      lookupDocuments.push({ sourceId: documents[d]!.source.id, inputs: lookups[d]! });
      foundBy.push([]);
    }
    const { found, hotKeys }: Candidates =
      lastLookup >= 0
        ? await lookupCandidates(deps.db, lookupDocuments, CANDIDATE_WINDOW_MS, editedItems)
        : { found: [], hotKeys: new Set() };
    for (const { row, docs } of found) {
      this.remember(row);
      for (const d of docs) foundBy[d]!.push(row);
    }
    // The texts each document's excerpt checks need of what its lookup found, in one read.
    const suspects = new Set<number>();
    foundBy.forEach((rows, i) => {
      if (rows.length)
        for (const id of excerptSuspects(inputs[i]!, rows, documents[i]!.source.id))
          suspects.add(id);
    });
    if (suspects.size) await this.textsOf(deps.db, [...suspects]);

    for (const [i, { source }] of documents.entries()) {
      const { fresh, edited } = sorted[i]!;
      let matcher: Matcher | null = null;
      if (this.dedupe && fresh.length) {
        const candidates = this.candidatesOf(foundBy[i]!, lookups[i]!, hotKeys);
        matcher = await Matcher.build(
          candidates,
          source.id,
          inputs[i]!,
          (ids) => this.textsOf(deps.db, ids),
          (row) => this.keysOf(row),
        );
      }
      this.assignItems(source, fresh, inputs[i]!, matcher);
      this.editEntries(deps, source, edited, matcher);
    }
  }

  /**
   * A document's candidates: every entry of the items its lookup found, and of the items it
   * would find among what earlier documents of the batch wrote, ordered as the lookup orders
   * them (by item, then id). A key the lookup found held by too many stories (`hotKeys`:
   * MAX_STORIES_PER_KEY, lookup.ts) brings none from the batch either.
   */
  private candidatesOf(
    found: CandidateRow[],
    lookup: LookupInput[],
    hotKeys: Set<number>,
  ): CandidateRow[] {
    // Loops and module functions, not callbacks made at each call: see pushTo (matcher.ts).
    const itemIds = new Set<string>();
    for (const r of found) itemIds.add(r.itemId);
    if (this.written.length) {
      const guids = new Set<string>();
      const urls = new Set<string>();
      for (const l of lookup) {
        if (l.guidHash !== null) guids.add(l.guidHash);
        if (l.canonicalUrl !== null) urls.add(l.canonicalUrl);
      }
      for (const row of this.written) {
        if ((row.guid !== null && guids.has(row.guidHash)) || urls.has(row.canonicalUrl ?? ''))
          itemIds.add(row.itemId);
      }
      this.indexWrittenKeys();
      const { keyValues, rowItems, rowBefore, lastRowOfKey } = this;
      for (const [key, from, to] of keyProbes(lookup, CANDIDATE_WINDOW_MS)) {
        if (hotKeys.has(key)) continue;
        for (let row = lastRowOfKey.get(key) ?? -1; row !== -1; row = rowBefore[row]!) {
          const publishedAt = keyValues[3 * row + 1]!;
          if (publishedAt >= from && publishedAt <= to) itemIds.add(rowItems[row]!);
        }
      }
    }
    const candidates: CandidateRow[] = [];
    for (const itemId of [...itemIds].sort(byCodeUnits))
      candidates.push(...(this.entriesByItem.get(itemId) ?? []).slice().sort(byId));
    return candidates;
  }

  /**
   * Index keys of `itemId` it does not have yet (the matcher knows those it has), written for
   * the entry that brings them (`entryId`, of that item).
   */
  private addKeys(
    matcher: Matcher | null,
    keys: number[],
    itemId: string,
    entryId: number,
    at: number,
  ): void {
    const missing = matcher ? matcher.missingKeys(itemId, keys) : keys;
    for (const key of missing) {
      this.keyValues.push(key, at, entryId);
      this.rowItems.push(itemId);
    }
  }

  /** Indexes by key the rows of keyValues written since the last call (see lastRowOfKey). */
  private indexWrittenKeys(): void {
    const { keyValues, rowBefore, lastRowOfKey } = this;
    const rows = this.rowItems.length;
    for (let row = this.indexedRows; row < rows; row++) {
      const key = keyValues[3 * row]!;
      rowBefore.push(lastRowOfKey.get(key) ?? -1);
      lastRowOfKey.set(key, row);
    }
    this.indexedRows = rows;
  }

  /**
   * The key of an entry's text (computed ahead by a reading thread, else here), its row to
   * write if the batch has not written it yet.
   */
  private addText({ summary, contentHtml, textKey: ahead }: PreparedItem): string | null {
    const key = ahead !== undefined ? ahead : textKey(textOf(summary), textOf(contentHtml));
    if (key !== null && !this.textKeys.has(key)) {
      this.textKeys.add(key);
      this.textRows.push({ key, summary, contentHtml });
    }
    return key;
  }

  /** An entry the batch writes, as later documents' lookups find it. */
  private wrote(row: CandidateRow, keys: number[], text: () => string): void {
    this.rowKeys.set(row, keys);
    this.remember(row);
    this.written.push(row);
    this.texts.set(row.id, text);
  }

  /** A document's new entries: each joins the item dedup finds for it, or makes a new one. */
  private assignItems(
    source: SourceRow,
    fresh: Fresh[],
    inputs: MatchInput[],
    matcher: Matcher | null,
  ): void {
    const { now } = this;
    // A loop, not a callback made at each call: see pushTo (dedupe/matcher.ts).
    for (let i = 0; i < fresh.length; i++) {
      const { p, fp, keys, publishedAt } = fresh[i]!;
      const input = inputs[i]!;
      const decision: MatchDecision | null = matcher ? matcher.match(input) : null;
      const itemId = decision?.itemId ?? newItemId();
      if (decision) this.touchedItems.add(itemId);
      else this.createdItems.add(itemId);
      const key = this.addText(p);
      const updatedAt = p.rawUpdated ?? publishedAt;
      // The document's fields first, in one literal, then the entry's own (see documentFields).
      const row = documentFields(p, fp, key, publishedAt, updatedAt) as NewEntryRow;
      row.id = this.nextId++;
      row.sourceId = source.id;
      row.networkSlug = source.networkSlug;
      row.itemId = itemId;
      row.guidHash = p.guidHash;
      row.firstSeenAt = now;
      row.mergeReason = decision?.reason ?? 'first';
      row.mergeDetail = decision?.detail ?? null;
      row.summary = p.summary;
      row.contentHtml = p.contentHtml;
      // Read only without a search text (an item read on a thread has one).
      row.bodyText = p.searchText === undefined ? fp.text : undefined;
      row.searchText = p.searchText;
      this.newEntryRows.push(row);
      if (this.dedupe) {
        this.addKeys(matcher, keys, itemId, row.id!, publishedAt);
        matcher?.addEntry(candidateRow(null, itemId, source.networkSlug, null, input), keys);
        this.wrote(candidateRow(row.id!, itemId, source.networkSlug, null, input), keys, () =>
          bodyText(textOf(p.contentHtml), textOf(p.summary)),
        );
      }
    }
  }

  /** A document's edited entries: new content, same entry, same item. */
  private editEntries(
    deps: Deps,
    source: SourceRow,
    edited: Edited[],
    matcher: Matcher | null,
  ): void {
    for (const { p, fp, keys, old } of edited) {
      const publishedAt =
        p.rawPublished === null || p.rawPublished > old.firstSeenAt
          ? old.publishedAt
          : p.rawPublished;
      const key = this.addText(p);
      const values = documentFields(p, fp, key, publishedAt, p.rawUpdated ?? this.now);
      this.entryUpdates.push(...rowUpdateStatement(deps.db, entries, 'id', old.id, values));
      this.editedRows.set(old.id, {
        sourceId: source.id,
        firstSeenAt: old.firstSeenAt,
        ...values,
        summary: p.summary,
        contentHtml: p.contentHtml,
        // Read only without a search text (an item read on a thread has one).
        bodyText: p.searchText === undefined ? fp.text : undefined,
        searchText: p.searchText,
      });
      this.touchedItems.add(old.itemId);
      if (this.dedupe) {
        this.addKeys(matcher, keys, old.itemId, old.id, publishedAt);
        const stored = this.entriesById.get(old.id);
        this.wrote(
          candidateRow(old.id, old.itemId, source.networkSlug, stored?.splitFromItemId ?? null, {
            sourceId: source.id,
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
          }),
          keys,
          () => bodyText(textOf(p.contentHtml), textOf(p.summary)),
        );
      }
    }
  }

  /**
   * Items: the new ones derived from their entries; the touched ones re-derived from all their
   * entries and written when the result differs from what their entries gave before this
   * batch (which is what is stored: items are only ever written through deriveItem), so no
   * read of items is needed. Joined and edited items are a few per document: their entries are
   * read whole here, for the whole batch in one query (the matcher only read what matching
   * needs).
   */
  async deriveItems(
    deps: Deps,
  ): Promise<{ inserts: Array<InsertRow<typeof items>>; updates: Statement[] }> {
    const before = new Map<string, EntrySource[]>();
    const after = new Map<string, EntrySource[]>();
    const touched = [...this.touchedItems].filter((id) => !this.createdItems.has(id));
    for (const row of touched.length ? await entriesOfItems(deps.db, touched) : []) {
      pushTo(before, row.itemId, row);
      pushTo(after, row.itemId, this.editedRows.get(row.id) ?? row);
    }
    for (const row of this.newEntryRows) pushTo(after, row.itemId, row);

    // The derived object itself, its time set: a spread into a new literal copied it field by
    // field, for every new story.
    const inserts: Array<InsertRow<typeof items>> = [];
    for (const itemId of this.createdItems) {
      const item: Partial<InsertRow<typeof items>> = deriveItem(itemId, after.get(itemId)!);
      item.updatedAt = this.now;
      inserts.push(item as InsertRow<typeof items>);
    }
    const updates: Statement[] = [];
    for (const itemId of touched) {
      const entriesAfter = after.get(itemId) ?? [];
      const previous = before.get(itemId);
      if (
        previous &&
        !itemDiffers(deriveItem(itemId, previous, false), deriveItem(itemId, entriesAfter, false))
      )
        continue;
      // Every field of the item is set but its id, the key (rowUpdate); its search text may be
      // bytes, which rowUpdate binds as text.
      const item: Partial<InsertRow<typeof items>> = deriveItem(itemId, entriesAfter);
      item.updatedAt = this.now;
      updates.push(...rowUpdateStatement(deps.db, items, 'id', itemId, item));
    }
    return { inserts, updates };
  }
}
