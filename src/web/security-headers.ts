/**
 * Browser security headers on every answer of the app, from one place:
 * - Content-Security-Policy: the pages use no JavaScript, load nothing from elsewhere and post
 *   forms to the hub only, so the policy allows exactly that (inline styles: each page carries
 *   its stylesheet, and the archived digests their inline styles). Nobody may frame the hub,
 *   unless a route says otherwise with `relaxPolicy` (the /embed/* widgets);
 * - X-Content-Type-Options: nosniff (a member's text is never read as a script or a page);
 * - Referrer-Policy: other sites learn the hub's origin, not the page (a route may be stricter:
 *   the newsletter's pages, whose URLs hold tokens, say no-referrer);
 * - Strict-Transport-Security when the hub's public address (base_url) is https.
 */
import type { MiddlewareHandler } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import type { Deps } from '../deps.ts';
import { readHubSettings } from '../db/hub-settings.ts';

export type CspDirective =
  | 'default-src'
  | 'style-src'
  | 'img-src'
  | 'form-action'
  | 'frame-ancestors'
  | 'frame-src'
  | 'base-uri';

export type CspOverrides = Partial<Record<CspDirective, string>>;

/** The pages' policy. */
export const PAGE_POLICY: Readonly<Partial<Record<CspDirective, string>>> = {
  'default-src': "'none'",
  'style-src': "'unsafe-inline'",
  'img-src': "'self' data:",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
};

/** One year, the value HSTS preload lists ask for. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** A route changes some directives of its answer's policy (e.g. who may frame it). */
export function relaxPolicy(c: HubContext, overrides: CspOverrides): void {
  c.set('csp', { ...c.get('csp'), ...overrides });
}

export function policyText(overrides: CspOverrides = {}): string {
  const policy: CspOverrides = { ...PAGE_POLICY, ...overrides };
  return Object.entries(policy)
    .map(([d, v]) => `${d} ${v}`)
    .join('; ');
}

/** What a URL's answer was given, for the answers made before routing (publish/fast-path.ts). */
interface Given {
  csp: CspOverrides | undefined;
  hsts: boolean;
}
const MAX_URLS = 1000;
const given = new WeakMap<Deps, Map<string, Given>>();

export const securityHeaders: MiddlewareHandler<HubEnv> = async (c, next) => {
  await next();
  const html = (c.res.headers.get('content-type') ?? '').startsWith('text/html');
  const these: Given = { csp: c.get('csp'), hsts: html && (await httpsHub(c)) };
  // A cached answer (Cache API) may have immutable headers: set them on a copy.
  c.res = secured(new Response(c.res.body, c.res), these);
  // The fast path answers this URL's repeats before routing: with the same headers.
  if (c.req.method === 'GET' && c.res.headers.has('etag'))
    remember(c.get('deps'), c.req.url, these);
};

/**
 * An answer made before routing (publish/fast-path.ts), with the headers the routed answer to
 * the same URL was given (that answer is what the fast path repeats).
 */
export function securedRepeat(deps: Deps, url: string, res: Response): Response {
  const these = given.get(deps)?.get(url) ?? { csp: undefined, hsts: false };
  return secured(new Response(res.body, res), these);
}

function secured(res: Response, { csp, hsts }: Given): Response {
  res.headers.set('content-security-policy', policyText(csp));
  if (!csp?.['frame-ancestors']) res.headers.set('x-frame-options', 'DENY');
  res.headers.set('x-content-type-options', 'nosniff');
  if (!res.headers.has('referrer-policy'))
    res.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  if (hsts) res.headers.set('strict-transport-security', HSTS);
  return res;
}

function remember(deps: Deps, url: string, these: Given): void {
  let byUrl = given.get(deps);
  if (!byUrl) given.set(deps, (byUrl = new Map()));
  byUrl.delete(url);
  byUrl.set(url, these);
  if (byUrl.size > MAX_URLS) byUrl.delete(byUrl.keys().next().value!);
}

/** Whether the hub's public address is https (HUB_BASE_URL, else the federation file's). */
async function httpsHub(c: HubContext): Promise<boolean> {
  const deps = c.get('deps');
  if (deps.config.baseUrl) return deps.config.baseUrl.startsWith('https://');
  try {
    return (await readHubSettings(deps.db, undefined)).baseUrl.startsWith('https://');
  } catch {
    // The database is down (the answer says so): no HSTS rather than no answer.
    return false;
  }
}
