/**
 * The console's session: a signed cookie, no server-side state. The value is
 * `payload.signature` where payload is base64url JSON {exp, sid, who} and the signature an
 * HMAC under the hub's secret, so a cookie cannot be forged or stretched past its expiry.
 */
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { HubContext } from '../http.ts';
import { base64url, hmac, randomToken, sameString } from '../newsletter/crypto.ts';
import { newsletterSecret } from '../newsletter/subscription/secret.ts';

export const SESSION_COOKIE = 'hub_session';
/** A working day: long enough for a session of moderation, short enough for a shared computer. */
export const SESSION_TTL_MS = 12 * 3600_000;

export interface Session {
  /** Random id: the CSRF token of the session's forms is bound to it. */
  sid: string;
  /** Who signed in: "token" (the admin token) or the coordinator's address. */
  who: string;
  /** Expiry, epoch ms. */
  exp: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function encodePayload(s: Session): string {
  return base64url(enc.encode(JSON.stringify({ sid: s.sid, who: s.who, exp: s.exp })));
}

function decodePayload(payload: string): Session | null {
  try {
    const bin = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const value = JSON.parse(dec.decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
    if (typeof value?.sid !== 'string' || typeof value?.who !== 'string') return null;
    if (typeof value.exp !== 'number') return null;
    return { sid: value.sid, who: value.who, exp: value.exp };
  } catch {
    return null;
  }
}

/** Signs `session` into a cookie value. */
export async function signSession(secret: string, session: Session): Promise<string> {
  const payload = encodePayload(session);
  return `${payload}.${await hmac(secret, `session:${payload}`)}`;
}

/** The session a cookie value carries, or null when it is forged, malformed or expired at `now`. */
export async function verifySession(
  secret: string,
  value: string | undefined,
  now: number,
): Promise<Session | null> {
  if (!value || value.length > 2000) return null;
  const dot = value.lastIndexOf('.');
  if (dot < 1) return null;
  const payload = value.slice(0, dot);
  if (!sameString(value.slice(dot + 1), await hmac(secret, `session:${payload}`))) return null;
  const session = decodePayload(payload);
  return session && session.exp > now ? session : null;
}

/** Cookie flags: never readable by scripts, never sent by another site, Secure under https. */
export function cookieOptions(c: HubContext, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/admin',
    maxAge: maxAgeSeconds,
  };
}

/** Opens a session for `who` and sets its cookie. */
export async function startSession(c: HubContext, who: string): Promise<void> {
  const deps = c.get('deps');
  const session: Session = {
    sid: randomToken(18),
    who,
    exp: deps.clock.now().getTime() + SESSION_TTL_MS,
  };
  const value = await signSession(await newsletterSecret(deps), session);
  setCookie(c, SESSION_COOKIE, value, cookieOptions(c, SESSION_TTL_MS / 1000));
}

export async function readSession(c: HubContext): Promise<Session | null> {
  const deps = c.get('deps');
  return verifySession(
    await newsletterSecret(deps),
    getCookie(c, SESSION_COOKIE),
    deps.clock.now().getTime(),
  );
}

export function endSession(c: HubContext): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c, 0));
}
