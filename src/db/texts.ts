/**
 * Reading and writing `texts` (src/db/schema/items.ts). Rows are found by the key of their
 * summary and content (text-key.ts).
 */
import { eq, getTableColumns } from 'drizzle-orm';
import { bulkInserts, type InsertRow } from './bulk-insert.ts';
import type { Database, Statement } from './client.ts';
import { entries, items, texts, type ItemRow } from './schema/items.ts';

export { textKey } from './text-key.ts';

export interface StoryText {
  summary: string | null;
  contentHtml: string | null;
}

/**
 * Statements storing these texts; a key already stored is skipped. Nothing else can make them
 * fail (a key and two texts, a string or its bytes, no foreign key), so on SQLite they are
 * written after the batch's savepoint, which copies every page it touches first
 * (Database.rawStatement's `afterGuard`): the key index's pages are random.
 */
export function insertTexts(db: Database, rows: Array<InsertRow<typeof texts>>): Statement[] {
  return bulkInserts(db, texts, rows, { ignoreConflicts: true, afterGuard: true });
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
