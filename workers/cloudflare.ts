import type { D1Database, ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/env.ts';
import { d1Database } from '../src/db/d1.ts';
import { consoleLogger, systemClock, type Deps } from '../src/deps.ts';
import { edgeResponseCache, type EdgeCache } from '../src/publish/cache.ts';
import { httpMailer } from '../src/digest/http-mailer.ts';
import { digestTick, DIGEST_TRIGGER } from '../src/digest/scheduled.ts';

/** Bindings and vars declared in wrangler.toml. */
export interface Env {
  DB: D1Database;
  [key: string]: unknown;
}

/** Workers cannot resolve names: the private-address guard checks literal addresses only. */
const noResolver = { lookup: async () => [] as string[] };

export function workerDeps(env: Env): Deps {
  const config = loadConfig(env as Record<string, unknown>);
  return {
    config,
    db: d1Database(env.DB),
    clock: systemClock,
    fetch: (input, init) => fetch(input, init),
    resolver: noResolver,
    mailer: config.mailApi.key ? httpMailer({ url: config.mailApi.url, key: config.mailApi.key, from: config.mailFrom ?? 'newsletter@localhost' }) : null,
    dispatcher: { dispatch: async () => {} },
    log: consoleLogger,
    // caches.default: a popular feed is answered at the edge without a D1 query (see publish/cache.ts).
    responseCache: typeof caches !== 'undefined' ? edgeResponseCache((caches as unknown as { default: EdgeCache }).default) : null,
  };
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    return createApp(workerDeps(env)).fetch(request, env, ctx as any);
  },
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    if (controller.cron === DIGEST_TRIGGER) ctx.waitUntil(digestTick(workerDeps(env), controller.scheduledTime).then(() => undefined));
  },
};
