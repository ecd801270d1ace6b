/**
 * Finds the item a new entry belongs to, in this order: an admin's split pin, the same guid
 * from another source, the same canonical URL, then a near-duplicate found through the band
 * index (item_keys). All lookups for one stored document are made up front, a few chunked
 * queries whatever the number of items; entries created by the same call are matched in memory.
 */
import type { Database } from '../../db/client.ts';
import type { CandidateRow, LookupInput, MatchFields } from './lookup.ts';
import { isStoryUrl } from '../canonical-url.ts';
import { bodyText, indexKeyNumbers } from './fingerprint.ts';
import { excerptOf } from './excerpt.ts';
import { mergeReasonWords } from './merge-reasons.ts';
import { chunks, IN_LIST } from './chunk.ts';
import {
  compareEntries,
  marksConflict,
  sameTextRepost,
  titleTokenSimilarity,
  CANDIDATE_WINDOW_MS,
} from './similarity.ts';

/** A new entry as the matcher sees it. */
export interface MatchInput extends MatchFields {
  /** As stored in item_keys (indexKeyNumbers). */
  indexKeys: number[];
  /**
   * Plain text without relay marks (fingerprint's body): excerpts are checked on it. Asked for
   * only by an excerpt check: a text read on a thread is computed back on first use (feed-reader.ts
   * plainTextOf).
   */
  text: () => string;
}

/**
 * An entry already in an item (stored, or created earlier in the same call: id null): what
 * matching reads of a stored candidate, without its split pin.
 */
export interface KnownEntry extends Omit<CandidateRow, 'id' | 'splitFromItemId'> {
  id: number | null;
}

/** An admin split: entries like this one (same source and guid, URL or title) stay out of `fromItemId`. */
interface Pin {
  entryId: number;
  sourceId: number;
  guidHash: string;
  canonicalUrl: string | null;
  titleKey: string;
  fromItemId: string;
  toItemId: string;
}

export interface MatchDecision {
  itemId: string;
  reason: 'guid' | 'canonical_url' | 'near_duplicate' | 'excerpt' | 'manual';
  /** The reason in words first (merge-reasons.ts), then what decided. */
  detail: string;
}

function decision(itemId: string, reason: MatchDecision['reason'], detail: string): MatchDecision {
  return { itemId, reason, detail: `${mergeReasonWords(reason)} — ${detail}` };
}

const probesOf = (x: { leadProbes: string }) => (x.leadProbes ? x.leadProbes.split(' ') : []);

/** What a lookup by a key nobody has gives: one empty list per kind, never written to. */
const NONE: readonly KnownEntry[] = [];
const NO_ITEMS: readonly string[] = [];
const NO_INPUTS: readonly MatchInput[] = [];

type NearReason = 'near_duplicate' | 'excerpt';

/** Texts with fewer shingles are too short to call a repost "the same text". */
const REPOST_MIN_SHINGLES = 20;
/** Short enough to be an excerpt relay (fingerprint.ts gives probes to texts this short). */
const EXCERPT_MAX_SHINGLES = 250;
/** A lead key shared by more entries than this is a template's opening, not a story's. */
const MAX_SHARED_LEAD = 4;
/** An excerpt ranks below a near-identical copy of the same story. */
const EXCERPT_SCORE = 0.55;

/** Guids like "42" or "post" are reused across sites: only distinctive ones merge sources. */
function distinctiveGuid(guid: string | null): guid is string {
  return !!guid && guid.length >= 12 && !/^\d+$/.test(guid);
}

/**
 * The stored entries whose texts an excerpt check of these new entries needs: entries of other
 * sources whose opening a short new entry may quote (their lead key is one of its probes or
 * its own lead), and short stored entries that may quote a new one (one of their probes is its
 * lead). Lead keys are eight words in a row, so these are a few rows, not every candidate.
 */
