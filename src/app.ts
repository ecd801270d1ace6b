import { Hono } from 'hono';
import type { Deps } from './deps.ts';
import type { HubEnv } from './http.ts';
import { healthRoutes } from './web/health.ts';
import { adminAuth } from './web/admin-auth.ts';
import { securityHeaders } from './web/security-headers.ts';
import { adminItemRoutes } from './news/admin-items.ts';
import { newsletterRoutes } from './newsletter/routes.tsx';
import { adminSubscriberRoutes } from './newsletter/admin-subscribers.ts';
import { feedRoutes } from './news/feed-routes.ts';
import { opmlRoutes } from './federation/opml-route.ts';
import { riverPage } from './news/river-page.tsx';
import { networkPages } from './federation/network-pages.tsx';
import { agendaRoutes } from './agenda/routes.tsx';
import { embedRoutes } from './embed/routes.tsx';
import { adminPullRoutes } from './ingest/admin-pulls.ts';
import { adminFederationRoutes } from './federation/admin-federation.ts';
import { answerBeforeRouting } from './publish/fast-path.ts';
import { consoleRoutes } from './admin/routes.ts';
import { errorPage, wantsJson } from './web/error-page.tsx';
import { mailboxRoutes } from './demo/mailbox-routes.tsx';
import { proposeRoutes } from './federation/propose-routes.tsx';

/** Methods that change nothing (the one GET that does, a confirmation link, commits itself). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one Hono app, used by the Node server, the Worker and the tests alike.
 * Runtime specifics arrive through `deps`; nothing here knows where it runs.
 */
export function createApp(deps: Deps): Hono<HubEnv> {
  const app = new Hono<HubEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    // A request that changes something is answered once the change is committed: a write made
    // while a pull's group commit holds the transaction would otherwise wait for it (SQLite).
    if (SAFE_METHODS.has(c.req.method)) await next();
    else await deps.db.durably(next);
  });

  // CSP, nosniff, Referrer-Policy, HSTS on every answer; a route may relax its own CSP.
  app.use('*', securityHeaders);

  // Admin API: every feature mounts its admin routes under /api/admin, behind one guard.
  app.use('/api/admin/*', adminAuth);

  // Feature routes (each a small Hono app of its own).
  app.route('/', healthRoutes);
  app.route('/', feedRoutes);
  app.route('/', opmlRoutes);
  app.route('/', riverPage);
  // Before the network pages: "propose" is not a network's slug.
  app.route('/', proposeRoutes);
  app.route('/', networkPages);
  app.route('/', agendaRoutes);
  app.route('/', embedRoutes);
  app.route('/api/admin', adminItemRoutes);
  app.route('/api/admin', adminPullRoutes);
  app.route('/api/admin', adminFederationRoutes);
  app.route('/', newsletterRoutes);
  app.route('/api/admin', adminSubscriberRoutes);
  app.route('/', consoleRoutes);
  app.route('/', mailboxRoutes);

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    if (wantsJson(path)) return c.json({ error: 'not_found', message: `Nothing at ${path}` }, 404);
    return errorPage(c, 404);
  });
  // Bad requests are answered by the routes themselves, each with its clear 4xx message: what
  // reaches here is the hub's own failure.
  app.onError((err, c) => {
    deps.log.error('request failed', {
      path: new URL(c.req.url).pathname,
      error: String((err as Error)?.stack ?? err),
    });
    return c.json({ error: 'internal', message: 'Internal error' }, 500);
  });

  // Feeds already rendered, or already held by the reader, are answered before routing (publish/fast-path.ts).
  // app.request() goes through app.fetch too, so tests see what servers see.
  const route = app.fetch;
  app.fetch = (request, env, ctx) => answerBeforeRouting(deps, request) ?? route(request, env, ctx);
  return app;
}
