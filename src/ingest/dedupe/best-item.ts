/**
 * The item readers see, derived from its entries: the earliest publication, the best content
 * (an original rather than a relay, then the longest text) and the union of categories and
 * enclosures. Pure: the store writes the result only when it differs from what is stored.
 */
import type { EntryRow, ItemRow, Enclosure } from '../../db/schema/items.ts';
import { textOf, type TextValue } from '../../db/text-value.ts';
import { looksLikeRelay, stripBodyRelay } from './text.ts';
import { searchTextOf } from './search-text.ts';
import { htmlToText } from '../../shared/html-to-text.ts';
import { categoryKeys } from '../../filter-grammar.ts';
import { withoutTracking } from '../canonical-url.ts';
import { LIMITS } from '../feed-fields.ts';

/**
 * The entry fields the item is derived from: the item takes its best entry's text key, and the
 * text itself is read only to measure it (when textLength and relay are absent) or to fold
 * its search text (when searchText is absent).
 */
export type EntrySource = Pick<
  EntryRow,
  | 'sourceId'
  | 'url'
  | 'canonicalUrl'
  | 'title'
  | 'textKey'
  | 'author'
  | 'categories'
  | 'enclosures'
  | 'publishedAt'
  | 'firstSeenAt'
> &
  /** Stored with the entry by the store; measured from the text when absent. */
  Partial<Pick<EntryRow, 'textLength' | 'relay'>> & {
    /** As stored, or as read: bytes when read on another thread (db/text-value.ts). */
    summary: TextValue | null;
    contentHtml: TextValue | null;
    /** Plain text without relay marks, when the store already computed it (fingerprint). */
    bodyText?: string;
    /** Its search text (searchTextOf), when computed with its fingerprint. */
    searchText?: TextValue;
  };

interface Ranked {
  entry: EntrySource;
  relay: boolean;
  textLength: number;
}

/** Plain text without relay marks, as "best content" measures it. */
function bodyText(entry: EntrySource): { relay: boolean; text: string } {
  const raw = htmlToText(textOf(entry.contentHtml ?? entry.summary) ?? '', { blocks: '\n' });
  return { relay: looksLikeRelay(entry.title, raw), text: stripBodyRelay(raw) };
}

function rank(entry: EntrySource): Ranked {
  if (entry.textLength !== undefined && entry.relay !== undefined)
    return { entry, relay: entry.relay, textLength: entry.textLength };
  const { relay, text } = bodyText(entry);
  return { entry, relay, textLength: text.length };
}

/** Best first: originals before relays, then longest text, then earliest, then lowest source id. */
function compareRanked(a: Ranked, b: Ranked): number {
  if (a.relay !== b.relay) return a.relay ? 1 : -1;
  if (a.textLength !== b.textLength) return b.textLength - a.textLength;
  if (a.entry.publishedAt !== b.entry.publishedAt) return a.entry.publishedAt - b.entry.publishedAt;
  return a.entry.sourceId - b.entry.sourceId;
}

/**
 * An item's categories: its entries', the best entry's first, as many as one feed item may
 * carry (LIMITS; its enclosures likewise, unionEnclosures).
 */
function unionCategories(lists: string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const c of list) {
      const category = c.trim();
      // French has no case mappings of its own (Unicode's SpecialCasing tailors only
      // Lithuanian, Turkish and Azeri): toLocaleLowerCase('fr') is toLowerCase, which V8 runs
      // without going through Intl (as feed-fields.ts cleanCategories does).
      const key = category.toLowerCase();
      if (key && !seen.has(key)) {
        seen.add(key);
        out.push(category);
      }
    }
  }
  return out.length > LIMITS.categories ? out.slice(0, LIMITS.categories) : out;
}

function unionEnclosures(lists: Enclosure[][]): Enclosure[] {
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  for (const list of lists)
    for (const e of list) if (!seen.has(e.url)) seen.add(e.url), out.push(e);
  return out.length > LIMITS.enclosures ? out.slice(0, LIMITS.enclosures) : out;
}

/**
 * An item row without updatedAt; its search text as its best entry has it (bytes, when read
 * on another thread: bound as they are, db/text-value.ts).
 */
export type DerivedItem = Omit<ItemRow, 'updatedAt' | 'searchText'> & { searchText: TextValue };

/**
 * Item row (without updatedAt) derived from at least one entry. `searchText` is computed only
 * when asked (it needs the best entry's text), so comparing two derivations stays cheap.
 */
export function deriveItem(id: string, entries: EntrySource[], withSearchText = true): DerivedItem {
  if (!entries.length) throw new Error(`item ${id} has no entries`);
  // Arrays built by loops, not map: an array map made had another hidden class once the code
  // making it was optimised, and the optimised code reading it was thrown away and compiled
  // again (--trace-deopt: "wrong map").
  const ranked: Ranked[] = [];
  let publishedAt = Number.POSITIVE_INFINITY;
  let firstSeenAt = Number.POSITIVE_INFINITY;
  for (const entry of entries) {
    ranked.push(rank(entry));
    publishedAt = Math.min(publishedAt, entry.publishedAt);
    firstSeenAt = Math.min(firstSeenAt, entry.firstSeenAt);
  }
  ranked.sort(compareRanked);
  const e = ranked[0]!.entry;
  const categoryLists: string[][] = [];
  const enclosureLists: Enclosure[][] = [];
  for (const r of ranked) {
    categoryLists.push(r.entry.categories);
    enclosureLists.push(r.entry.enclosures);
  }
  const categories = unionCategories(categoryLists);
  return {
    id,
    canonicalUrl: e.canonicalUrl,
    url: e.url ? withoutTracking(e.url) : null,
    title: e.title,
    author: e.author,
    categories,
    enclosures: unionEnclosures(enclosureLists),
    publishedAt,
    firstSeenAt,
    searchText: withSearchText
      ? (e.searchText ?? searchTextOf(e.title, e.bodyText ?? bodyText(e).text))
      : '',
    categoryKeys: categoryKeys(categories),
    textKey: e.textKey,
  };
}

/** Whether two derived items differ (updatedAt aside; searchText follows from title and content). */
export function itemDiffers(stored: DerivedItem, derived: DerivedItem): boolean {
  for (const key of Object.keys(derived) as Array<keyof typeof derived>) {
    if (key === 'searchText') continue;
    const a = stored[key];
    const b = derived[key];
    if (
      typeof a === 'object' || typeof b === 'object'
        ? JSON.stringify(a) !== JSON.stringify(b)
        : a !== b
    )
      return true;
  }
  return false;
}