export function excerptSuspects(
  inputs: MatchInput[],
  found: CandidateRow[],
  sourceId: number,
): number[] {
  // Lead key → the new entries that may quote it (`quoting`), or be quoted through it
  // (`quoted`). Excerpt relays are short; and an opening shared by many entries is a template,
  // not a story's (reading and comparing them all made a feed of look-alike posts quadratic).
  // Two maps, not one keyed by "q:" or "p:" and the key: a string made for each key.
  const quoting = new Map<string, MatchInput[]>();
  const quoted = new Map<string, MatchInput[]>();
  for (const i of inputs) {
    if (i.shingleCount <= EXCERPT_MAX_SHINGLES) {
      for (const k of probesOf(i)) pushTo(quoting, k, i);
      if (i.leadKey) pushTo(quoting, i.leadKey, i);
    }
    if (i.leadKey) pushTo(quoted, i.leadKey, i);
  }
  // Lead key → the candidates opening with it, counted only for the leads new entries may
  // quote (a Set for every candidate's lead was most of this function's garbage): the first
  // one's id, a set from the second on.
  const rowsByLead = new Map<string, number | Set<number>>();
  if (quoting.size)
    for (const r of found) {
      if (!r.leadKey || !quoting.has(r.leadKey)) continue;
      const rows = rowsByLead.get(r.leadKey);
      if (rows === undefined) rowsByLead.set(r.leadKey, r.id);
      else if (typeof rows !== 'number') rows.add(r.id);
      else if (rows !== r.id) rowsByLead.set(r.leadKey, new Set([rows, r.id]));
    }
  const ids = new Set<number>();
  for (const r of found) {
    if (r.sourceId === sourceId || ids.has(r.id)) continue;
    const rows = r.leadKey ? rowsByLead.get(r.leadKey) : undefined;
    // Copies close enough to merge without their texts need no read.
    if (
      (rows !== undefined &&
        (typeof rows === 'number' || rows.size <= MAX_SHARED_LEAD) &&
        needsText(leadInputs(quoting, r.leadKey), r)) ||
      (quoted.size > 0 && probedNeedsText(quoted, r))
    )
      ids.add(r.id);
  }
  return [...ids];
}

/** Whether one of these new entries is not close enough to `r` to merge without texts. */
function needsText(pairs: readonly MatchInput[], r: CandidateRow): boolean {
  for (const i of pairs) if (!compareEntries(i, r).duplicate) return true;
  return false;
}

/** needsText of the new entries whose lead is one of r's probes, probe after probe. */
function probedNeedsText(quoted: Map<string, MatchInput[]>, r: CandidateRow): boolean {
  for (const k of probesOf(r)) if (needsText(leadInputs(quoted, k), r)) return true;
  return false;
}

/** The new entries under a lead key, none when a template shares it (MAX_SHARED_LEAD). */
function leadInputs(byLead: Map<string, MatchInput[]>, key: string): readonly MatchInput[] {
  const list = byLead.get(key);
  return !list || list.length > MAX_SHARED_LEAD ? NO_INPUTS : list;
}

/**
 * Appends `value` to `key`'s list.
 *
 * Why module functions, methods and loops here rather than closures made at each call (a local
 * helper, an arrow given to forEach, map, flatMap or some): V8 keeps a function's optimised code
 * only while a closure that runs it lives. A closure made anew for each document or batch dies
 * with it, so after each mark-compact (about every second on a pull's main thread) the next one
 * was interpreted, warmed up and compiled again: 10 to 27 compiles of one arrow in a pull, and
 * at 500 sources 1,026 TurboFan compiles for ~500 functions (bench:ingest --node-flag
 * --trace-opt), the compiler threads' CPU growing with the pull.
 */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Body texts (as excerpt checks compare them) of stored entries, by id. */
export async function readExcerptTexts(db: Database, ids: number[]): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  for (const part of chunks(ids, IN_LIST)) {
    const slots = part.map(() => '?').join(', ');
    const sql = `select e.id, t.content_html, t.summary from entries e
      left join texts t on t.key = e.text_key where e.id in (${slots})`;
    for (const [id, contentHtml, summary] of await db.rows(sql, part))
      texts.set(id as number, bodyText(contentHtml as string | null, summary as string | null));
  }
  return texts;
}

function describe(e: KnownEntry): string {
  return e.id === null
    ? `a new entry of ${e.networkSlug} in this pull`
    : `entry #${e.id} (${e.networkSlug})`;
}

export class Matcher {
  private byItem = new Map<string, KnownEntry[]>();
  /**
   * Index key → the items having it, in the order they came. An array: most keys have one
   * item, and a Set per key (~140 bytes, against ~60 for an array of one) was ~20 MB of a
   * 250-source pull's garbage that outlived young-generation collections (bench:ingest
   * --sample-promoted). An item's entries come one after another (found rows are ordered by
   * item), so an item is listed again only when a later entry joins it; `match` skips what it
   * has seen, as it did with the Set, and checking the whole list would be quadratic in keys
   * that many items share.
   */
  private byBand = new Map<number, string[]>();
  private byGuidHash = new Map<string, KnownEntry[]>();
  private byCanonical = new Map<string, KnownEntry[]>();

