/**
 * Single-use sign-in links for coordinators (`hub.coordinators` in networks.yaml): valid 15
 * minutes, spent by their first use. Only the token's sha-256 is stored.
 */
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { adminLoginLinks } from '../db/schema/index.ts';
import { randomToken, sha256 } from '../newsletter/crypto.ts';

export const LOGIN_LINK_TTL_MS = 15 * 60_000;

/** A new link token for `email` (the caller checked it is a coordinator). */
export async function createLoginLink(deps: Deps, email: string): Promise<string> {
  const now = deps.clock.now().getTime();
  const token = randomToken(32);
  // Spent and dead links are of no use to anyone: dropped as new ones are made.
  await deps.db.orm.delete(adminLoginLinks).where(lt(adminLoginLinks.expiresAt, now - 86_400_000));
  await deps.db.orm.insert(adminLoginLinks).values({
    tokenHash: await sha256(token),
    email,
    expiresAt: now + LOGIN_LINK_TTL_MS,
    createdAt: now,
  });
  return token;
}

/**
 * Spends the link: the coordinator's address, or null when the token is unknown, already
 * used or expired. One UPDATE decides, so two clicks at once cannot both sign in.
 */
export async function consumeLoginLink(deps: Deps, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const now = deps.clock.now().getTime();
  const [row] = await deps.db.orm
    .update(adminLoginLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(adminLoginLinks.tokenHash, await sha256(token)),
        isNull(adminLoginLinks.usedAt),
        gt(adminLoginLinks.expiresAt, now),
      ),
    )
    .returning({ email: adminLoginLinks.email });
  return row?.email ?? null;
}
