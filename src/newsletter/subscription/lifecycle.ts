/**
 * Subscription lifecycle: request (double opt-in), confirm, preferences, unsubscribe.
 * Nothing becomes a subscriber before its confirmation link is used.
 */
import { and, eq, lt } from 'drizzle-orm';
import {
  pendingSubscriptions,
  subscribers,
  type DigestChoices,
  type SubscriberRow,
} from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { readHubSettings } from '../../db/hub-settings.ts';
import { randomToken, sha256 } from '../crypto.ts';
import { newsletterSecret } from './secret.ts';
import { manageToken, tokenSubscriberId, verifyManageToken } from './tokens.ts';
import { hitRateLimit } from './rate-limit.ts';
import { confirmationEmail } from './confirmation-email.ts';

export type Frequency = 'daily' | 'weekly';
export type Lang = 'fr' | 'en';

/** Confirmation links work this long. */
export const CONFIRM_TTL_MS = 48 * 3600_000;
/** Per IP: requests per hour; per address: requests per day. */
export const IP_LIMIT = { max: 5, windowMs: 3600_000 };
export const ADDRESS_LIMIT = { max: 3, windowMs: 24 * 3600_000 };

export interface SubscriptionRequest {
  email: string;
  choices: DigestChoices;
  frequency: Frequency;
  lang: Lang;
  /** Client address, for the per-IP limit ('' when unknown). */
  ip: string;
}

/** Why an address is refused: each has its own message on the form. */
export type EmailProblem = 'control' | 'route' | 'length' | 'format';

export type RequestOutcome =
  | { ok: true }
  | { ok: false; reason: 'invalid_email'; problem: EmailProblem }
  | { ok: false; reason: 'rate_limited' | 'mail_unavailable' };

/** One DNS label: letters, digits and inner hyphens, 63 characters at most. */
const LABEL = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`;
const EMAIL = new RegExp(
  String.raw`^[^\s@<>()",;:\\[\]]{1,64}@` + LABEL + String.raw`(?:\.` + LABEL + ')+$',
);
/** C0/C1 controls (NUL, CR, LF…), format characters (zero-width, bidi) and line separators. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** `%` and `!` route a message through another host (user%host@relay, host!user@relay). */
const SOURCE_ROUTE = /[%!]/;

/** Checks an address: lower-cased and trimmed, or why it is refused. */
export function checkEmail(raw: string): { email: string } | { problem: EmailProblem } {
  const e = raw.trim().toLowerCase();
  if (CONTROL.test(e)) return { problem: 'control' };
  if (e.length > 254) return { problem: 'length' };
  if (SOURCE_ROUTE.test(e)) return { problem: 'route' };
  return EMAIL.test(e) ? { email: e } : { problem: 'format' };
}

/** Lower-cased, trimmed address, or null when it is not an acceptable address. */
export function normalizeEmail(raw: string): string | null {
  const checked = checkEmail(raw);
  return 'email' in checked ? checked.email : null;
}

/**
 * The mailbox an address reaches, for the per-address limit: `victim+1@…` and `victim+2@…`
 * are one mailbox (sub-addressing, RFC 5233), so they share one count.
 */
export function mailboxKey(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at).replace(/\+.*$/, '');
  return `${local || email.slice(0, at)}${email.slice(at)}`.toLowerCase();
}

/**
 * The key of the per-IP limit: an IPv6 client is counted by its /64 (one subscriber line holds
 * a whole /64, and picking a new address in it costs nothing), an IPv4 one by its address.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Records a pending request and mails the confirmation link. The answer is the same whether
 * or not the address is already subscribed (no address enumeration).
 */
export async function requestSubscription(
  deps: Deps,
  req: SubscriptionRequest,
): Promise<RequestOutcome> {
  const checked = checkEmail(req.email);
  if ('problem' in checked) return { ok: false, reason: 'invalid_email', problem: checked.problem };
  const email = checked.email;
  if (!deps.mailer) return { ok: false, reason: 'mail_unavailable' };
  const secret = await newsletterSecret(deps);
  const now = deps.clock.now().getTime();
  if (await hitRateLimit(deps, secret, `ip:${clientKey(req.ip)}`, IP_LIMIT, now))
    return { ok: false, reason: 'rate_limited' };
  if (await hitRateLimit(deps, secret, `email:${mailboxKey(email)}`, ADDRESS_LIMIT, now))
    return { ok: false, reason: 'rate_limited' };
  const token = randomToken();
  const tokenHash = await sha256(token);
  // The link must work once the email is out.
  await deps.db.durably(() =>
    deps.db.orm.insert(pendingSubscriptions).values({
      tokenHash,
      email,
      lang: req.lang,
      frequency: req.frequency,
      choices: req.choices,
      createdAt: now,
      expiresAt: now + CONFIRM_TTL_MS,
    }),
  );
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const message = confirmationEmail({
    to: email,
    lang: req.lang,
    hubTitle: hub.title,
    link: `${hub.baseUrl}/newsletter/confirm/${token}`,
  });
  const sent = await deps.mailer.send(message);
  if (!sent.ok) {
    deps.log.warn('confirmation email not sent', { error: sent.error });
    return { ok: false, reason: 'mail_unavailable' };
  }
  return { ok: true };
}

