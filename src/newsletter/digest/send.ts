/**
 * The digest run: pick (or resume) the open digest, give every due subscriber a ledger row,
 * then deliver row by row. The ledger, unique on (digest, subscriber), is what makes a crash
 * or a restart safe:
 *
 * - a row is claimed ('sending') just before the SMTP transaction and marked 'sent' right
 *   after the server accepted it, so a resumed run never re-sends a 'sent' row and never
 *   skips a 'pending' one;
 * - the only window is a crash between the server's "250 OK" and the 'sent' write. The claim
 *   is then left in 'sending'; once stale (or at once with `takeover`) it is sent again
 *   (at-least-once) with the same Message-ID, so the rare duplicate is identifiable (and
 *   collapsed by clients that deduplicate on Message-ID). At-most-once would instead risk
 *   silently skipping someone whose message never left: for a newsletter, a rare visible
 *   duplicate is the lesser harm.
 */
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import {
  deliveries,
  digests,
  subscribers,
  type DigestRow,
  type SubscriberRow,
} from '../../db/schema/index.ts';
import { insertGroups } from '../../db/client.ts';
import { readHubSettings, type HubSettings } from '../../db/hub-settings.ts';
import type { Deps, MailMessage, SendResult } from '../../deps.ts';
import {
  allChoices,
  buildDigest,
  MAX_STORIES,
  DUE_SLACK_MS,
  periodMs,
  windowStart,
  type DigestContent,
  type DigestEvent,
  type NetworkInfo,
} from './build.ts';
import { renderDigest, riverUrl } from './render.ts';
import {
  EVENTS_AHEAD_MS,
  loadNetworks,
  loadStories,
  storySelector,
  type EventsLoader,
  type StorySelection,
} from './load-content.ts';
import { tokenFor, purgeExpiredRequests, purgeUnsubscribed } from '../subscription/lifecycle.ts';
import { purgeRateLimits } from '../subscription/rate-limit.ts';
import { agendaEvents } from './load-events.ts';
import { clearMailError, recordMailError } from './mail-health.ts';

