/**
 * Stores feed documents' items, a batch of documents at once: new entries join an existing
 * story (dedup) or create one, edited entries update their story, unchanged ones cost no
 * write at all.
 *
 * An entry is keyed by (source_id, guid_hash); its content_hash covers the normalised fields, so
 * a re-pull of an unchanged feed only reads. A batch reads in a handful of queries whatever
 * its number of documents (known entries, then candidates, then the entries of the stories it
 * joins), matches in memory and writes in one `deps.db.batch` (one transaction on SQLite, one
 * D1 batch): on Workers each query is a subrequest, which Cloudflare caps per invocation, and a
 * queue batch of ten sources is stored as one batch (see store-batcher.ts).
 *
 * Documents of a batch are matched one after the other, in order, each seeing what the ones
 * before it wrote (batch-store.ts): a story relayed by two sources of one batch is one story,
 * with the same merge reasons and details as when each document is stored alone. For that, the
 * batch numbers its new entries itself, after the highest id given so far (read with the known
 * entries): the store's turn (store-lease.ts) makes it the only writer of entries meanwhile.
 *
 * The steps, in order: sort each document's items into unchanged, edited and new
 * (sortItems); keep the new ones the retention and the flood quota allow (keepStorable);
 * give each new entry its item and write the edits, document by document (BatchStore.match);
 * derive the items their entries make (deriveItems); write it all in one batch, with what each
 * document adds to it (StoreDocument.alongside: the source's record, an upstream's networks).
 */
import { inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import type { Statement } from '../db/client.ts';
import { bulkInserts } from '../db/bulk-insert.ts';
import { ITEMS_PER_SLICE, yieldToEventLoop } from './yield.ts';
import { entries, items } from '../db/schema/items.ts';
import { insertKeyValues } from '../db/item-keys.ts';
import { insertTexts } from '../db/texts.ts';
import { textOf } from '../db/text-value.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { ParsedItem, StoreResult } from './types.ts';
import { prepareItems, type PreparedItem } from './dedupe/prepare.ts';
import { fingerprint, indexKeyNumbers, type Fingerprint } from './dedupe/fingerprint.ts';
import { knownEntries } from './dedupe/lookup.ts';
import { chunks, IN_LIST } from './dedupe/chunk.ts';
import { retentionCutoff } from './retention.ts';
import { BatchStore, type Edited, type Fresh, type Sorted } from './batch-store.ts';

export interface StoreOptions {
  /** false: every new entry makes its own item (the baseline of bench/dedup). Default true. */
  dedupe?: boolean;
}

/** One document of a batch: its source's items, and what to write with them. */
export interface StoreDocument {
  source: SourceRow;
  items: PreparedItem[];
  /**
   * Statements written in the batch's transaction once the document's result is known (the
   * source's new state, an upstream hub's networks): committed with its items or not at all.
   */
  alongside?: (result: StoreResult) => Statement[];
  /** Frees what the items' texts hold once they are stored or failed for good (ReadFeed.release). */
  release?: () => void;
}

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
  items: PreparedItem[],
  options: StoreOptions = {},
): Promise<StoreResult> {
  const [result] = await storeDocuments(deps, [{ source, items }], options);
  return result!;
}

/** Stores a batch of documents (see module doc); their results, in their order. */
export async function storeDocuments(
  deps: Deps,
  documents: StoreDocument[],
  options: StoreOptions = {},
): Promise<StoreResult[]> {
  const now = deps.clock.now().getTime();
  const dedupe = options.dedupe !== false;
  // Normalised by prepareItems, one entry per guid.
  // Loops, not callbacks made at each call (see pushTo, dedupe/matcher.ts), nor arrays made by
  // map, whose hidden class changed once optimised (see deriveItem, dedupe/best-item.ts).
  const results: StoreResult[] = [];
  const prepared: Array<Map<string, PreparedItem>> = [];
  for (const d of documents) {
    results.push({ new: 0, updated: 0, unchanged: 0 });
    const byGuid = new Map<string, PreparedItem>();
    for (const p of d.items) byGuid.set(p.guidHash, p);
    prepared.push(byGuid);
  }

  const { sorted, lastId } = await sortItems(deps, documents, prepared, dedupe, now, results);
  for (let i = 0; i < sorted.length; i++)
    keepStorable(deps, sorted[i]!.fresh, prepared[i]!.size, now, results[i]!);
  const statements: Statement[] = [];
  if (sorted.some(({ fresh, edited }) => fresh.length || edited.length)) {
    const store = new BatchStore(now, lastId, dedupe);
    await store.match(deps, documents, sorted);
    const itemWrites = await store.deriveItems(deps);
    statements.push(
      ...insertTexts(deps.db, store.textRows),
      ...bulkInserts(deps.db, items, itemWrites.inserts),
      ...bulkInserts(deps.db, entries, store.newEntryRows),
      ...store.entryUpdates,
      ...itemWrites.updates,
      ...insertKeyValues(deps.db, store.keyValues),
    );
  }
  for (let i = 0; i < sorted.length; i++) {
    results[i]!.new += sorted[i]!.fresh.length;
    results[i]!.updated += sorted[i]!.edited.length;
  }
  for (let i = 0; i < documents.length; i++)
    statements.push(...(documents[i]!.alongside?.(results[i]!) ?? []));
  await deps.db.batch(statements);
  return results;
}