export type ConfirmOutcome =
  | { ok: true; subscriber: SubscriberRow; token: string }
  | { ok: false; reason: 'unknown' | 'expired' };

/**
 * Uses a confirmation link: creates the subscriber (or updates and reactivates the one with
 * that address: following the link proves the address works) and forgets the request.
 */
export async function confirmSubscription(deps: Deps, token: string): Promise<ConfirmOutcome> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return { ok: false, reason: 'unknown' };
  const hash = await sha256(token);
  const [pending] = await deps.db.orm
    .select()
    .from(pendingSubscriptions)
    .where(eq(pendingSubscriptions.tokenHash, hash));
  if (!pending) return { ok: false, reason: 'unknown' };
  const now = deps.clock.now().getTime();
  if (pending.expiresAt < now) {
    await deps.db.orm.delete(pendingSubscriptions).where(eq(pendingSubscriptions.tokenHash, hash));
    return { ok: false, reason: 'expired' };
  }
  const values = {
    lang: pending.lang,
    frequency: pending.frequency,
    choices: pending.choices,
    updatedAt: now,
  };
  // A link followed (GET) that changes something: committed before the page says "confirmed".
  await deps.db.durably(() =>
    deps.db.batch([
      deps.db.orm
        .insert(subscribers)
        .values({
          email: pending.email,
          ...values,
          tokenSalt: randomToken(12),
          confirmedAt: now,
          status: 'active',
        })
        .onConflictDoUpdate({
          target: subscribers.email,
          set: {
            ...values,
            status: 'active',
            unsubscribedAt: null,
            bouncedAt: null,
            bounceReason: null,
          },
        }),
      deps.db.orm.delete(pendingSubscriptions).where(eq(pendingSubscriptions.tokenHash, hash)),
    ]),
  );
  const [subscriber] = await deps.db.orm
    .select()
    .from(subscribers)
    .where(eq(subscribers.email, pending.email));
  return {
    ok: true,
    subscriber: subscriber!,
    token: await manageToken(await newsletterSecret(deps), subscriber!.id, subscriber!.tokenSalt),
  };
}

/** The subscriber a signed manage link belongs to, or null (bad signature, unknown, purged). */
export async function subscriberByToken(deps: Deps, token: string): Promise<SubscriberRow | null> {
  const id = tokenSubscriberId(token);
  if (id === null) return null;
  const [row] = await deps.db.orm.select().from(subscribers).where(eq(subscribers.id, id));
  if (!row) return null;
  return (await verifyManageToken(await newsletterSecret(deps), token, row.id, row.tokenSalt))
    ? row
    : null;
}

/** The signed link token for a subscriber's preferences and unsubscribe pages. */
export async function tokenFor(
  deps: Deps,
  s: Pick<SubscriberRow, 'id' | 'tokenSalt'>,
): Promise<string> {
  return manageToken(await newsletterSecret(deps), s.id, s.tokenSalt);
}

/** Stops mailing; the address is purged after the grace period by the digest job. */
export async function unsubscribe(deps: Deps, s: SubscriberRow): Promise<void> {
  if (s.status === 'unsubscribed') return;
  const now = deps.clock.now().getTime();
  await deps.db.orm
    .update(subscribers)
    .set({ status: 'unsubscribed', unsubscribedAt: now, updatedAt: now })
    .where(eq(subscribers.id, s.id));
}

export interface Preferences {
  choices: DigestChoices;
  frequency: Frequency;
  lang: Lang;
}

/** Saves new choices; saving from the preferences page of an unsubscribed address resubscribes it. */
export async function updatePreferences(
  deps: Deps,
  s: SubscriberRow,
  p: Preferences,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const status = s.status === 'bounced' ? 'bounced' : 'active';
  await deps.db.orm
    .update(subscribers)
    .set({
      choices: p.choices,
      frequency: p.frequency,
      lang: p.lang,
      status,
      unsubscribedAt: status === 'active' ? null : s.unsubscribedAt,
      updatedAt: now,
    })
    .where(eq(subscribers.id, s.id));
}

/** Deletes expired confirmation requests. */
export async function purgeExpiredRequests(deps: Deps, now: number): Promise<void> {
  await deps.db.orm.delete(pendingSubscriptions).where(lt(pendingSubscriptions.expiresAt, now));
}

/** Unsubscribed addresses are deleted this long after unsubscribing. */
export const UNSUBSCRIBE_GRACE_MS = 30 * 24 * 3600_000;

/** Deletes unsubscribed subscribers past the grace period (their ledger rows keep only an id). */
export async function purgeUnsubscribed(deps: Deps, now: number): Promise<void> {
  await deps.db.orm
    .delete(subscribers)
    .where(
      and(
        eq(subscribers.status, 'unsubscribed'),
        lt(subscribers.unsubscribedAt, now - UNSUBSCRIBE_GRACE_MS),
      ),
    );
}
