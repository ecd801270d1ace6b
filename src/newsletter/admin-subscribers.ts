/**
 * GET /api/admin/subscribers: the only way addresses leave the hub (Bearer admin token).
 * JSON pages (`?after=ID&limit=N`, `next_after` for the next page) or CSV (`?format=csv`, all).
 */
import { Hono } from 'hono';
import { asc, gt } from 'drizzle-orm';
import type { HubEnv } from '../http.ts';
import type { Database } from '../db/client.ts';
import { subscribers, type SubscriberRow } from '../db/schema/index.ts';

export const adminSubscriberRoutes = new Hono<HubEnv>();

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
const view = (s: SubscriberRow) => ({
  id: s.id,
  email: s.email,
  status: s.status,
  lang: s.lang,
  frequency: s.frequency,
  networks: s.choices.networks,
  tags: s.choices.tags,
  territories: s.choices.territories,
  confirmed_at: iso(s.confirmedAt),
  last_digest_at: iso(s.lastDigestAt),
  unsubscribed_at: iso(s.unsubscribedAt),
  bounced_at: iso(s.bouncedAt),
  bounce_reason: s.bounceReason,
});

adminSubscriberRoutes.get('/subscribers', async (c) => {
  const { db } = c.get('deps');
  c.header('Cache-Control', 'no-store');
  if (c.req.query('format') === 'csv') {
    return c.body(await subscribersCsv(db), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="subscribers.csv"',
    });
  }
  const after = Number(c.req.query('after') ?? 0);
  const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? 500)));
  if (!Number.isInteger(after) || after < 0 || !Number.isFinite(limit))
    return c.json({ error: 'bad_request', message: 'after and limit must be whole numbers.' }, 400);
  const page = await db.orm
    .select()
    .from(subscribers)
    .where(gt(subscribers.id, after))
    .orderBy(asc(subscribers.id))
    .limit(limit);
  return c.json({
    subscribers: page.map(view),
    next_after: page.length === limit ? page[page.length - 1]!.id : null,
  });
});

/** Every subscriber as CSV (quoted cells, spreadsheet formulas neutralised), read page by page. */
export async function subscribersCsv(db: Database): Promise<string> {
  const cell = (v: unknown) => {
    const s = Array.isArray(v) ? v.join(' ') : v == null ? '' : String(v);
    // Quote always; neutralise spreadsheet formulas.
    return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
  };
  const lines: string[] = [];
  let after = 0;
  for (;;) {
    const page = await db.orm
      .select()
      .from(subscribers)
      .where(gt(subscribers.id, after))
      .orderBy(asc(subscribers.id))
      .limit(1000);
    if (!page.length) break;
    for (const s of page) {
      const v = view(s);
      if (!lines.length) lines.push(Object.keys(v).join(','));
      lines.push(Object.values(v).map(cell).join(','));
    }
    after = page[page.length - 1]!.id;
  }
  return lines.join('\r\n') + '\r\n';
}
