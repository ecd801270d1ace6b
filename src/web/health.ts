import { Hono } from 'hono';
import { desc, gt, and, eq } from 'drizzle-orm';
import { pulls, sources } from '../db/schema/index.ts';
import type { HubEnv } from '../http.ts';
import { readMailError } from '../newsletter/digest/mail-health.ts';
import { publicUrl, withoutCredentials } from '../public-url.ts';

/**
 * GET /healthz: database reachable, last pull, sources failing, and the mailer (`mail.ok` is
 * false while the mail server or API refuses the hub's configuration: digests are stopped).
 * 503 when the database is not reachable; a mail error makes `ok` false but stays 200, since
 * the hub still serves its pages and feeds.
 */
export const healthRoutes = new Hono<HubEnv>().get('/healthz', async (c) => {
  const { db } = c.get('deps');
  const dbOk = await db.ping();
  if (!dbOk)
    return c.json({ ok: false, database: false, last_pull: null, sources_failing: [] }, 503);
  const [last] = await db.orm
    .select()
    .from(pulls)
    .orderBy(desc(pulls.startedAt), desc(pulls.id))
    .limit(1);
  const failing = await db.orm
    .select({
      id: sources.id,
      network: sources.networkSlug,
      url: sources.url,
      error: sources.lastError,
      error_count: sources.errorCount,
      last_success_at: sources.lastSuccessAt,
    })
    .from(sources)
    .where(and(eq(sources.status, 'active'), gt(sources.errorCount, 0)));
  const mailError = await readMailError({ db });
  c.header('Cache-Control', 'no-store');
  return c.json({
    ok: !mailError,
    database: true,
    last_pull: last
      ? {
          started_at: new Date(last.startedAt).toISOString(),
          finished_at: last.finishedAt ? new Date(last.finishedAt).toISOString() : null,
          trigger: last.trigger,
          sources: last.sources,
          // A run handed to the Workers Queue fills in as its batches are pulled.
          sources_done: last.sourcesDone,
          in_progress: last.finishedAt === null,
          ok: last.ok,
          not_modified: last.notModified,
          failed: last.failed,
          new_items: last.newItems,
        }
      : null,
    mail: mailError
      ? { ok: false, error: mailError.error, at: new Date(mailError.at).toISOString() }
      : { ok: true },
    sources_failing: failing.map((f) => ({
      ...f,
      url: publicUrl(f.url),
      error: f.error === null ? null : withoutCredentials(f.error),
      last_success_at: f.last_success_at ? new Date(f.last_success_at).toISOString() : null,
    })),
  });
});
