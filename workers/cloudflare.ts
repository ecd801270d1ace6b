import type {
  D1Database,
  DurableObjectNamespace,
  ExecutionContext,
  MessageBatch,
  Queue,
  ScheduledController,
} from '@cloudflare/workers-types';
import { createApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/env.ts';
import { d1Database } from '../src/db/d1.ts';
import { leveledLogger, systemClock, type Deps } from '../src/deps.ts';
import { edgeResponseCache, type EdgeCache } from '../src/publish/cache.ts';
import { httpMailer } from '../src/newsletter/http-mailer.ts';
import { digestTick, DIGEST_TRIGGER } from '../src/newsletter/digest/scheduled.ts';
import { dispatchDuePulls } from '../src/ingest/pull.ts';
import { inProcessDispatcher } from '../src/ingest/in-process-dispatcher.ts';
import { consumePullBatch, queueDispatcher, type PullMessage } from './cloudflare/pull-queue.ts';
import { pullCronWarning } from './cloudflare/pull-cron-check.ts';
import { durableStoreTurns } from './cloudflare/store-turns.ts';
import { waitingBehind } from '../src/ingest/serialize.ts';
import {
  countedD1,
  countedFetch,
  newSubrequestCount,
  totalSubrequests,
  type SubrequestCount,
} from './cloudflare/subrequests.ts';

/** The store-turn Durable Object's class: wrangler.toml binds it as STORE_TURNS. */
export { StoreTurnObject } from './cloudflare/store-turns.ts';

/** Bindings and vars declared in wrangler.toml. */
export interface Env {
  DB: D1Database;
  /** The pull fan-out queue (wrangler.toml); without it, due sources are pulled in the cron invocation. */
  PULL_QUEUE?: Queue<PullMessage>;
  /**
   * The store-turn Durable Object (workers/cloudflare/store-turns.ts): orders the stores of
   * concurrent invocations. Without it, they take the lease row of src/ingest/store-lease.ts.
   */
  STORE_TURNS?: DurableObjectNamespace;
  [key: string]: unknown;
}

/**
 * On Workers the edge sets CF-Connecting-IP itself (a client's own value is overwritten): it is
 * the client's address. Read only here, never on Node.
 */
const edgeClientAddress = (request: Request) => request.headers.get('cf-connecting-ip') ?? '';

/** Workers cannot resolve names: the private-address guard checks literal addresses only. */
const noResolver = { lookup: async () => [] as string[] };

/**
 * The Worker's dependencies for one invocation. With `count`, its subrequests (D1 queries,
 * fetches, store turns) are counted there (see cloudflare/subrequests.ts).
 */
export function workerDeps(env: Env, count?: SubrequestCount): Deps {
  const config = loadConfig(env as Record<string, unknown>);
  const platformFetch: typeof fetch = (input, init) => fetch(input, init);
  const deps: Deps = {
    config,
    db: d1Database(count ? countedD1(env.DB, count) : env.DB),
    clock: systemClock,
    fetch: count ? countedFetch(platformFetch, count) : platformFetch,
    resolver: noResolver,
    // loadConfig refuses a key without HUB_MAIL_FROM.
    mailer:
      config.mailApi.key && config.mailFrom
        ? httpMailer({ url: config.mailApi.url, key: config.mailApi.key, from: config.mailFrom })
        : null,
    dispatcher: env.PULL_QUEUE
      ? queueDispatcher(env.PULL_QUEUE, () => deps)
      : inProcessDispatcher(() => deps),
    clientAddress: edgeClientAddress,
    log: leveledLogger(config.logLevel),
    ...(env.STORE_TURNS ? { storeTurns: durableStoreTurns(env.STORE_TURNS, count) } : {}),
    // caches.default: a popular feed is answered at the edge without a D1 query (see publish/cache.ts).
    responseCache:
      typeof caches !== 'undefined'
        ? edgeResponseCache((caches as unknown as { default: EdgeCache }).default)
        : null,
  };
  return deps;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let deps: Deps;
    try {
      deps = workerDeps(env);
    } catch (err) {
      // A Worker has no start-up to fail: a bad setting is said plainly on every request.
      if (!(err instanceof ConfigError)) throw err;
      console.error(JSON.stringify({ level: 'error', msg: 'configuration', error: err.message }));
      return new Response(`Configuration error: ${err.message}\n`, {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    return createApp(deps).fetch(request, env, ctx as any);
  },
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const deps = workerDeps(env);
    if (controller.cron === DIGEST_TRIGGER)
      ctx.waitUntil(digestTick(deps, controller.scheduledTime).then(() => undefined));
    // Every other trigger is the pull schedule ([triggers], which HUB_PULL_CRON should match):
    // enqueue what is due.
    else {
      const mismatch = pullCronWarning(env.HUB_PULL_CRON, controller.cron);
      if (mismatch) deps.log.warn(mismatch, { fired: controller.cron });
      ctx.waitUntil(
        dispatchDuePulls(deps).then((count) =>
          deps.log.info('pull dispatched', { sources: count }),
        ),
      );
    }
  },
  async queue(batch: MessageBatch<PullMessage>, env: Env): Promise<void> {
    const { deps, summaries, subrequests } = await consumeQueueBatch(env, batch);
    for (const summary of summaries)
      deps.log.info('pull batch', {
        pull: summary.pullId,
        sources: summary.sources,
        ok: summary.ok,
        not_modified: summary.notModified,
        failed: summary.failed,
        new_items: summary.newItems,
      });
    // What the platform caps per invocation (README, "Which Workers plan"): the bench reads it.
    deps.log.info('queue subrequests', {
      messages: batch.messages.length,
      total: totalSubrequests(subrequests),
      d1: subrequests.d1,
      fetch: subrequests.fetch,
      durable_object: subrequests.durableObject,
    });
  },
};

/** One queue invocation's pull, with the subrequests it made (counted at their seams). */
export async function consumeQueueBatch(env: Env, batch: MessageBatch<PullMessage>) {
  const subrequests = newSubrequestCount();
  const base = workerDeps(env, subrequests);
  // The turn is kept while another store of the invocation waits for it (its batch is one
  // store; an upstream hub's history pages or a calendar are more: serialize.ts).
  const turns = env.STORE_TURNS
    ? durableStoreTurns(env.STORE_TURNS, subrequests, () => waitingBehind(base.db) > 0)
    : undefined;
  const deps = { ...base, ...(turns ? { storeTurns: turns } : {}) };
  try {
    const summaries = await consumePullBatch(deps, batch);
    return { deps, summaries, subrequests };
  } finally {
    // Nothing more to store: the next invocation need not wait for the idle delay.
    await turns?.release();
  }
}
