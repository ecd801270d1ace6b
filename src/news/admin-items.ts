/**
 * Admin routes for deduplication, mounted under /api/admin (the guard is applied in app.ts):
 * - GET  /items/:id           the story, its entries and why each one joined it
 * - POST /entries/:id/split   move a wrongly merged entry to a story of its own (kept apart on later pulls)
 */
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { explainItem } from './stories.ts';
import { splitEntry, SplitError } from '../ingest/dedupe/split.ts';

export const adminItemRoutes = new Hono<HubEnv>();

adminItemRoutes.get('/items/:id', async (c) => {
  const explanation = await explainItem(c.get('deps'), c.req.param('id'));
  if (!explanation)
    return c.json({ error: 'not_found', message: `No item ${c.req.param('id')}.` }, 404);
  return c.json(explanation);
});

adminItemRoutes.post('/entries/:id/split', async (c) => {
  const raw = c.req.param('id');
  if (!/^\d{1,15}$/.test(raw))
    return c.json(
      { error: 'bad_request', message: `Entry id must be a number, got "${raw}".` },
      400,
    );
  try {
    const r = await splitEntry(c.get('deps'), Number(raw));
    return c.json({ entry_id: r.entryId, from_item_id: r.fromItemId, to_item_id: r.toItemId });
  } catch (err) {
    if (err instanceof SplitError)
      return c.json(
        { error: err.code, message: err.message },
        err.code === 'not_found' ? 404 : 409,
      );
    throw err;
  }
});
