/**
 * The seam through which rendered feeds are reused. Two kinds:
 * - `versioned` (Node, in memory): keys carry the store version, so an entry is never stale;
 *   reading the version is one O(1) query per request.
 * - `ttl` (Workers, Cache API): looked up before the store is touched, so a popular feed
 *   costs no D1 query at all; entries expire after a short edge TTL, and new pulls show up then.
 */
export interface ResponseCache {
  readonly mode: 'versioned' | 'ttl';
  /**
   * `versioned` only: how long a store version read is trusted (ms). 0 reads it on every
   * request; a second spares the database under load while new pulls still show within it.
   */
  readonly versionTtlMs?: number;
  /** `key` is an absolute URL (the Cache API wants one). */
  match(key: string): Promise<Response | undefined>;
  put(key: string, res: Response): Promise<void>;
  /** `versioned` only: match, synchronously (publish/fast-path.ts answers before routing with it). */
  peek?(key: string): Response | undefined;
}

interface Stored {
  body: Uint8Array<ArrayBuffer>;
  status: number;
  headers: Record<string, string>;
}

/**
 * A small least-recently-used cache of whole responses, for one Node process, bounded in
 * entries and in bytes (any filter makes a new key, so readers could otherwise fill memory).
 */
export function memoryResponseCache(
  options: { maxEntries?: number; maxBytes?: number; versionTtlMs?: number } = {},
): ResponseCache {
  const maxEntries = options.maxEntries ?? 200;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const map = new Map<string, Stored>();
  let bytes = 0;
  const drop = (key: string) => {
    const old = map.get(key);
    if (old) bytes -= old.body.byteLength;
    map.delete(key);
  };
  return {
    mode: 'versioned',
    versionTtlMs: options.versionTtlMs ?? 0,
    peek(key) {
      const hit = map.get(key);
      if (!hit) return undefined;
      map.delete(key);
      map.set(key, hit); // most recently used last
      // Uint8Array body + plain headers: @hono/node-server writes such a Response straight out.
      return new Response(hit.body, { status: hit.status, headers: { ...hit.headers } });
    },
    async match(key) {
      return this.peek!(key);
    },
    async put(key, res) {
      const body = new Uint8Array(await res.arrayBuffer());
      if (body.byteLength > maxBytes) return;
      drop(key);
      map.set(key, { body, status: res.status, headers: Object.fromEntries(res.headers) });
      bytes += body.byteLength;
      while (map.size > maxEntries || bytes > maxBytes) drop(map.keys().next().value!);
    },
  };
}

/** Minimal shape of the Workers Cache (caches.default), to stay free of runtime types here. */
export interface EdgeCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, res: Response): Promise<void>;
}

/**
 * The Workers Cache API as a ResponseCache. The stored copy says `s-maxage=edgeTtlSeconds`
 * (the Cache API honours it); the copy handed to readers gets the public Cache-Control back.
 */
export function edgeResponseCache(cache: EdgeCache, edgeTtlSeconds = 60): ResponseCache {
  return {
    mode: 'ttl',
    async match(key) {
      const hit = await cache.match(key);
      if (!hit) return undefined;
      const res = new Response(hit.body, hit);
      const publicControl = hit.headers.get('x-hub-cache-control');
      if (publicControl) res.headers.set('cache-control', publicControl);
      res.headers.delete('x-hub-cache-control');
      return res;
    },
    async put(key, res) {
      const stored = new Response(res.body, res);
      stored.headers.set('x-hub-cache-control', res.headers.get('cache-control') ?? '');
      stored.headers.set('cache-control', `public, max-age=${edgeTtlSeconds}`);
      await cache.put(key, stored);
    },
  };
}
