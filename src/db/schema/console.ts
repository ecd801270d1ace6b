import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { DiscoveredFeed } from '../../ingest/discover.ts';

/**
 * Single-use sign-in links for the coordinators' console (`hub.coordinators`). Only the
 * sha-256 of the token is kept; a link is spent once `usedAt` is set, and dead after `expiresAt`.
 */
export const adminLoginLinks = sqliteTable(
  'admin_login_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    email: text('email').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('admin_login_links_expires').on(t.expiresAt)],
);

/**
 * A member network proposing itself (`/networks/propose`), with the feeds and agendas found
 * on its site, until a coordinator approves it (it becomes a network) or declines it.
 */
export const networkProposals = sqliteTable(
  'network_proposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    site: text('site').notNull(),
    email: text('email').notNull(),
    territory: text('territory'),
    description: text('description'),
    /** What discovery found on the site when it was proposed. */
    feeds: text('feeds', { mode: 'json' }).$type<DiscoveredFeed[]>().notNull().default([]),
    /** Why discovery found nothing (the site did not answer…), shown to the coordinator. */
    discoveryError: text('discovery_error'),
    status: text('status', { enum: ['pending', 'approved', 'declined'] })
      .notNull()
      .default('pending'),
    /** The network it became, once approved. */
    networkSlug: text('network_slug'),
    createdAt: integer('created_at').notNull(),
    decidedAt: integer('decided_at'),
  },
  (t) => [index('network_proposals_status').on(t.status, t.id)],
);

export type NetworkProposalRow = typeof networkProposals.$inferSelect;