/** Temporary failures are retried this many times (backoff 5 min, 10, 20… capped at 6 h). */
export const MAX_ATTEMPTS = 6;
export function retryDelayMs(attempts: number): number {
  return Math.min(5 * 60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
}
/** Stories in the public archive's edition (everything the window brought, newest first). */
const ARCHIVE_STORIES = 300;
/** A 'sending' claim older than this is taken to be a crashed run's (SMTP timeouts are far shorter). */
export const STALE_CLAIM_MS = 10 * 60_000;

export interface RunOptions {
  /** Start a new digest when none is open (the schedule says so); false = only resume/retry. */
  startNew?: boolean;
  /** Treat in-flight claims as abandoned now (after a crash, when no other run is active). */
  takeover?: boolean;
  /** Where upcoming events come from (default: the agenda). */
  loadEvents?: EventsLoader;
  /** Messages in flight at once (the SMTP pool's connections are the real limit). */
  concurrency?: number;
  /** Stop taking new pages after this instant (a Worker invocation is short); the next run resumes. */
  deadline?: number;
}

export interface RunSummary {
  digestId: number | null;
  created: boolean;
  sent: number;
  skipped: number;
  failedTemp: number;
  failedPerm: number;
  /** Deliveries still to do (retries) after this run; the digest is done when 0. */
  remaining: number;
  /**
   * When to run again, epoch ms: the earliest due retry, or the instant a claim left in
   * 'sending' by a crashed run becomes stale and is taken over.
   */
  nextRetryAt: number | null;
  /** Of `remaining`, deliveries still claimed ('sending') by a run that is busy or crashed. */
  claimed: number;
  /**
   * The mailer refused the hub's own settings (revoked key, unverified sender, failed login):
   * the run stopped there, and the deliveries it met went back untouched (nobody bounced).
   */
  configurationError: string | null;
}

/** Builds, sends and records the digests that are due. Safe to run concurrently with a crash's leftovers. */
export async function runDigests(deps: Deps, opts: RunOptions = {}): Promise<RunSummary> {
  if (!deps.mailer)
    throw new Error('No mailer configured: set HUB_SMTP_URL (Node) or the mail API (Workers).');
  const now = deps.clock.now().getTime();
  await housekeeping(deps, now);
  const summary: RunSummary = {
    digestId: null,
    created: false,
    sent: 0,
    skipped: 0,
    failedTemp: 0,
    failedPerm: 0,
    remaining: 0,
    nextRetryAt: null,
    claimed: 0,
    configurationError: null,
  };
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  // Leftovers first (retries, a crashed run), then a new digest if the schedule asks for one.
  const open = await deps.db.orm
    .select()
    .from(digests)
    .where(eq(digests.status, 'open'))
    .orderBy(asc(digests.id));
  for (const digest of open) {
    if (summary.configurationError) break;
    await processDigest(deps, digest, hub, now, opts, summary);
  }
  if (opts.startNew !== false && !summary.configurationError) {
    const digest = await openDigest(deps, now, opts.loadEvents ?? agendaEvents);
    if (digest) {
      summary.created = true;
      await processDigest(deps, digest, hub, now, opts, summary);
    }
  }
  if (summary.configurationError) {
    deps.log.error('digest run stopped: the mailer refuses the hub configuration', {
      error: summary.configurationError,
    });
    await recordMailError(deps, summary.configurationError, deps.clock.now().getTime());
  } else if (summary.sent > 0) await clearMailError(deps);
  return summary;
}

async function processDigest(
  deps: Deps,
  digest: DigestRow,
  hub: HubSettings,
  now: number,
  opts: RunOptions,
  summary: RunSummary,
): Promise<void> {
  summary.digestId = digest.id;
  if (!digest.enqueuedAt) await enqueue(deps, digest, hub);
  await deliver(deps, digest, hub, now, opts, summary);
  const before = { remaining: summary.remaining, claimed: summary.claimed };
  await finish(deps, digest, now, summary);
  summary.remaining += before.remaining;
  summary.claimed += before.claimed;
}

async function housekeeping(deps: Deps, now: number): Promise<void> {
  await purgeExpiredRequests(deps, now);
  await purgeUnsubscribed(deps, now);
  await purgeRateLimits(deps, now);
}

/** SQL condition: an active subscriber whose period has elapsed at `at`. */
export function dueAt(at: number) {
  const s = subscribers;
  const since = (f: 'daily' | 'weekly') => at - periodMs(f) + DUE_SLACK_MS;
  return and(
    eq(s.status, 'active'),
    lte(s.confirmedAt, at),
    // Not while an earlier digest still has a delivery for them in flight (retries): one at a time.
    sql`not exists (select 1 from ${deliveries} where ${deliveries.subscriberId} = ${s.id}
      and ${deliveries.state} in ('pending', 'sending', 'failed_temp'))`,
    or(
      isNull(s.lastDigestAt),
      and(eq(s.frequency, 'daily'), lte(s.lastDigestAt, since('daily'))),
      and(eq(s.frequency, 'weekly'), lte(s.lastDigestAt, since('weekly'))),
    ),
  );
}

/** Creates the digest row (with its public edition) when at least one subscriber is due. */
async function openDigest(
  deps: Deps,
  now: number,
  loadEvents: EventsLoader,
): Promise<DigestRow | null> {
  const [due] = await deps.db.orm
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(dueAt(now))
    .limit(1);
  if (!due) return null;
  const [prev] = await deps.db.orm
    .select({ windowEnd: digests.windowEnd })
    .from(digests)
    .orderBy(sql`${digests.id} desc`)
    .limit(1);
  const start = prev?.windowEnd ?? now - periodMs('weekly');
  const networks = await loadNetworks(deps);
  const all = await loadStories(deps, start, now, allChoices, ARCHIVE_STORIES);
  const edition = buildDigest({
    stories: all.stories,
    storyTotal: all.total,
    events: await loadEvents(deps, now, now + EVENTS_AHEAD_MS),
    networks,
    choices: allChoices,
    maxStories: ARCHIVE_STORIES,
    maxEvents: 50,
  });
  const [row] = await deps.db.orm
    .insert(digests)
    .values({
      windowStart: start,
      windowEnd: now,
      edition,
      storyCount: edition?.storyCount ?? 0,
      eventCount: edition?.events.length ?? 0,
      createdAt: now,
    })
    .returning();
  deps.log.info('digest opened', {
    digest: row!.id,
    stories: row!.storyCount,
    events: row!.eventCount,
  });
  return row!;
}

/** Gives every due subscriber a pending ledger row, page by page (memory flat in subscriber count). */
async function enqueue(deps: Deps, digest: DigestRow, hub: HubSettings): Promise<void> {
  const host = new URL(hub.baseUrl).hostname;
  let cursor = 0;
  for (;;) {
    const page = await deps.db.orm
      .select({ id: subscribers.id })
      .from(subscribers)
      .where(and(dueAt(digest.windowEnd), gt(subscribers.id, cursor)))
      .orderBy(asc(subscribers.id))
      .limit(500);
    if (!page.length) break;
    const rows = page.map((s) => ({
      digestId: digest.id,
      subscriberId: s.id,
      state: 'pending' as const,
      messageId: `<digest-${digest.id}.${s.id}@${host}>`,
    }));
    await deps.db.batch(
      insertGroups(deps.db, deliveries, rows).map((group) =>
        deps.db.orm.insert(deliveries).values(group).onConflictDoNothing(),
      ),
    );
    cursor = page[page.length - 1]!.id;
  }
  await deps.db.orm
    .update(digests)
    .set({ enqueuedAt: deps.clock.now().getTime() })
    .where(eq(digests.id, digest.id));
}

type Todo = { delivery: typeof deliveries.$inferSelect; subscriber: SubscriberRow | null };

async function deliver(
  deps: Deps,
  digest: DigestRow,
  hub: HubSettings,
  now: number,
  opts: RunOptions,
  summary: RunSummary,
): Promise<void> {
  const staleBefore = opts.takeover ? Number.MAX_SAFE_INTEGER : now - STALE_CLAIM_MS;
  const networks = await loadNetworks(deps);
  const events: DigestEvent[] = await (opts.loadEvents ?? agendaEvents)(
    deps,
    digest.windowEnd,
    digest.windowEnd + EVENTS_AHEAD_MS,
  );
  const stories = storySelector(deps, digest.windowEnd, MAX_STORIES);
  const concurrency = opts.concurrency ?? 8;
  let cursor = 0;
  for (;;) {
    if (opts.deadline !== undefined && Date.now() > opts.deadline) break;
    if (summary.configurationError) break;
    const d = deliveries;
    const page: Todo[] = await deps.db.orm
      .select({ delivery: d, subscriber: subscribers })
      .from(d)
      .leftJoin(subscribers, eq(subscribers.id, d.subscriberId))
      .where(
        and(
          eq(d.digestId, digest.id),
          gt(d.id, cursor),
          or(
            eq(d.state, 'pending'),
            and(eq(d.state, 'failed_temp'), lte(d.nextAttemptAt, now)),
            and(eq(d.state, 'sending'), lte(d.claimedAt, staleBefore)),
          ),
        ),
      )
      .orderBy(asc(d.id))
      .limit(200);
    if (!page.length) break;
    cursor = page[page.length - 1]!.delivery.id;
    let next = 0;
    const worker = async () => {
      while (next < page.length && !summary.configurationError) {
        const todo = page[next++]!;
        await deliverOne(deps, digest, hub, networks, events, stories, todo, summary);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.length) }, worker));
  }
}

