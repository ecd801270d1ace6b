/** Turns a parsed item into the normalised fields an entry stores, with its identity and content hashes. */
import type { ParsedItem } from '../types.ts';
import { canonicalItemUrl } from '../canonical-url.ts';
import { htmlToText } from '../../shared/html-to-text.ts';
import { sha256Hex } from '../../shared/hash.ts';
import { entryHashes, type EncodedTexts, type HashedFields } from './entry-hashes.ts';
import type { KeptTextBytes } from '../kept-text-bytes.ts';
import { fingerprintAndFold, indexKeyNumbers, type Fingerprint } from './fingerprint.ts';
import { searchTextOf } from './search-text.ts';
import { ITEMS_PER_SLICE, yieldToEventLoop } from '../yield.ts';
import type { TextValue } from '../../db/text-value.ts';

/** An entry's normalised fields (HashedFields: what its content hash covers) and its hashes. */
export interface PreparedEntry extends HashedFields {
  /** sha-256 of the guid, else of the canonical URL, else of title + date. */
  guidHash: string;
  /** sha-256 over the normalised fields: equal hashes mean nothing to write. */
  contentHash: string;
}

function clean(value: string | null | undefined): string | null {
  const v = value?.trim();
  return v ? v : null;
}

/** White space runs as one space: title.replace(/\s+/g, ' '), without the copy when it is so. */
function singleSpaced(title: string | null): string | null {
  return title !== null && OTHER_WHITE_SPACE.test(title) ? title.replace(/\s+/g, ' ') : title;
}
/** What replace(/\s+/g, ' ') changes: white space other than a space, or two in a row. */
const OTHER_WHITE_SPACE = /[^\S ]|\s\s/;

function time(date: Date | null): number | null {
  const t = date?.getTime();
  return t === undefined || !Number.isFinite(t) ? null : t;
}

/** A title for items that have none: the start of their text, else their URL. */
function fallbackTitle(item: ParsedItem, url: string | null): string {
  const text = htmlToText(item.summary ?? item.contentHtml ?? '');
  if (text) return text.length > 90 ? `${text.slice(0, 89).replace(/\s+\S*$/, '')}…` : text;
  return url ?? '(sans titre)';
}

/** Null when the item has nothing to identify or show it (no guid, link, title or text). */
export function prepareEntry(item: ParsedItem): PreparedEntry | null {
  return prepare(item, false)?.entry ?? null;
}

/**
 * prepareEntry; with `withTextKey`, the item's textKey too (db/text-key.ts), hashed from the
 * same encoding of its texts as the content hash (entry-hashes.ts), which `encoded` is set to.
 */
function prepare(
  item: ParsedItem,
  withTextKey: boolean,
  encoded?: EncodedTexts,
): { entry: ReadItem; textKey: string | null | undefined } | null {
  const guid = clean(item.guid);
  const url = clean(item.url);
  const canonical = canonicalItemUrl({ url, guid });
  const rawPublished = time(item.published);
  const rawUpdated = time(item.updated);
  const title = singleSpaced(clean(item.title));
  const summary = clean(item.summary);
  const contentHtml = clean(item.contentHtml);
  let identity: string;
  if (guid) identity = `guid:${guid}`;
  else if (canonical) identity = `url:${canonical}`;
  else if (title || summary || contentHtml)
    identity = `title:${title ?? ''}|${rawPublished ?? ''}|${title ? '' : (summary ?? contentHtml ?? '').slice(0, 500)}`;
  else return null;
  // Loops, not map and filter: see nodes (parse-xml-feed.ts).
  const seen = new Set<string>();
  const categories: string[] = [];
  for (const c of item.categories) {
    const category = c.trim();
    if (category && !seen.has(category)) {
      seen.add(category);
      categories.push(category);
    }
  }
  const enclosures: ParsedItem['enclosures'] = [];
  for (const e of item.enclosures) if (e && typeof e.url === 'string' && e.url) enclosures.push(e);
  // One literal, its hash filled in after: a second object spread into it cost a copy per item.
  const entry: ReadItem = {
    guidHash: sha256Hex(identity),
    contentHash: '',
    guid,
    url,
    canonicalUrl: canonical,
    title: title ?? fallbackTitle(item, url),
    summary,
    contentHtml,
    author: clean(item.author),
    categories,
    enclosures,
    rawPublished,
    rawUpdated,
  };
  const hashes = entryHashes(entry, withTextKey, encoded);
  entry.contentHash = hashes.contentHash;
  return { entry, textKey: hashes.textKey };
}

/**
 * An entry ready to store; `fp`, `searchText` (search-text.ts) and `textKey` (db/text-key.ts)
 * when computed ahead (off the main thread), so the store does not fold or hash the text again.
 */
export interface PreparedItem extends Omit<PreparedEntry, 'summary' | 'contentHtml'> {
  /**
   * Its texts as prepareEntry made them, or their UTF-8 bytes when read on another thread
   * (db/text-value.ts): read them through textOf.
   */
  summary: TextValue | null;
  contentHtml: TextValue | null;
  fp?: Fingerprint;
  /**
   * indexKeyNumbers(fp), computed with it ahead: the store thread spent 0.37 s of a 1,000-source
   * cold pull computing them (bench:ingest --profile). Absent when fp is.
   */
  keyNumbers?: number[];
  searchText?: TextValue;
  /**
   * The key of its summary and content in `texts`: hashing them was the store thread's only
   * SHA-256 of a text (0.5 s of a 1,000-source cold pull's main thread, bench:ingest --profile).
   */
  textKey?: string | null;
}

/** An item as prepared here, its texts strings. */
type ReadItem = PreparedEntry & PreparedItem;

/** Where prepare's hashing left the texts' UTF-8, for KeptTextBytes (reused). */
const encoded: EncodedTexts = {
  bytes: null,
  summaryFrom: 0,
  summaryTo: 0,
  contentFrom: 0,
  contentTo: 0,
};

/**
 * A document's items, normalised; a document listing one guid twice keeps the first.
 * `fingerprints`: compute every item's dedup fingerprint now. The store otherwise computes
 * them for new and edited entries only, which is less work in total: ahead is for a thread
 * that would be idle anyway (workers/node/feed-reader-pool.ts). `keptTexts`: keeps each
 * item's summary and content as their hashing encoded them (reset by the caller).
 */
export async function prepareItems(
  parsed: ParsedItem[],
  options: { fingerprints?: boolean; keptTexts?: KeptTextBytes } = {},
): Promise<PreparedItem[]> {
  const prepared = new Map<string, PreparedItem>();
  const kept = options.keptTexts;
  let handled = 0;
  for (const item of parsed) {
    if (++handled % ITEMS_PER_SLICE === 0) await yieldToEventLoop();
    const read = prepare(item, options.fingerprints === true, kept ? encoded : undefined);
    if (!read || prepared.has(read.entry.guidHash)) continue;
    const p = read.entry;
    // Before the next item's hashing writes over them.
    if (kept) kept.keep(p, encoded);
    if (options.fingerprints) {
      const { fp, foldedBody, foldedTitle } = fingerprintAndFold(
        p.title,
        p.contentHtml,
        p.summary,
        p.contentHtml && item.contentText,
      );
      p.fp = fp;
      p.keyNumbers = indexKeyNumbers(fp);
      p.searchText = searchTextOf(p.title, fp.text ?? '', foldedBody, foldedTitle);
      p.textKey = read.textKey;
    }
    prepared.set(p.guidHash, p);
  }
  return [...prepared.values()];
}
