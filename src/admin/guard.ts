/**
 * The console's one gate, in front of every /admin route: a POST must carry a valid CSRF
 * token (403 otherwise, before any handler), and every page but the sign-in ones needs a
 * session (GET: sent to the sign-in page; POST: 403).
 */
import type { MiddlewareHandler } from 'hono';
import type { HubEnv } from '../http.ts';
import { readRequestCapped } from '../shared/read-capped.ts';
import { csrfValid } from './csrf.ts';
import { readSession } from './session.ts';
import { rememberForm, rememberSession } from './context.ts';
import { refusalPage } from './refusal.tsx';

/** Console forms are short; a network's edit form with many feeds stays far below. */
export const MAX_ADMIN_FORM_BYTES = 64 * 1024;

const OPEN = /^\/admin\/login(\/|$)/;

export const adminGuard: MiddlewareHandler<HubEnv> = async (c, next) => {
  if (c.req.method === 'POST') {
    const bytes = await readRequestCapped(c.req.raw, MAX_ADMIN_FORM_BYTES);
    if (bytes === null) return refusalPage(c, 'tooLarge', 413);
    let form = new FormData();
    const type = c.req.header('content-type') ?? '';
    if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data'))
      try {
        form = await new Request(c.req.url, {
          method: 'POST',
          headers: { 'content-type': type },
          body: bytes as Uint8Array<ArrayBuffer>,
        }).formData();
      } catch {
        form = new FormData();
      }
    if (!(await csrfValid(c, form))) return refusalPage(c, 'csrf', 403);
    rememberForm(c, form);
  }
  const session = await readSession(c);
  rememberSession(c, session);
  if (!session && !OPEN.test(c.req.path)) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const lang = new URL(c.req.url).searchParams.get('lang');
      return c.redirect(
        lang === 'en' || lang === 'fr' ? `/admin/login?lang=${lang}` : '/admin/login',
        303,
      );
    }
    return refusalPage(c, 'signedOut', 403);
  }
  await next();
};
