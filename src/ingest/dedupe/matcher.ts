/**
 * Finds the item a new entry belongs to, in this order: an admin's split pin, the same guid
 * from another source, the same canonical URL, then a near-duplicate found through the band
 * index (item_bands). All lookups for one stored document are made up front, a few chunked
 * queries whatever the number of items; entries created by the same call are matched in memory.
 */
import type { Database } from '../../db/client.ts';
import { lookupCandidates } from './lookup.ts';
import { isStoryUrl } from '../canonical-url.ts';
import { indexKeys } from './fingerprint.ts';
import { compareEntries, marksConflict, CANDIDATE_WINDOW_MS } from './similarity.ts';

/** A new entry as the matcher sees it. */
export interface MatchInput {
  sourceId: number;
  guid: string | null;
  guidHash: string;
  canonicalUrl: string | null;
  titleKey: string;
  leadKey: string;
  marks: string;
  minhash: string;
  shingleCount: number;
  publishedAt: number;
  indexKeys: string[];
}

/** An entry already in an item (stored, or created earlier in the same call: id null). */
export interface KnownEntry {
  id: number | null;
  itemId: string;
  sourceId: number;
  networkSlug: string;
  guid: string | null;
  guidHash: string;
  canonicalUrl: string | null;
  titleKey: string;
  leadKey: string;
  marks: string;
  minhash: string;
  shingleCount: number;
  publishedAt: number;
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
  reason: 'guid' | 'canonical_url' | 'near_duplicate' | 'manual';
  detail: string;
}

/** Guids like "42" or "post" are reused across sites: only distinctive ones merge sources. */
function distinctiveGuid(guid: string | null): guid is string {
  return !!guid && guid.length >= 12 && !/^\d+$/.test(guid);
}

function describe(e: KnownEntry): string {
  return e.id === null
    ? `a new entry of ${e.networkSlug} in this pull`
    : `entry #${e.id} (${e.networkSlug})`;
}

export class Matcher {
  private byItem = new Map<string, KnownEntry[]>();
  private byBand = new Map<string, Set<string>>();
  private byGuidHash = new Map<string, KnownEntry[]>();
  private byCanonical = new Map<string, KnownEntry[]>();

  private constructor(
    private pins: Pin[],
    /** The source whose document is being stored. */
    private sourceId: number,
  ) {}

