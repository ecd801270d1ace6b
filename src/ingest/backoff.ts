/**
 * When a source is due again. Pure: refresh.ts gives it the outcome and the error count.
 *
 * A healthy source is due at the next scheduled pull, ten minutes later at the earliest. A
 * failing one waits longer after each failure (15 min, 30 min, 1 h … capped at 24 h) so a dead
 * member server is not hammered, but it is never given up on: it is retried at least daily and
 * recovers by itself.
 * A server's Retry-After wins when it asks for longer (capped at 7 days, against absurd values).
 */
export const BACKOFF_BASE_MS = 15 * 60_000;
export const BACKOFF_CAP_MS = 24 * 3600_000;
export const RETRY_AFTER_CAP_MS = 7 * 24 * 3600_000;

/** Delay before the next attempt after the `errorCount`-th consecutive failure (1 = first). */
export function backoffDelay(errorCount: number): number {
  if (errorCount <= 0) return 0;
  // 2^(n-1) overflows nothing for n ≤ 32; beyond the cap the exponent no longer matters.
  const factor = 2 ** Math.min(errorCount - 1, 20);
  return Math.min(BACKOFF_BASE_MS * factor, BACKOFF_CAP_MS);
}

/**
 * A healthy source waits at least this long before the next scheduled fetch: with the default
 * half-hourly schedule it is due at every tick, and a tick that fires while a long pull is
 * still running does not fetch again what was fetched a moment ago.
 */
export const MIN_REFETCH_MS = 10 * 60_000;

export function nextFetchAfterSuccess(now: number): number {
  return now + MIN_REFETCH_MS;
}

export function nextFetchAfterError(
  now: number,
  errorCount: number,
  retryAfterMs?: number,
): number {
  const delay = Math.max(backoffDelay(errorCount), Math.min(retryAfterMs ?? 0, RETRY_AFTER_CAP_MS));
  return now + delay;
}

/** Consecutive fetches that must end at the same permanent redirect before it replaces the URL. */
export const REDIRECT_ADOPT_AFTER = 3;

export interface RedirectState {
  fetchUrl: string;
  redirectUrl: string | null;
  redirectCount: number;
}

/**
 * Permanent redirects are adopted only once stable: a site being migrated may flap, and a
 * hijacked or misconfigured server should not rewrite the federation on one answer.
 */
export function followRedirect(
  state: RedirectState,
  permanentRedirect: string | null,
): RedirectState {
  if (!permanentRedirect || permanentRedirect === state.fetchUrl)
    return { fetchUrl: state.fetchUrl, redirectUrl: null, redirectCount: 0 };
  const count = state.redirectUrl === permanentRedirect ? state.redirectCount + 1 : 1;
  if (count >= REDIRECT_ADOPT_AFTER)
    return { fetchUrl: permanentRedirect, redirectUrl: null, redirectCount: 0 };
  return { fetchUrl: state.fetchUrl, redirectUrl: permanentRedirect, redirectCount: count };
}
