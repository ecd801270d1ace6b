import {
  sqliteTable,
  text,
  integer,
  index,
  uniqueIndex,
  primaryKey,
} from 'drizzle-orm/sqlite-core';

/** What a subscriber follows; an empty list means "everything". */
export interface DigestChoices {
  networks: string[];
  tags: string[];
  territories: string[];
}

/**
 * A confirmed subscriber (double opt-in: a row exists only once the confirmation link was
 * used). The address is personal data: never shown on pages, exported only through the admin
 * API, and the row is deleted `UNSUBSCRIBE_GRACE_MS` after unsubscribing (digest job).
 */
export const subscribers = sqliteTable(
  'subscribers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Lower-cased address. */
    email: text('email').notNull(),
    lang: text('lang', { enum: ['fr', 'en'] })
      .notNull()
      .default('fr'),
    frequency: text('frequency', { enum: ['daily', 'weekly'] })
      .notNull()
      .default('weekly'),
    choices: text('choices', { mode: 'json' }).$type<DigestChoices>().notNull(),
    /** active | unsubscribed (purged after the grace period) | bounced (permanent failure: never mailed again). */
    status: text('status', { enum: ['active', 'unsubscribed', 'bounced'] })
      .notNull()
      .default('active'),
    /** Random per-subscriber salt in the signed manage token: rotating it revokes old links. */
    tokenSalt: text('token_salt').notNull(),
    confirmedAt: integer('confirmed_at').notNull(),
    /** End of the window of the last digest sent: the next one starts there. */
    lastDigestAt: integer('last_digest_at'),
    unsubscribedAt: integer('unsubscribed_at'),
    bouncedAt: integer('bounced_at'),
    bounceReason: text('bounce_reason'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('subscribers_email').on(t.email),
    index('subscribers_status').on(t.status, t.id),
  ],
);

/**
 * A subscription request waiting for its confirmation link. Only the sha-256 of the token is
 * kept (a leaked database gives no working link); rows expire and are purged by the digest job.
 */
export const pendingSubscriptions = sqliteTable(
  'pending_subscriptions',
  {
    tokenHash: text('token_hash').primaryKey(),
    email: text('email').notNull(),
    lang: text('lang', { enum: ['fr', 'en'] })
      .notNull()
      .default('fr'),
    frequency: text('frequency', { enum: ['daily', 'weekly'] })
      .notNull()
      .default('weekly'),
    choices: text('choices', { mode: 'json' }).$type<DigestChoices>().notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('pending_expires').on(t.expiresAt)],
);

/**
 * One digest run (an "edition"). `edition` is the unfiltered content (stories and events,
 * no personal data): it is what the public archive shows. Per-subscriber messages are built
 * from the same window, filtered by each subscriber's choices.
 */
export const digests = sqliteTable(
  'digests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** open (deliveries still to do) | done */
    status: text('status', { enum: ['open', 'done'] })
      .notNull()
      .default('open'),
    /** Instant the run was started: the end of every story window of this digest. */
    windowEnd: integer('window_end').notNull(),
    /** Start of the archive edition's window (the previous digest's end). */
    windowStart: integer('window_start').notNull(),
    /** JSON of the unfiltered edition (see newsletter/digest/build.ts), shown by the archive. */
    edition: text('edition', { mode: 'json' }).$type<unknown>(),
    storyCount: integer('story_count').notNull().default(0),
    eventCount: integer('event_count').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    /** Set once every due subscriber has its ledger row (a crash before that re-enqueues, idempotently). */
    enqueuedAt: integer('enqueued_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('digests_status').on(t.status, t.id)],
);

/**
 * The delivery ledger: one row per (digest, subscriber), which makes sending idempotent.
 * pending → sending (claimed just before SMTP) → sent | failed_temp (retried with backoff)
 * | failed_perm | skipped (empty digest for this subscriber: nothing sent).
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    digestId: integer('digest_id')
      .notNull()
      .references(() => digests.id),
    subscriberId: integer('subscriber_id').notNull(),
    state: text('state', {
      enum: ['pending', 'sending', 'sent', 'failed_temp', 'failed_perm', 'skipped'],
    })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    claimedAt: integer('claimed_at'),
    /** Stable per (digest, subscriber): a re-send after a crash carries the same Message-ID. */
    messageId: text('message_id').notNull(),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
  },
  (t) => [
    uniqueIndex('deliveries_digest_subscriber').on(t.digestId, t.subscriberId),
    index('deliveries_todo').on(t.digestId, t.state, t.id),
    index('deliveries_subscriber').on(t.subscriberId, t.state),
  ],
);

/**
 * Fixed-window counters for the subscription form (per IP, per address). Keys are hashed
 * with the hub secret: no address or IP in clear. In the database so it works on Workers.
 */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: integer('window_start').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

export type SubscriberRow = typeof subscribers.$inferSelect;
export type DigestRow = typeof digests.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
