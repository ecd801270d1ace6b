import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { networks } from './networks.ts';

/**
 * One URL the hub pulls for a network: a news feed, a calendar, or a bare site whose
 * feeds are discovered. Holds the fetch state (validators, backoff) and the health shown
 * on /networks. All instants are epoch milliseconds.
 */
export const sources = sqliteTable(
  'sources',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    networkSlug: text('network_slug')
      .notNull()
      .references(() => networks.slug),
    kind: text('kind', { enum: ['feed', 'calendar', 'site'] }).notNull(),
    /** URL as declared by the coordinators. */
    url: text('url').notNull(),
    /** URL actually fetched: discovered feed or adopted permanent redirect. */
    fetchUrl: text('fetch_url').notNull(),
    title: text('title'),
    /**
     * active | paused (a coordinator stopped pulling it for now, from the console) |
     * retired (HTTP 410) | removed (gone from the federation file, or retired in the console)
     */
    status: text('status', { enum: ['active', 'paused', 'retired', 'removed'] })
      .notNull()
      .default('active'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    /** Permanent redirect seen but not adopted yet (adopted once stable). */
    redirectUrl: text('redirect_url'),
    redirectCount: integer('redirect_count').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    /** Machine-readable error kind (timeout, too_large, http_error, parse_error, blocked_host…). */
    lastErrorKind: text('last_error_kind'),
    errorCount: integer('error_count').notNull().default(0),
    /**
     * Set when the last successful read kept only part of the document (a cap on events or
     * items): how many were kept out of how many it held. Null when it was read whole.
     * Shown as "ok, tronqué : N sur M" so a capped source is never mistaken for a complete one.
     */
    truncatedKept: integer('truncated_kept'),
    truncatedTotal: integer('truncated_total'),
    /**
     * Set when the last successful read had to repair a malformed document (recovering pass:
     * bare "&", unescaped HTML, a cut…): what was wrong, in French. Every item was kept; the
     * source shows it as a warning, not an error. Null when the document was well-formed.
     */
    lastWarning: text('last_warning'),
    /**
     * Another hub's feed whose history (ingest/refresh/history.ts) stopped on a failure that may
     * pass (timeout, connection, 5xx): the page to resume from at the next pull, its number, and
     * which retry that pull makes (1 to HISTORY_RETRIES). Null when there is nothing to resume.
     */
    historyResume: text('history_resume', { mode: 'json' }).$type<{
      url: string;
      page: number;
      tries: number;
    }>(),
    lastFetchAt: integer('last_fetch_at'),
    lastSuccessAt: integer('last_success_at'),
    nextFetchAt: integer('next_fetch_at').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('sources_network_url').on(t.networkSlug, t.url),
    index('sources_due').on(t.status, t.nextFetchAt),
  ],
);

export type SourceRow = typeof sources.$inferSelect;

/**
 * One run of `pull` (cron, CLI, admin), for /healthz and the CLI summary. A run handed to the
 * Workers Queue is one row too: each batch adds its counts to it and it is finished once
 * `sourcesDone` reaches `sources`.
 */
export const pulls = sqliteTable('pulls', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  trigger: text('trigger').notNull(),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
  sources: integer('sources').notNull().default(0),
  /** Sources pulled (or skipped as no longer active) so far. */
  sourcesDone: integer('sources_done').notNull().default(0),
  ok: integer('ok').notNull().default(0),
  notModified: integer('not_modified').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  newItems: integer('new_items').notNull().default(0),
  updatedItems: integer('updated_items').notNull().default(0),
});
