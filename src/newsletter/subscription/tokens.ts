import { hmac, sameString } from '../crypto.ts';

/**
 * Signed "manage" tokens for the preferences and unsubscribe links: `<id>.<sig>` where sig is
 * HMAC(secret, "manage:<id>:<salt>"). The per-subscriber salt lets the hub revoke old links.
 */
export async function manageToken(
  secret: string,
  subscriberId: number,
  salt: string,
): Promise<string> {
  return `${subscriberId}.${await hmac(secret, `manage:${subscriberId}:${salt}`)}`;
}

/** The subscriber id a token claims, or null when it is malformed (check it with verifyManageToken). */
export function tokenSubscriberId(token: string): number | null {
  const m = /^(\d{1,15})\.[A-Za-z0-9_-]{20,}$/.exec(token);
  return m ? Number(m[1]) : null;
}

export async function verifyManageToken(
  secret: string,
  token: string,
  subscriberId: number,
  salt: string,
): Promise<boolean> {
  return sameString(token, await manageToken(secret, subscriberId, salt));
}
