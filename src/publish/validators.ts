/**
 * What serveCached learnt about each feed URL it served (the store version, the ETag, the cache
 * key), kept for fast-path.ts, which answers the next request for that URL before routing.
 * A module of its own so that the two depend on it, not on each other.
 */
import type { Deps } from '../deps.ts';

/** What serveCached worked out for a request URL. */
export interface Validator {
  /** The store version it was computed at. */
  version: string;
  /** The ETag without quotes nor the `-gz` of the gzip copy. */
  tag: string;
  /** The canonical cache key of the URL (same filters, same key). */
  key: string;
  /** When the clock alone makes this answer stale (epoch ms, the deps clock); none for feeds. */
  expiresAt?: number | undefined;
}

/** Any query makes a new URL: bounded, least recently stored dropped first. */
const MAX_URLS = 1000;
const validators = new WeakMap<Deps, Map<string, Validator>>();

/** serveCached calls this for `url`, the request URL exactly as received. */
export function rememberValidator(deps: Deps, url: string, validator: Validator): void {
  let byUrl = validators.get(deps);
  if (!byUrl) validators.set(deps, (byUrl = new Map()));
  const known = byUrl.get(url);
  if (
    known?.version === validator.version &&
    known.key === validator.key &&
    known.expiresAt === validator.expiresAt
  )
    return;
  byUrl.delete(url);
  byUrl.set(url, validator);
  if (byUrl.size > MAX_URLS) byUrl.delete(byUrl.keys().next().value!);
}

/** What serveCached remembered for `url`, if anything. */
export function knownValidator(deps: Deps, url: string): Validator | undefined {
  return validators.get(deps)?.get(url);
}
