/**
 * Reading and writing `texts` (src/db/schema/items.ts).
 *
 * The key of a summary and content in `texts` (src/db/schema/items.ts): 128 bits of their
 * SHA-256 in base64url, 22 characters. Equal texts get equal keys, so a text is written with
 * `insert or ignore` and no read, and relays that copy a text word for word share its row.
 * Keys carried over from before (drizzle/0011_texts_stored_once.sql) are 'entry:<id>' or
 * 'item:<id>': a ':' never appears in base64url, so the two kinds cannot meet.
 */
import { sha256Base64url } from '../shared/hash.ts';
import { eq, getTableColumns } from 'drizzle-orm';
import { entries, items, texts, type ItemRow } from './schema/items.ts';

export interface StoryText {
  summary: string | null;
  contentHtml: string | null;
}

/** The key of a summary and content, null when there is neither (no row is stored then). */
export function textKey(summary: string | null, contentHtml: string | null): string | null {
  if (summary === null && contentHtml === null) return null;
  // The summary's length first: no summary/content pair reads as another's. One string, one
  // digest: four updates of a hash object cost a third more (on the store's thread, for new
  // and edited entries only).
  const s = summary === null ? '-' : `${summary.length}:${summary}`;
  const c = contentHtml === null ? '-' : `:${contentHtml}`;
  return sha256Base64url(s + c).slice(0, 22);
}

/** An entry's columns and its text, for a select from entries left-joined with its text. */
export const entryWithText = {
  ...getTableColumns(entries),
  summary: texts.summary,
  contentHtml: texts.contentHtml,
};

/** Joins an entry's or a story's text (left: a row without one has a null key). */
export const textOfEntry = eq(texts.key, entries.textKey);
export const textOfItem = eq(texts.key, items.textKey);

/**
 * A story's columns and its text, in the order its row had them when the text was one of its
 * columns (what the admin API's JSON shows), for a select from items left-joined with its text.
 */
export const itemWithText = {
  id: items.id,
  canonicalUrl: items.canonicalUrl,
  url: items.url,
  title: items.title,
  summary: texts.summary,
  contentHtml: texts.contentHtml,
  author: items.author,
  categories: items.categories,
  enclosures: items.enclosures,
  publishedAt: items.publishedAt,
  updatedAt: items.updatedAt,
  firstSeenAt: items.firstSeenAt,
  searchText: items.searchText,
  categoryKeys: items.categoryKeys,
};

/** A story as readers see it: its row with its text instead of the text's key. */
export type ItemWithText = Omit<ItemRow, 'textKey'> & StoryText;
