import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/** A member network, as declared in networks.yaml (or imported from OPML). */
export const networks = sqliteTable('networks', {
  slug: text('slug').primaryKey(),
  name: text('name').notNull(),
  site: text('site'),
  territory: text('territory'),
  /** JSON array of strings. */
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
  description: text('description'),
  /** false once the network left the federation file: kept so its history stays readable. */
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type NetworkRow = typeof networks.$inferSelect;

/**
 * Hub-wide settings from the federation file's `hub:` block (title, base_url, language,
 * timezone), stored so that Workers, which cannot read the file, see them too.
 */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