  /**
   * Loads every item the new entries could match, with all of their entries, in one query per
   * chunk of inputs: items sharing a distinctive guid or a story URL with an input, and items
   * sharing an index key within the candidate window (item_bands).
   */
  static async load(db: Database, sourceId: number, inputs: MatchInput[]): Promise<Matcher> {
    const found = inputs.length
      ? await lookupCandidates(
          db,
          sourceId,
          inputs.map((i) => ({
            guidHash: distinctiveGuid(i.guid) ? i.guidHash : null,
            canonicalUrl: isStoryUrl(i.canonicalUrl) ? i.canonicalUrl : null,
            indexKeys: i.indexKeys,
            publishedAt: i.publishedAt,
          })),
          CANDIDATE_WINDOW_MS,
        )
      : [];
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
    const matcher = new Matcher(pins, sourceId);
    const seen = new Set<number>();
    for (const row of found) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      matcher.addEntry({ ...row, marks: row.serialMarks }, indexKeys(row));
    }
    return matcher;
  }

  private itemKeys = new Map<string, Set<string>>();

  private addBand(key: string, itemId: string, searchable: boolean): void {
    if (searchable) {
      let set = this.byBand.get(key);
      if (!set) this.byBand.set(key, (set = new Set()));
      set.add(itemId);
    }
    let keys = this.itemKeys.get(itemId);
    if (!keys) this.itemKeys.set(itemId, (keys = new Set()));
    keys.add(key);
  }

  /** The index keys an item does not have yet (those are the only ones worth writing). */
  missingKeys(itemId: string, keys: string[]): string[] {
    const known = this.itemKeys.get(itemId);
    return known ? keys.filter((k) => !known.has(k)) : keys;
  }

  /** Registers an entry (stored or just created) so later entries can match it. */
  addEntry(entry: KnownEntry, indexKeys: string[]): void {
    const list = this.byItem.get(entry.itemId);
    if (list) list.push(entry);
    else this.byItem.set(entry.itemId, [entry]);
    const g = this.byGuidHash.get(entry.guidHash);
    if (g) g.push(entry);
    else this.byGuidHash.set(entry.guidHash, [entry]);
    if (entry.canonicalUrl) {
      const c = this.byCanonical.get(entry.canonicalUrl);
      if (c) c.push(entry);
      else this.byCanonical.set(entry.canonicalUrl, [entry]);
    }
    // A near-duplicate never comes from the source itself, so this document's own new entries
    // are not worth finding through the bands: indexing them made a long feed of look-alike
    // titles quadratic (10,000 minutes of meetings: 15 s of matching → see bench/ingest).
    const searchable = entry.id !== null || entry.sourceId !== this.sourceId;
    for (const k of indexKeys) this.addBand(k, entry.itemId, searchable);
  }

  /** The item this entry joins, or null for a new story. */
  match(e: MatchInput): MatchDecision | null {
    const forbidden = new Set<string>();
    let pinned: Pin | null = null;
    for (const pin of this.pins) {
      if (
        pin.guidHash === e.guidHash ||
        (pin.canonicalUrl && pin.canonicalUrl === e.canonicalUrl) ||
        (pin.titleKey && pin.titleKey === e.titleKey)
      ) {
        forbidden.add(pin.fromItemId);
        pinned ??= pin;
      }
    }
    // An item holding an episode of a series never takes another episode, even through a
    // third entry that resembles both.
    const allowed = (itemId: string) =>
      !forbidden.has(itemId) &&
      !(e.marks && (this.byItem.get(itemId) ?? []).some((x) => marksConflict(x.marks, e.marks)));
    const hasSource = (itemId: string) =>
      (this.byItem.get(itemId) ?? []).some((x) => x.sourceId === e.sourceId);

    if (distinctiveGuid(e.guid)) {
      const hit = (this.byGuidHash.get(e.guidHash) ?? []).find(
        (x) =>
          x.guid === e.guid &&
          x.sourceId !== e.sourceId &&
          allowed(x.itemId) &&
          !marksConflict(x.marks, e.marks),
      );
      if (hit)
        return {
          itemId: hit.itemId,
          reason: 'guid',
          detail: `same guid "${e.guid}" as ${describe(hit)}`,
        };
    }
    if (isStoryUrl(e.canonicalUrl)) {
      const hit = (this.byCanonical.get(e.canonicalUrl) ?? []).find(
        (x) =>
          allowed(x.itemId) &&
          !marksConflict(x.marks, e.marks) &&
          (x.sourceId !== e.sourceId || x.titleKey === e.titleKey),
      );
      if (hit)
        return {
          itemId: hit.itemId,
          reason: 'canonical_url',
          detail: `same canonical URL ${e.canonicalUrl} as ${describe(hit)}`,
        };
    }

    let best: { itemId: string; score: number; detail: string } | null = null;
    const seen = new Set<string>();
    for (const key of e.indexKeys) {
      for (const itemId of this.byBand.get(key) ?? []) {
        if (seen.has(itemId)) continue;
        seen.add(itemId);
        if (hasSource(itemId) || !allowed(itemId)) continue;
        for (const x of this.byItem.get(itemId) ?? []) {
          const verdict = compareEntries(e, x);
          if (!verdict.duplicate) continue;
          // Among equally good candidates, the closest in time is the likeliest original.
          const score =
            verdict.score - (Math.abs(e.publishedAt - x.publishedAt) / CANDIDATE_WINDOW_MS) * 0.1;
          if (!best || score > best.score)
            best = { itemId, score, detail: `${verdict.detail}; matched ${describe(x)}` };
        }
      }
    }
    if (best) return { itemId: best.itemId, reason: 'near_duplicate', detail: best.detail };
    if (pinned && this.byItem.has(pinned.toItemId)) {
      return {
        itemId: pinned.toItemId,
        reason: 'manual',
        detail: `kept apart from item ${pinned.fromItemId} by an admin split of entry #${pinned.entryId}`,
      };
    }
    return null;
  }
}