/**
 * Each document's items sorted: unchanged ones (same content hash as stored) only counted,
 * edited ones with the stored fields an edit keeps, new ones with their publication. What the
 * sources have under these guids comes from a covering index, for the whole batch in one
 * query, which also gives the last entry id; the few edited rows are read.
 */
async function sortItems(
  deps: Deps,
  documents: StoreDocument[],
  prepared: Array<Map<string, PreparedItem>>,
  dedupe: boolean,
  now: number,
  results: StoreResult[],
): Promise<{ sorted: Sorted[]; lastId: number }> {
  // Loops, not callbacks made at each call: see pushTo (dedupe/matcher.ts).
  const pairs: Array<[number, string]> = [];
  for (let i = 0; i < documents.length; i++) {
    const sourceId = documents[i]!.source.id;
    for (const guidHash of prepared[i]!.keys()) pairs.push([sourceId, guidHash]);
  }
  if (!pairs.length) {
    const sorted: Sorted[] = [];
    for (let i = 0; i < documents.length; i++) sorted.push({ fresh: [], edited: [] });
    return { sorted, lastId: 0 };
  }
  const { known: rows, lastId } = await knownEntries(deps.db, pairs);
  const known = new Map<string, { id: number; contentHash: string }>();
  for (const r of rows) known.set(`${r.sourceId} ${r.guidHash}`, r);
  const changedIds: number[] = [];
  for (let i = 0; i < documents.length; i++) {
    const sourceId = documents[i]!.source.id;
    for (const p of prepared[i]!.values()) {
      const k = known.get(`${sourceId} ${p.guidHash}`);
      if (k && k.contentHash !== p.contentHash) changedIds.push(k.id);
    }
  }
  const existing = new Map<string, Edited['old']>();
  for (const part of chunks(changedIds, IN_LIST)) {
    const rows = await deps.db.orm
      .select({
        id: entries.id,
        sourceId: entries.sourceId,
        guidHash: entries.guidHash,
        itemId: entries.itemId,
        contentHash: entries.contentHash,
        firstSeenAt: entries.firstSeenAt,
        publishedAt: entries.publishedAt,
      })
      .from(entries)
      .where(inArray(entries.id, part));
    for (const { sourceId, guidHash, ...r } of rows) existing.set(`${sourceId} ${guidHash}`, r);
  }

  const sorted: Sorted[] = [];
  let handled = 0;
  for (const [i, { source }] of documents.entries()) {
    const fresh: Fresh[] = [];
    const edited: Edited[] = [];
    for (const p of prepared[i]!.values()) {
      if (++handled % ITEMS_PER_SLICE === 0) await yieldToEventLoop();
      const k = known.get(`${source.id} ${p.guidHash}`);
      if (k && k.contentHash === p.contentHash) {
        results[i]!.unchanged++;
        continue;
      }
      const old = existing.get(`${source.id} ${p.guidHash}`);
      const fp = dedupe
        ? (p.fp ?? fingerprint(p.title, textOf(p.contentHtml), textOf(p.summary)))
        : NO_FINGERPRINT;
      // A fingerprint computed ahead comes with its key numbers (prepareItems).
      const keys = dedupe && p.fp && p.keyNumbers ? p.keyNumbers : indexKeyNumbers(fp);
      if (old) edited.push({ p, fp, keys, old });
      else fresh.push({ p, fp, keys, publishedAt: publicationFor(p.rawPublished, now) });
    }
    sorted.push({ fresh, edited });
  }
  return { sorted, lastId };
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