async function deliverOne(
  deps: Deps,
  digest: DigestRow,
  hub: HubSettings,
  networks: Map<string, NetworkInfo>,
  events: DigestEvent[],
  stories: (since: number, choices: SubscriberRow['choices']) => Promise<StorySelection>,
  { delivery, subscriber }: Todo,
  summary: RunSummary,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const setDelivery = (values: Partial<typeof deliveries.$inferInsert>) =>
    deps.db.orm.update(deliveries).set(values).where(eq(deliveries.id, delivery.id));
  // Unsubscribed, bounced or purged since the row was queued: nothing to send.
  if (!subscriber || subscriber.status !== 'active') {
    await setDelivery({ state: 'skipped', lastError: 'not active' });
    summary.skipped++;
    return;
  }
  const since = windowStart(subscriber);
  const selection = await stories(since, subscriber.choices);
  const content = buildDigest({
    stories: selection.stories,
    storyTotal: selection.total,
    events,
    networks,
    choices: subscriber.choices,
    since,
  });
  if (!content) {
    // Nothing matched in the whole window, so moving the window on loses nothing (and the
    // subscriber is not "due" again at every run).
    await deps.db.batch([
      deps.db.orm
        .update(deliveries)
        .set({ state: 'skipped', lastError: 'empty' })
        .where(eq(deliveries.id, delivery.id)),
      deps.db.orm
        .update(subscribers)
        .set({ lastDigestAt: digest.windowEnd })
        .where(eq(subscribers.id, subscriber.id)),
    ]);
    summary.skipped++;
    return;
  }
  // The claim: only one runner moves the row from the state it read.
  // Claim and state are durable before and after the SMTP transaction, even when a pull's
  // group commit holds the connection's transaction (the ledger's promise above).
  const claimed = await deps.db.durably(() =>
    deps.db.orm
      .update(deliveries)
      .set({ state: 'sending', claimedAt: now, attempts: delivery.attempts + 1 })
      .where(
        and(
          eq(deliveries.id, delivery.id),
          eq(deliveries.state, delivery.state),
          eq(deliveries.attempts, delivery.attempts),
        ),
      )
      .returning({ id: deliveries.id }),
  );
  if (!claimed.length) return;
  let result: SendResult;
  try {
    const message = await digestMessage(
      deps,
      hub,
      digest,
      subscriber,
      content,
      networks,
      delivery.messageId,
    );
    result = await deps.mailer!.send(message);
  } catch (err) {
    // A bug or an outage here must not stop the run nor leave the row claimed: retry later.
    result = { ok: false, failure: 'temporary', error: String((err as Error)?.message ?? err) };
  }
  if (result.ok) {
    await deps.db.durably(() =>
      deps.db.batch([
        deps.db.orm
          .update(deliveries)
          .set({ state: 'sent', sentAt: deps.clock.now().getTime(), lastError: null })
          .where(eq(deliveries.id, delivery.id)),
        deps.db.orm
          .update(subscribers)
          .set({ lastDigestAt: digest.windowEnd })
          .where(eq(subscribers.id, subscriber.id)),
      ]),
    );
    summary.sent++;
  } else if (result.failure === 'configuration') {
    // The hub's fault, not this subscriber's: the row goes back as it was (no attempt counted)
    // and the run stops, since every other message would be refused the same way.
    await deps.db.durably(() =>
      setDelivery({
        state: delivery.state === 'failed_temp' ? 'failed_temp' : 'pending',
        attempts: delivery.attempts,
        claimedAt: null,
      }),
    );
    summary.configurationError ??= result.error;
  } else if (result.failure === 'recipient') {
    await deps.db.batch([
      deps.db.orm
        .update(deliveries)
        .set({ state: 'failed_perm', lastError: result.error.slice(0, 500) })
        .where(eq(deliveries.id, delivery.id)),
      deps.db.orm
        .update(subscribers)
        .set({
          status: 'bounced',
          bouncedAt: now,
          bounceReason: result.error.slice(0, 500),
          updatedAt: now,
        })
        .where(eq(subscribers.id, subscriber.id)),
    ]);
    deps.log.warn('digest bounced: address stopped', {
      subscriber: subscriber.id,
      error: result.error,
    });
    summary.failedPerm++;
  } else if (delivery.attempts + 1 >= MAX_ATTEMPTS) {
    await setDelivery({
      state: 'failed_perm',
      lastError: `gave up after ${delivery.attempts + 1} attempts: ${result.error}`.slice(0, 500),
    });
    summary.failedPerm++;
  } else {
    await setDelivery({
      state: 'failed_temp',
      nextAttemptAt: now + retryDelayMs(delivery.attempts + 1),
      lastError: result.error.slice(0, 500),
    });
    summary.failedTemp++;
  }
}

