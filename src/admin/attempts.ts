/**
 * Failed sign-ins per client address: only failures count (a coordinator signing in often from
 * a shared office address is not slowed), but once an address failed too often within the hour
 * every attempt from it is refused before the token is even compared.
 */
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { rateLimits } from '../db/schema/index.ts';
import { hmac } from '../newsletter/crypto.ts';
import { hitRateLimit } from '../newsletter/subscription/rate-limit.ts';
import { newsletterSecret } from '../newsletter/subscription/secret.ts';

export const FAILED_SIGN_INS = { max: 10, windowMs: 3600_000 };

const key = (ip: string) => `admin-login-failed:${ip}`;

/** Whether this address already failed `max` times in the current window. */
export async function signInBlocked(deps: Deps, ip: string): Promise<boolean> {
  const now = deps.clock.now().getTime();
  const windowStart = now - (now % FAILED_SIGN_INS.windowMs);
  // Same key as hitRateLimit stores (an HMAC: no address in clear).
  const hashed = await hmac(await newsletterSecret(deps), `rl:${key(ip)}`);
  const [row] = await deps.db.orm
    .select({ count: rateLimits.count })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, hashed), eq(rateLimits.windowStart, windowStart)));
  return (row?.count ?? 0) >= FAILED_SIGN_INS.max;
}

export async function recordFailedSignIn(deps: Deps, ip: string): Promise<void> {
  await hitRateLimit(
    deps,
    await newsletterSecret(deps),
    key(ip),
    FAILED_SIGN_INS,
    deps.clock.now().getTime(),
  );
}
