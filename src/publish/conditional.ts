/**
 * Conditional GET for everything the hub republishes: ETag + Last-Modified on the way out,
 * 304 for If-None-Match / If-Modified-Since on the way in (RFC 9110 §13), and the response
 * cache in between (see cache.ts).
 */
import type { Deps } from '../deps.ts';
import { storeVersion } from '../news/river.ts';
import { rememberValidator } from './validators.ts';
import { shortHash } from '../shared/hash.ts';

/** What a feed renderer produces. */
export interface Rendered {
  body: string;
  contentType: string;
  /** Newest change among what the body shows (epoch ms); the store version's time when empty. */
  lastModified: number;
}

/** Readers may keep a feed five minutes; shared caches too. */
export const FEED_CACHE_CONTROL = 'public, max-age=300';

/** True when the request's validators say the reader already has this response. */
export function isNotModified(
  req: Request,
  etag: string | null,
  lastModified: string | null,
): boolean {
  const inm = req.headers.get('if-none-match');
  if (inm !== null) {
    if (!etag) return false;
    const bare = etag.replace(/^W\//, '');
    return inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
  }
  const ims = req.headers.get('if-modified-since');
  if (ims && lastModified) {
    const since = Date.parse(ims);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/** The 304 for a response the reader already has: validators and caching headers only. */
export function notModified(from: Headers | Record<string, string>): Response {
  const get = (name: string) => (from instanceof Headers ? from.get(name) : from[name]);
  // A plain header object: @hono/node-server writes it out without building a Headers.
  const headers: Record<string, string> = {};
  for (const name of ['etag', 'last-modified', 'cache-control', 'vary']) {
    const v = get(name);
    if (v) headers[name] = v;
  }
  return new Response(null, { status: 304, headers });
}

function answer(req: Request, res: Response): Response {
  return isNotModified(req, res.headers.get('etag'), res.headers.get('last-modified'))
    ? notModified(res.headers)
    : res;
}

const versionMemo = new WeakMap<object, { version: string; at: number }>();

/**
 * The store version as last read, if that read is still trusted (`versioned` caches with a
 * TTL only); null when the next request must read it again. Synchronous on purpose: see fast-path.ts.
 */
export function trustedVersion(deps: Deps): string | null {
  const ttlMs =
    deps.responseCache?.mode === 'versioned' ? (deps.responseCache.versionTtlMs ?? 0) : 0;
  if (ttlMs <= 0) return null;
  const memo = versionMemo.get(deps.db);
  return memo && performance.now() - memo.at < ttlMs ? memo.version : null;
}

/** The store version, re-read at most every `ttlMs` (per database). */
async function currentVersion(deps: Deps, ttlMs: number): Promise<string> {
  if (ttlMs <= 0) return storeVersion(deps);
  const now = performance.now();
  const memo = versionMemo.get(deps.db);
  if (memo && now - memo.at < ttlMs) return memo.version;
  const version = await storeVersion(deps);
  versionMemo.set(deps.db, { version, at: now });
  return version;
}

/**
 * The 304 for a reader whose If-None-Match names either representation's ETag of this version
 * (`"tag"`, or `"tag-gz"` for the gzip copy), answered with the one it asks for now; else null.
 */
export function versionNotModified(req: Request, tag: string, gz: boolean): Response | null {
  const inm = req.headers.get('if-none-match');
  if (inm === null) return null;
  const plain = `"${tag}"`;
  const zipped = `"${tag}-gz"`;
  // A reader sends back the ETag it was given, alone: compared as is before any parsing.
  if (
    inm !== plain &&
    inm !== zipped &&
    !isNotModified(req, plain, null) &&
    !isNotModified(req, zipped, null)
  )
    return null;
  return notModified({
    etag: gz ? zipped : plain,
    'cache-control': FEED_CACHE_CONTROL,
    vary: 'accept-encoding',
  });
}

/** Where the in-memory cache keeps the rendering of `key` at a store version, per encoding. */
export function versionedCacheKey(key: string, version: string, gzip: boolean): string {
  return `${key}#v=${version}${gzip ? '#gzip' : ''}`;
}

/** True when the reader takes gzip (Accept-Encoding: gzip, not refused with q=0). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return (coding === 'gzip' || coding === 'x-gzip') && (!q || Number(q.slice(2)) > 0);
  });
}

async function gzip(body: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Serves a republished document with caching and conditional GET. `key` is the absolute URL
 * in a canonical form (same query, same key); `render` runs only when no cached copy fits.
 * With the in-memory cache (Node) a gzip copy is kept too, for readers that accept it (on
 * Workers, Cloudflare compresses at the edge). A document that also depends on the day (the
 * agenda widget) puts its day in `key` and says in `expiresAt` when the next day begins: the
 * answers made before routing (fast-path.ts) stop reusing this one then.
 */
export async function serveCached(
  deps: Deps,
  req: Request,
  key: string,
  render: () => Promise<Rendered | null>,
  options: { expiresAt?: number } = {},
): Promise<Response | null> {
  const cache = deps.responseCache ?? null;
  if (cache?.mode === 'ttl') {
    const hit = await cache.match(key);
    if (hit) return answer(req, hit);
  }
  const version = await currentVersion(deps, cache?.versionTtlMs ?? 0);
  const tag = shortHash(`${version} ${key}`);
  const gz = cache?.mode === 'versioned' && acceptsGzip(req.headers.get('accept-encoding'));
  // One ETag per representation (RFC 9110 §8.8.3): the gzip copy has its own.
  const etag = gz ? `"${tag}-gz"` : `"${tag}"`;
  if (cache?.mode === 'versioned')
    rememberValidator(deps, req.url, { version, tag, key, expiresAt: options.expiresAt });
  // The ETag is known before rendering: a reader who has this version costs no rendering.
  const unchanged = versionNotModified(req, tag, gz);
  if (unchanged) return unchanged;
  const versionedKey = versionedCacheKey(key, version, gz);
  if (cache?.mode === 'versioned') {
    const hit = await cache.match(versionedKey);
    // Its ETag is `etag` (same version, same key), already compared above: only a date is left.
    if (hit) return req.headers.get('if-modified-since') ? answer(req, hit) : hit;
  }
  const rendered = await render();
  if (!rendered) return null;
  const headers = {
    'content-type': rendered.contentType,
    etag: `"${tag}"`,
    'last-modified': new Date(Math.floor(rendered.lastModified / 1000) * 1000).toUTCString(),
    'cache-control': FEED_CACHE_CONTROL,
    vary: 'accept-encoding',
  };
  let res = new Response(rendered.body, { headers });
  if (gz)
    res = new Response(await gzip(rendered.body), {
      headers: { ...headers, etag, 'content-encoding': 'gzip' },
    });
  if (cache) await cache.put(cache.mode === 'versioned' ? versionedKey : key, res.clone());
  return answer(req, res);
}

/**
 * A document rendered on each request (OPML, the agenda's ICS and JSON, the newsletter
 * archive): ETag from the body's hash, so a reader polling it still gets 304s, and gzip for a
 * reader that takes it (its own ETag, `-gz`, as the feeds' copy), on both runtimes. `headers`
 * adds to the usual ones (Content-Disposition, CORS) or replaces them (Cache-Control).
 */
export async function withValidators(
  req: Request,
  body: string,
  contentType: string,
  lastModified: number,
  extra: Record<string, string> = {},
): Promise<Response> {
  const tag = shortHash(body);
  const gz = acceptsGzip(req.headers.get('accept-encoding'));
  const headers: Record<string, string> = {
    'content-type': contentType,
    etag: gz ? `"${tag}-gz"` : `"${tag}"`,
    'last-modified': new Date(Math.floor(Math.max(lastModified, 0) / 1000) * 1000).toUTCString(),
    'cache-control': FEED_CACHE_CONTROL,
    vary: 'accept-encoding',
    ...extra,
  };
  // Decided before compressing: a reader that has it (either encoding's ETag, or a date when
  // it sends no ETag) costs no gzip.
  if (
    isNotModified(req, `"${tag}"`, headers['last-modified']!) ||
    isNotModified(req, `"${tag}-gz"`, null)
  )
    return notModified(headers);
  if (!gz) return new Response(body, { headers });
  return new Response(await gzip(body), { headers: { ...headers, 'content-encoding': 'gzip' } });
}

/** withValidators with its own Cache-Control (the newsletter archive). */
export function serveDocument(
  req: Request,
  body: string,
  contentType: string,
  lastModified: number,
  cacheControl = FEED_CACHE_CONTROL,
): Promise<Response> {
  return withValidators(req, body, contentType, lastModified, { 'cache-control': cacheControl });
}