/** The message for one subscriber: signed links, one-click unsubscribe headers, stable Message-ID. */
export async function digestMessage(
  deps: Deps,
  hub: HubSettings,
  digest: Pick<DigestRow, 'id' | 'windowEnd'>,
  subscriber: SubscriberRow,
  content: DigestContent,
  networks: Map<string, NetworkInfo>,
  messageId: string,
): Promise<MailMessage> {
  const token = await tokenFor(deps, subscriber);
  const unsubscribeUrl = `${hub.baseUrl}/newsletter/unsubscribe/${token}`;
  const preferencesUrl = `${hub.baseUrl}/newsletter/preferences/${token}`;
  const moreUrl = riverUrl(hub.baseUrl, subscriber.choices);
  const r = renderDigest(
    content,
    {
      lang: subscriber.lang,
      hubTitle: hub.title,
      baseUrl: hub.baseUrl,
      timezone: hub.timezone,
      date: digest.windowEnd,
      preferencesUrl,
      unsubscribeUrl,
      moreUrl,
    },
    (slug) => networks.get(slug)?.name ?? slug,
  );
  const host = new URL(hub.baseUrl).hostname;
  return {
    to: subscriber.email,
    subject: r.subject,
    html: r.html,
    text: r.text,
    headers: {
      'Message-ID': messageId,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `${hub.title.replace(/[<>"\r\n]/g, '')} <newsletter.${host}>`,
      'List-Archive': `<${hub.baseUrl}/newsletter/archive>`,
      Precedence: 'bulk',
    },
  };
}

