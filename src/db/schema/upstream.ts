import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { sources } from './sources.ts';

/**
 * Provenance carried by another hub's feed (a hub of hubs): a member source that is itself a
 * hub says which of ITS networks published each story. Kept beside the entries, keyed like
 * them by (source, guid), so stories stay one row per source and the upstream networks can be
 * shown ("Animacoop, via Hub Occitanie") and filtered on.
 */
export const upstreamEntries = sqliteTable(
  'upstream_entries',
  {
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    guid: text('guid').notNull(),
    /** The upstream hub's network slugs for this story, earliest publisher first. */
    networks: text('networks', { mode: 'json' }).$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.guid] })],
);

/** The networks an upstream hub lists (its JSON Feed `_hub.networks`), per source. */
export const upstreamNetworks = sqliteTable(
  'upstream_networks',
  {
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    site: text('site'),
    territory: text('territory'),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.slug] })],
);

export type UpstreamNetworkRow = typeof upstreamNetworks.$inferSelect;
