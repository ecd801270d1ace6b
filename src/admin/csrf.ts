/**
 * CSRF protection for every console form (signed double-submit): a random `hub_csrf` cookie
 * (HttpOnly, SameSite=Strict) and, in each form, its HMAC under the hub's secret. A POST whose
 * `_csrf` field does not match the cookie's HMAC is refused with 403 before any handler runs.
 * It covers the sign-in forms too, which run before there is a session.
 */
import { getCookie, setCookie } from 'hono/cookie';
import type { HubContext } from '../http.ts';
import { hmac, randomToken, sameString } from '../newsletter/crypto.ts';
import { newsletterSecret } from '../newsletter/subscription/secret.ts';
import { cookieOptions } from './session.ts';

export const CSRF_COOKIE = 'hub_csrf';
export const CSRF_FIELD = '_csrf';

const issued = new WeakMap<Request, Promise<string>>();

/** The token to put in this request's forms; sets the cookie when the browser has none. */
export function csrfToken(c: HubContext): Promise<string> {
  let token = issued.get(c.req.raw);
  if (!token) issued.set(c.req.raw, (token = issue(c)));
  return token;
}

async function issue(c: HubContext): Promise<string> {
  let seed = getCookie(c, CSRF_COOKIE);
  if (!seed || !/^[A-Za-z0-9_-]{20,64}$/.test(seed)) {
    seed = randomToken(24);
    setCookie(c, CSRF_COOKIE, seed, cookieOptions(c, 7 * 24 * 3600));
  }
  return hmac(await newsletterSecret(c.get('deps')), `csrf:${seed}`);
}

/** Whether the posted form carries the token matching the browser's cookie. */
export async function csrfValid(c: HubContext, form: FormData): Promise<boolean> {
  const seed = getCookie(c, CSRF_COOKIE);
  const given = form.get(CSRF_FIELD);
  if (!seed || typeof given !== 'string' || !given) return false;
  return sameString(given, await hmac(await newsletterSecret(c.get('deps')), `csrf:${seed}`));
}