/** Counts what is left; a digest with nothing left to try is done. */
async function finish(
  deps: Deps,
  digest: DigestRow,
  now: number,
  summary: RunSummary,
): Promise<void> {
  const [left] = await deps.db.orm
    .select({
      n: sql<number>`count(*)`,
      claimed: sql<number>`count(case when ${deliveries.state} = 'sending' then 1 end)`,
      // A retry's due time, or when a crashed run's claim goes stale (then it is taken over).
      next: sql<number | null>`min(case
        when ${deliveries.state} = 'failed_temp' then ${deliveries.nextAttemptAt}
        when ${deliveries.state} = 'sending' then ${deliveries.claimedAt} + ${STALE_CLAIM_MS}
      end)`,
    })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.digestId, digest.id),
        inArray(deliveries.state, ['pending', 'sending', 'failed_temp']),
      ),
    );
  const remaining = Number(left?.n ?? 0);
  summary.remaining = remaining;
  summary.claimed = Number(left?.claimed ?? 0);
  if (left?.next != null)
    summary.nextRetryAt = Math.min(summary.nextRetryAt ?? Infinity, Number(left.next));
  if (remaining === 0)
    await deps.db.orm
      .update(digests)
      .set({ status: 'done', finishedAt: now })
      .where(eq(digests.id, digest.id));
}
