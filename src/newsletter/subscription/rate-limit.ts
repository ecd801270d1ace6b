import { lt, sql } from 'drizzle-orm';
import { rateLimits } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { hmac } from '../crypto.ts';

/**
 * Fixed-window counter in the database (works the same on D1): counts this hit and says
 * whether the limit is exceeded. Keys are HMACs, so no address or IP is stored in clear.
 */
export async function hitRateLimit(
  deps: Deps,
  secret: string,
  key: string,
  limit: { max: number; windowMs: number },
  now: number,
): Promise<boolean> {
  const windowStart = now - (now % limit.windowMs);
  const hashed = await hmac(secret, `rl:${key}`);
  const [row] = await deps.db.orm
    .insert(rateLimits)
    .values({ key: hashed, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count });
  return (row?.count ?? 1) > limit.max;
}

/** Drops windows older than a day and a half (the longest window is a day). */
export async function purgeRateLimits(deps: Deps, now: number): Promise<void> {
  await deps.db.orm.delete(rateLimits).where(lt(rateLimits.windowStart, now - 36 * 3600_000));
}
