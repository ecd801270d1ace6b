/**
 * The feed readers' common cases, answered before routing: a reader polls a feed it already
 * has (If-None-Match → 304), or asks again for a feed already rendered at the current store
 * version (200 from the in-memory cache). serveCached gives the same answers, but only after
 * routing, query parsing and a few awaits, which cost as much as the HTTP exchange itself
 * (bench:serve: 304s at ~50 % of a bare route before this). Here it is two map lookups,
 * synchronous, so the Node adapter writes the response at once.
 *
 * Only with the in-memory (`versioned`) cache: the answer is exactly the one serveCached would
 * give, because both trust the same store-version read for the same time (trustedVersion), and
 * the URL is only known here once serveCached has served it. On Workers the edge cache plays
 * this part.
 */
import type { Deps } from '../deps.ts';
import {
  acceptsGzip,
  trustedVersion,
  versionedCacheKey,
  versionNotModified,
} from './conditional.ts';
import { knownValidator } from './validators.ts';
import { securedRepeat } from '../web/security-headers.ts';

/** acceptsGzip, remembered for the last header seen: a reader population sends a few values only. */
let lastAcceptEncoding: string | null = null;
let lastTakesGzip = false;
function takesGzip(header: string | null): boolean {
  if (header !== lastAcceptEncoding) {
    lastAcceptEncoding = header;
    lastTakesGzip = acceptsGzip(header);
  }
  return lastTakesGzip;
}

/** The response for a GET this module can answer alone, or null to route it as usual. */
export function answerBeforeRouting(deps: Deps, req: Request): Response | null {
  if (req.method !== 'GET') return null;
  const known = knownValidator(deps, req.url);
  if (!known || known.version !== trustedVersion(deps)) return null;
  // An answer the day made (the agenda widget) is routed again once the day has turned.
  if (known.expiresAt !== undefined && deps.clock.now().getTime() >= known.expiresAt) return null;
  const gz = takesGzip(req.headers.get('accept-encoding'));
  if (req.headers.get('if-none-match') !== null) {
    const notModified = versionNotModified(req, known.tag, gz);
    return notModified && securedRepeat(deps, req.url, notModified);
  }
  // A date to compare is rarer: serveCached does it.
  if (req.headers.get('if-modified-since') !== null) return null;
  const cached = deps.responseCache?.peek?.(versionedCacheKey(known.key, known.version, gz));
  // The routed answer's security headers (CSP, nosniff…: web/security-headers.ts), the same.
  return cached ? securedRepeat(deps, req.url, cached) : null;
}
