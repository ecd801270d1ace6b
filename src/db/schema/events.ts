import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sources } from './sources.ts';

/**
 * An agenda event as readers see it: one row per event whatever the number of networks that
 * relayed it (provenance in event_sources). Content comes from its primary source. Instants
 * are epoch ms; `timezone` is the IANA zone the times are shown in.
 */
export const events = sqliteTable(
  'events',
  {
    /** Stable hub id. */
    id: text('id').primaryKey(),
    primarySourceId: integer('primary_source_id').notNull(),
    uid: text('uid').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    location: text('location'),
    url: text('url'),
    categories: text('categories', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** confirmed | tentative | cancelled (cancelled also when every source dropped it). */
    status: text('status').notNull().default('confirmed'),
    start: integer('start').notNull(),
    end: integer('end'),
    allDay: integer('all_day', { mode: 'boolean' }).notNull().default(false),
    timezone: text('timezone').notNull(),
    rrule: text('rrule'),
    /** jCal of the master VEVENT and its overrides, republished in /agenda.ics. */
    components: text('components', { mode: 'json' }).$type<unknown[]>().notNull().default([]),
    /** Normalised title and place, for relay detection. */
    titleKey: text('title_key').notNull().default(''),
    searchText: text('search_text').notNull().default(''),
    /** End of the window occurrences were expanded to (rolled forward on later pulls). */
    expandedUntil: integer('expanded_until').notNull().default(0),
    firstSeenAt: integer('first_seen_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('events_start').on(t.start), index('events_updated').on(t.updatedAt)],
);

/** One event as one calendar source published it: the provenance (networks, links) and change detection. */
export const eventSources = sqliteTable(
  'event_sources',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    networkSlug: text('network_slug').notNull(),
    uid: text('uid').notNull(),
    url: text('url'),
    /** Hash of the meaningful fields (DTSTAMP and the like ignored): an unchanged re-pull writes nothing. */
    contentHash: text('content_hash').notNull(),
    /** True once the source stopped publishing it. */
    removed: integer('removed', { mode: 'boolean' }).notNull().default(false),
    /** Why it joined its event: 'first' | 'same_url' | 'same_event' (see agenda/event-similarity.ts). */
    mergeReason: text('merge_reason').notNull().default('first'),
    /** What decided, in words ("même début, même titre …"), null for the first. */
    mergeDetail: text('merge_detail'),
    firstSeenAt: integer('first_seen_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('event_sources_source_uid').on(t.sourceId, t.uid),
    index('event_sources_event').on(t.eventId),
  ],
);

/** Expanded occurrences of an event within the rolling window. */
export const eventOccurrences = sqliteTable(
  'event_occurrences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    start: integer('start').notNull(),
    end: integer('end'),
    recurrenceId: integer('recurrence_id'),
    status: text('status').notNull().default('confirmed'),
    /** Override title and place (RECURRENCE-ID), null when the series' own apply. */
    title: text('title'),
    location: text('location'),
  },
  (t) => [
    index('event_occurrences_start').on(t.start),
    index('event_occurrences_event').on(t.eventId),
  ],
);

export type EventRow = typeof events.$inferSelect;
export type EventSourceRow = typeof eventSources.$inferSelect;
export type EventOccurrenceRow = typeof eventOccurrences.$inferSelect;
