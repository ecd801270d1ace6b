import type { MiddlewareHandler } from 'hono';
import type { HubEnv } from '../http.ts';

/**
 * Guards /api/admin/*: `Authorization: Bearer HUB_ADMIN_TOKEN`. Without a configured token
 * the admin API is off (404). Compared in constant time so the token cannot be guessed
 * byte by byte from response times.
 */
export const adminAuth: MiddlewareHandler<HubEnv> = async (c, next) => {
  const expected = c.get('deps').config.adminToken;
  if (!expected)
    return c.json(
      {
        error: 'admin_disabled',
        message: 'The admin API is off: set HUB_ADMIN_TOKEN to enable it.',
      },
      404,
    );
  const header = c.req.header('authorization') ?? '';
  // The scheme is case-insensitive (RFC 7235 §2.1): `bearer`, `BEARER` and `Bearer` alike.
  const match = /^bearer[ \t]+(.+)$/i.exec(header.trim());
  const given = match ? match[1]!.trim() : '';
  if (!given || !(await constantTimeEqual(given, expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="intercoop-admin"');
    return c.json(
      { error: 'unauthorized', message: 'Missing or wrong admin token (Authorization: Bearer …).' },
      401,
    );
  }
  await next();
};

/** Compares SHA-256 digests byte by byte without early exit (lengths leak nothing). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