  /**
   * The index keys `match` will be asked about: those of the inputs given to build. A stored
   * candidate has ~11 keys and shares one or two with the document (the one that found it);
   * listing its others under byBand cost a map entry each that no match ever read (the
   * largest share of building a matcher at 1,000 bench sources, where a cold pull's lookups
   * find ~2 candidates per new entry, mostly strangers sharing a key by chance).
   */
  private wanted = new Set<number>();

  private constructor(
    private pins: Pin[],
    /** The source whose document is being stored. */
    private sourceId: number,
    inputs: MatchInput[],
  ) {
    for (const i of inputs) for (const k of i.indexKeys) this.wanted.add(k);
  }

  /**
   * The lookup of a document's new entries (lookup.ts): distinctive guids and story URLs only
   * (others merge nothing), index keys within the candidate window.
   */
  static lookupOf(inputs: MatchInput[]): LookupInput[] {
    const lookup: LookupInput[] = [];
    for (const i of inputs)
      lookup.push({
        guidHash: distinctiveGuid(i.guid) ? i.guidHash : null,
        canonicalUrl: isStoryUrl(i.canonicalUrl) ? i.canonicalUrl : null,
        indexKeys: i.indexKeys,
        publishedAt: i.publishedAt,
      });
    return lookup;
  }

