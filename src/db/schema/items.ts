import { sql } from 'drizzle-orm';
import {
  sqliteTable,
  text,
  integer,
  index,
  primaryKey,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { sources } from './sources.ts';

export interface Enclosure {
  url: string;
  type: string | null;
  length: number | null;
}

/**
 * A story as readers see it: one row per story, whatever the number of networks that
 * relayed it. Its content is the best of its entries (see ingest/dedupe).
 */
export const items = sqliteTable(
  'items',
  {
    /** Stable hub id (never changes once given, survives merges of later entries). */
    id: text('id').primaryKey(),
    canonicalUrl: text('canonical_url'),
    url: text('url'),
    title: text('title').notNull(),
    author: text('author'),
    categories: text('categories', { mode: 'json' }).$type<string[]>().notNull().default([]),
    enclosures: text('enclosures', { mode: 'json' }).$type<Enclosure[]>().notNull().default([]),
    /** Earliest publication among its entries (epoch ms). */
    publishedAt: integer('published_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    /** Title and text folded (src/filter-grammar.ts: accents, case, punctuation) for the q= filter. */
    searchText: text('search_text').notNull().default(''),
    /**
     * The categories folded, each between '|' (src/filter-grammar.ts categoryKeys), for the tag=
     * filter. Null on rows stored before search folding: src/db/search-refold.ts folds those.
     */
    categoryKeys: text('category_keys'),
    /**
     * Its summary and content: the best entry's row of `texts` (that entry's text_key), null
     * when that entry has neither.
     */
    textKey: text('text_key'),
  },
  // No index on canonical_url: stories are found by their entries' URLs (entries_canonical);
  // one on the stories' own was read by no query and cost every new story a write at a random
  // place (drizzle/0014_drop_items_canonical.sql).
  (t) => [index('items_published').on(t.publishedAt)],
);

/**
 * The summaries and contents of entries and stories, each stored once: a story shows its best
 * entry's row, and relays that copy a text word for word share one. Rows are found by a key
 * of their content (db/texts.ts), so storing a text is an `insert or ignore`, with no read.
 * Keeping these long columns out of `entries` and `items` keeps their rows within one page:
 * the dedup step reads entries in bulk, and a wide text before the dedup columns made every
 * such read walk the text's overflow pages. Rows no entry or story points to any more (an
 * edited text, a pruned story) are deleted at the daily upkeep (ingest/retention.ts).
 */
export const texts = sqliteTable('texts', {
  key: text('key').primaryKey(),
  summary: text('summary'),
  contentHtml: text('content_html'),
});

/**
 * One item as one source published it (Miniflux's "entry"). Several entries can point to
 * the same story in `items`: that is the provenance (networks and every link).
 */
export const entries = sqliteTable(
  'entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    networkSlug: text('network_slug').notNull(),
    itemId: text('item_id')
      .notNull()
      .references(() => items.id),
    /** sha-256 of the source's guid (or link, or title+date when there is none). */
    guidHash: text('guid_hash').notNull(),
    guid: text('guid'),
    url: text('url'),
    canonicalUrl: text('canonical_url'),
    title: text('title').notNull(),
    author: text('author'),
    categories: text('categories', { mode: 'json' }).$type<string[]>().notNull().default([]),
    enclosures: text('enclosures', { mode: 'json' }).$type<Enclosure[]>().notNull().default([]),
    publishedAt: integer('published_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    /** Hash of the normalised content: an unchanged re-pull writes nothing. */
    contentHash: text('content_hash').notNull(),
    /**
     * Why this entry joined its item: 'first' | 'guid' | 'canonical_url' | 'near_duplicate' |
     * 'excerpt' | 'manual' (words for people: dedupe/merge-reasons.ts).
     */
    mergeReason: text('merge_reason').notNull().default('first'),
    /** Human-readable detail of the decision (scores, matched keys). */
    mergeDetail: text('merge_detail'),
    /** Normalised title (see ingest/dedupe/text.ts): near-duplicate key and title bucket. */
    titleKey: text('title_key').notNull().default(''),
    /** MinHash of the text's word shingles, hex (see ingest/dedupe/minhash.ts). */
    minhash: text('minhash').notNull().default(''),
    /** Number of distinct shingles behind `minhash` (for containment estimates). */
    shingleCount: integer('shingle_count').notNull().default(0),
    /** Hash of the text's first words (see ingest/dedupe/fingerprint.ts), '' when the text is too short. */
    leadKey: text('lead_key').notNull().default(''),
    /**
     * Hashes of the first words after each sentence start of a short text (space-separated, ''
     * when none): where an excerpt relay's quote of another story's opening may begin.
     */
    leadProbes: text('lead_probes').notNull().default(''),
    /** Numbers, dates and ordinals of the title: serial titles whose marks differ stay apart. */
    serialMarks: text('serial_marks').notNull().default(''),
    /** Length of the plain text without relay marks, and whether it is a relay: "best content" ranks on them. */
    textLength: integer('text_length').notNull().default(0),
    relay: integer('relay', { mode: 'boolean' }).notNull().default(false),
    /** Set when an admin split this entry out of that item: it never joins it again (see entry_splits). */
    splitFromItemId: text('split_from_item_id'),
    /** Its summary and content: a row of `texts`, null when the source gave neither. */
    textKey: text('text_key'),
  },
  (t) => [
    // The re-pull check (is this guid known, is its content the same?) and the guarantee of one
    // entry per guid and source. The check reads its content hash from the row: SQLite's planner
    // took this unique index over a covering one on (source, guid hash, content hash), which no
    // query read and every new entry wrote (drizzle/0016_drop_entries_source_guid_content.sql).
    uniqueIndex('entries_source_guid').on(t.sourceId, t.guidHash),
    index('entries_item').on(t.itemId),
    index('entries_canonical').on(t.canonicalUrl),
    // Distinctive guids shared across sources (the candidate lookup): the first 12 hex digits of
    // the hash (48 bits) find them, the query compares the whole hash. Keyed by the whole hash,
    // this index was 3.5 times as large, and every new entry lands at a random place of it.
    index('entries_guid_prefix').on(sql`substr(${t.guidHash}, 1, 12)`),
    // A network's latest <updated> (Atom <source><updated>) in one index probe. A pull's entries
    // share their network, so their keys land together: cheap to write, unlike dedup keys.
    index('entries_network_updated').on(t.networkSlug, t.updatedAt),
    // Tiny partial index: the matcher looks up a source's split entries on every store.
    index('entries_split_source').on(t.sourceId).where(sql`${t.splitFromItemId} is not null`),
  ],
);

/**
 * The near-duplicate index: LSH band keys (and the normalised-title and lead buckets) of every
 * story, each pointing at the entry that brought it (the lookup reaches the story through the
 * entry). Looking candidates up by key keeps matching near-linear in the number of new
 * entries. Rows are only candidate generators: every candidate is checked against the
 * entries' real signatures, so a stale row (after an edit, a split or a pruned story: hence no
 * foreign key) is harmless; entry ids are never given twice (AUTOINCREMENT).
 *
 * Keys are random, so every new story writes ~11 rows at random places of this index: it is
 * the store's largest write. Hence its shape: the key as an integer (db/item-keys.ts, one to one
 * with the string keys of dedupe/fingerprint.ts), the entry as its integer id rather than the
 * story's 16-character one (rows of ~22 bytes, not ~36: 40 % fewer pages to write), and the
 * rows are the primary key itself (WITHOUT ROWID, in the migration: drizzle cannot say it), one
 * B-tree instead of a table and its index.
 */
export const itemKeys = sqliteTable(
  'item_keys',
  {
    key: integer('key').notNull(),
    /** Publication of the entry that produced the key: candidates are restricted to a window. */
    publishedAt: integer('published_at').notNull(),
    /** The entry that brought the key to its story (entries.id). */
    entryId: integer('entry_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.publishedAt, t.entryId] })],
);

/**
 * History of the wrong merges split by an admin (for `items show`). The matcher reads the pin
 * from entries.split_from_item_id: the entry (and any later entry of the same source with the
 * same guid, canonical URL or title) never joins `fromItemId` again.
 */
export const entrySplits = sqliteTable(
  'entry_splits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    guidHash: text('guid_hash').notNull(),
    canonicalUrl: text('canonical_url'),
    titleKey: text('title_key').notNull(),
    fromItemId: text('from_item_id').notNull(),
    toItemId: text('to_item_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('entry_splits_source').on(t.sourceId)],
);

export type ItemRow = typeof items.$inferSelect;
export type TextRow = typeof texts.$inferSelect;
export type EntrySplitRow = typeof entrySplits.$inferSelect;
export type EntryRow = typeof entries.$inferSelect;