  /**
   * A matcher over `found`, every entry of the items the new entries could match (lookup.ts,
   * and in a batch the entries earlier documents wrote), ordered by item then id. `textsOf`
   * gives the body texts of the stored entries an excerpt check needs (excerptSuspects);
   * `keysOf` an entry's index keys (a batch computes them once for all its documents).
   */
  static async build(
    found: CandidateRow[],
    sourceId: number,
    inputs: MatchInput[],
    textsOf: (ids: number[]) => Promise<Map<number, string>>,
    keysOf: (row: CandidateRow) => number[] = indexKeyNumbers,
  ): Promise<Matcher> {
    const pins: Pin[] = found
      .filter((r) => r.sourceId === sourceId && r.splitFromItemId)
      .map((r) => ({
        entryId: r.id,
        sourceId: r.sourceId,
        guidHash: r.guidHash,
        canonicalUrl: r.canonicalUrl,
        titleKey: r.titleKey,
        fromItemId: r.splitFromItemId!,
        toItemId: r.itemId,
      }));
    const matcher = new Matcher(pins, sourceId, inputs);
    const seen = new Set<number>();
    for (const row of found) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      matcher.addEntry(row, keysOf(row));
    }
    const suspects = excerptSuspects(inputs, found, sourceId);
    if (suspects.length) matcher.texts = await textsOf(suspects);
    return matcher;
  }

  /** Body texts of stored entries, given only for excerpt suspects (see excerptSuspects). */
  private texts = new Map<number, string>();

  /** This document's own new entries by exact text: a story listed twice in one feed. */
  private ownByText = new Map<string, KnownEntry>();

  /**
   * Each item's index keys: as the lists its entries came with until missingKeys asks about
   * the item, then as one set. Only the items new entries join are asked about: a set per
   * candidate item, filled key by key, was work for items no entry joins.
   */
  private itemKeyLists = new Map<string, number[][]>();
  private itemKeys = new Map<string, Set<number>>();

  private addBand(key: number, itemId: string): void {
    if (!this.wanted.has(key)) return;
    const items = this.byBand.get(key);
    if (!items) this.byBand.set(key, [itemId]);
    else if (items[items.length - 1] !== itemId) items.push(itemId);
  }

  /** The index keys an item does not have yet (those are the only ones worth writing). */
  missingKeys(itemId: string, keys: number[]): number[] {
    let known = this.itemKeys.get(itemId);
    if (!known) {
      const lists = this.itemKeyLists.get(itemId);
      if (!lists) return keys;
      known = new Set();
      for (const list of lists) for (const k of list) known.add(k);
      this.itemKeys.set(itemId, known);
      this.itemKeyLists.delete(itemId);
    }
    // A loop, not a callback made at each call: see pushTo.
    const missing: number[] = [];
    for (const k of keys) if (!known.has(k)) missing.push(k);
    return missing;
  }

  /** Registers an entry (stored or just created) so later entries can match it. */
  addEntry(entry: KnownEntry, indexKeys: number[]): void {
    pushTo(this.byItem, entry.itemId, entry);
    pushTo(this.byGuidHash, entry.guidHash, entry);
    if (entry.canonicalUrl) pushTo(this.byCanonical, entry.canonicalUrl, entry);
    // A near-duplicate never comes from the source itself, so this document's own new entries
    // are not worth finding through the bands: indexing them made a long feed of look-alike
    // titles quadratic (10,000 minutes of meetings: 15 s of matching → see bench/ingest).
    const searchable = entry.id !== null || entry.sourceId !== this.sourceId;
    if (searchable) for (const k of indexKeys) this.addBand(k, entry.itemId);
    const known = this.itemKeys.get(entry.itemId);
    if (known) for (const k of indexKeys) known.add(k);
    else pushTo(this.itemKeyLists, entry.itemId, indexKeys);
    if (
      !searchable &&
      entry.shingleCount >= REPOST_MIN_SHINGLES &&
      !this.ownByText.has(entry.minhash)
    )
      this.ownByText.set(entry.minhash, entry);
  }

  /** Whether `e` and stored `x` are an excerpt relay and its story (either way round). */
  private excerpt(e: MatchInput, x: KnownEntry): string | null {
    const text = x.id === null ? undefined : this.texts.get(x.id);
    if (text === undefined) return null;
    // Only the pairs the texts were read for: one opens where the other quotes.
    const quotes = (a: { leadKey: string; leadProbes: string }, lead: string) =>
      !!lead && (a.leadKey === lead || probesOf(a).includes(lead));
    if (!quotes(e, x.leadKey) && !quotes(x, e.leadKey)) return null;
    if (Math.abs(e.publishedAt - x.publishedAt) > CANDIDATE_WINDOW_MS) return null;
    const own = e.text();
    if (!own) return null;
    const mine = { titleKey: e.titleKey, marks: e.marks, text: own };
    const theirs = { titleKey: x.titleKey, marks: x.marks, text };
    // The shorter one quotes the longer one's opening.
    const [relay, story] = own.length <= text.length ? [mine, theirs] : [theirs, mine];
    const verdict = excerptOf(relay, story);
    return verdict.excerpt ? `${verdict.detail}; matched ${describe(x)}` : null;
  }

  /**
   * Whether `e` may join the item: not split from it by an admin, and no episode of a series
   * it holds conflicts with e's (an item holding an episode never takes another, even through a
   * third entry that resembles both). A method, not a closure made by each match: see pushTo.
   */
  private allowed(itemId: string, forbidden: Set<string> | null, e: MatchInput): boolean {
    if (forbidden?.has(itemId)) return false;
    if (!e.marks) return true;
    for (const x of this.byItem.get(itemId) ?? NONE)
      if (marksConflict(x.marks, e.marks)) return false;
    return true;
  }

  /** Whether the item has an entry of this source. */
  private hasSource(itemId: string, sourceId: number): boolean {
    for (const x of this.byItem.get(itemId) ?? NONE) if (x.sourceId === sourceId) return true;
    return false;
  }

  /**
   * The items `match` has looked at for the entry it matches: an item id is seen when its
   * value is `stamp`, which each match moves on. One map for all the matches of a document,
   * where a Set made by each match was most of what matching allocated, with the closures
   * it made (bench:ingest --sample-promoted, young objects included).
   */
  private seenAt = new Map<string, number>();
  private stamp = 0;

  /** The best near-duplicate or excerpt candidate of the entry being matched (consider). */
  private best: { itemId: string; score: number; reason: NearReason; detail: string } | null = null;

  /**
   * A candidate for `e`: kept when it scores above the best one so far. Among equally good
   * candidates, the closest in time is the likeliest original. The detail, `prefix` + `what`
   * (+ "; matched" and x when `matched`), is written only for one kept.
   */
  private consider(
    e: MatchInput,
    itemId: string,
    x: KnownEntry,
    value: number,
    reason: NearReason,
    prefix: string,
    what: string,
    matched: boolean,
  ): void {
    const score = value - (Math.abs(e.publishedAt - x.publishedAt) / CANDIDATE_WINDOW_MS) * 0.1;
    if (this.best && score <= this.best.score) return;
    const detail = matched ? `${prefix}${what}; matched ${describe(x)}` : `${prefix}${what}`;
    this.best = { itemId, score, reason, detail };
  }

  /** The item this entry joins, or null for a new story. */
  match(e: MatchInput): MatchDecision | null {
    let forbidden: Set<string> | null = null;
    let pinned: Pin | null = null;
    for (const pin of this.pins) {
      if (
        pin.guidHash === e.guidHash ||
        (pin.canonicalUrl && pin.canonicalUrl === e.canonicalUrl) ||
        (pin.titleKey && pin.titleKey === e.titleKey)
      ) {
        (forbidden ??= new Set()).add(pin.fromItemId);
        pinned ??= pin;
      }
    }

    // Loops, not find with a closure made at each match: see pushTo.
    if (distinctiveGuid(e.guid)) {
      for (const x of this.byGuidHash.get(e.guidHash) ?? NONE)
        if (
          x.guid === e.guid &&
          x.sourceId !== e.sourceId &&
          this.allowed(x.itemId, forbidden, e) &&
          !marksConflict(x.marks, e.marks)
        )
          return decision(x.itemId, 'guid', `same guid "${e.guid}" as ${describe(x)}`);
    }
    if (isStoryUrl(e.canonicalUrl)) {
      // A network's own posts share a URL only when they are one story posted again (a new
      // guid): a feed linking every post to one listing page has other titles and texts.
      for (const x of this.byCanonical.get(e.canonicalUrl) ?? NONE)
        if (
          this.allowed(x.itemId, forbidden, e) &&
          !marksConflict(x.marks, e.marks) &&
          (x.sourceId !== e.sourceId ||
            titleTokenSimilarity(x.titleKey, e.titleKey) >= 0.5 ||
            sameTextRepost(e, x).duplicate)
        )
          return decision(
            x.itemId,
            'canonical_url',
            `${x.sourceId === e.sourceId ? 'posted again by the same network, ' : ''}same canonical URL ${e.canonicalUrl} as ${describe(x)}`,
          );
    }
    const twin = this.ownByText.get(e.minhash);
    if (twin && e.shingleCount >= REPOST_MIN_SHINGLES && this.allowed(twin.itemId, forbidden, e))
      return decision(
        twin.itemId,
        'near_duplicate',
        `posted twice by the same network, same text as ${describe(twin)}`,
      );

    this.best = null;
    const stamp = ++this.stamp;
    for (const key of e.indexKeys) {
      // Only the inputs' keys are listed (`wanted`): another entry would miss candidates.
      if (!this.wanted.has(key)) throw new Error('Matcher.match: an entry not given to build');
      for (const itemId of this.byBand.get(key) ?? NO_ITEMS) {
        if (this.seenAt.get(itemId) === stamp) continue;
        this.seenAt.set(itemId, stamp);
        if (!this.allowed(itemId, forbidden, e)) continue;
        const list = this.byItem.get(itemId) ?? NONE;
        if (this.hasSource(itemId, e.sourceId)) {
          // A story of this network: only the same text posted again joins it.
          for (const x of list) {
            if (x.sourceId !== e.sourceId) continue;
            const verdict = sameTextRepost(e, x);
            if (verdict.duplicate)
              this.consider(
                e,
                itemId,
                x,
                verdict.score,
                'near_duplicate',
                'posted again by the same network: ',
                verdict.detail,
                true,
              );
          }
          continue;
        }
        for (const x of list) {
          const verdict = compareEntries(e, x);
          if (verdict.duplicate) {
            this.consider(e, itemId, x, verdict.score, 'near_duplicate', '', verdict.detail, true);
            continue;
          }
          const excerpt = this.excerpt(e, x);
          if (excerpt) this.consider(e, itemId, x, EXCERPT_SCORE, 'excerpt', '', excerpt, false);
        }
      }
    }
    const chosen = this.best as { itemId: string; reason: NearReason; detail: string } | null;
    this.best = null;
    if (chosen) return decision(chosen.itemId, chosen.reason, chosen.detail);
    if (pinned && this.byItem.has(pinned.toItemId)) {
      return decision(
        pinned.toItemId,
        'manual',
        `kept apart from item ${pinned.fromItemId} by an admin split of entry #${pinned.entryId}`,
      );
    }
    return null;
  }
}
