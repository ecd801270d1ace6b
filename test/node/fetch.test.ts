import { gzipSync } from 'node:zlib';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDocument } from '../../src/ingest/fetch.ts';
import type { Deps } from '../../src/deps.ts';
import { HUB_VERSION } from '../../src/version.ts';
import { fixturesDir, startFixtureServer } from '../support/fixture-server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { failure, ok } from '../support/fetch-assertions.ts';

/**
 * The fetcher against real HTTP servers on 127.0.0.1 (Node's fetch, real sockets, real gzip),
 * one behaviour per route. SSRF cases run with HUB_ALLOW_PRIVATE_HOSTS off.
 */

type Server = Awaited<ReturnType<typeof startFixtureServer>>;
let server: Server;
let base: string;
const deps = makeNodeDeps(); // private hosts allowed: the servers are on 127.0.0.1
const strict = makeNodeDeps({ HUB_ALLOW_PRIVATE_HOSTS: '0' });
const minimal = readFileSync(`${fixturesDir}/minimal.xml`);
const LAST_MODIFIED = 'Mon, 02 Nov 2026 10:00:00 GMT';
/** Requests the servers saw, by path (SSRF cases check that nothing reached the target). */
const hits = new Map<string, number>();
const seenHeaders: Record<string, string | string[] | undefined>[] = [];

function count(path: string) {
  hits.set(path, (hits.get(path) ?? 0) + 1);
}

/** Writes `total` bytes in 64 KiB chunks, honouring backpressure; resolves with what was actually written. */
function pour(res: ServerResponse, total: number, onWritten: (n: number) => void): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  const next = () => {
    while (written < total) {
      if (res.destroyed) return;
      written += chunk.length;
      onWritten(written);
      if (!res.write(chunk)) return void res.once('drain', next);
    }
    res.end();
  };
  res.on('error', () => {});
  next();
}

let bigWritten = 0;

beforeAll(async () => {
  server = await startFixtureServer();
  base = server.base;
  const r = server.route;
  r('/headers', (req, res) => {
    seenHeaders.push(req.headers);
    res
      .writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        'last-modified': LAST_MODIFIED,
      })
      .end(minimal);
  });
  r('/ims', (req, res) => {
    if (req.headers['if-modified-since'] === LAST_MODIFIED) return void res.writeHead(304).end();
    res
      .writeHead(200, { 'content-type': 'application/xml', 'last-modified': LAST_MODIFIED })
      .end(minimal);
  });
  r('/gzip', (req, res) => {
    const body = Buffer.from(
      `<rss version="2.0"><channel><title>${'Économie sociale et solidaire '.repeat(2000)}</title></channel></rss>`,
    );
    const gz = req.headers['accept-encoding']?.includes('gzip');
    res.writeHead(200, {
      'content-type': 'application/xml',
      ...(gz ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(gz ? gzipSync(body) : body);
  });
  // 50 MB of zeros in ~50 KB on the wire: the cap is on what comes out of the decompressor.
  const gz = gzipSync(Buffer.alloc(50 * 1024 * 1024));
  r('/gzip-bomb', (_req, res) => {
    res
      .writeHead(200, {
        'content-type': 'application/xml',
        'content-encoding': 'gzip',
        'content-length': gz.length,
      })
      .end(gz);
  });
  r('/50mb-declared', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': 50 * 1024 * 1024 });
    pour(res, 50 * 1024 * 1024, (n) => (bigWritten = n));
  });
  r('/50mb-chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml' }); // no Content-Length: chunked
    pour(res, 50 * 1024 * 1024, (n) => (bigWritten = n));
  });
  r('/trickle', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.on('error', () => {});
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('<')), 200);
    res.on('close', () => clearInterval(timer));
  });
  r('/silent', () => {
    /* never answers */
  });
  r('/loop-a', (_req, res) => void res.writeHead(302, { location: '/loop-b' }).end());
  r('/loop-b', (_req, res) => void res.writeHead(302, { location: `${base}/loop-a` }).end());
  for (let i = 0; i < 8; i++)
    r(`/hop/${i}`, (_req, res) => void res.writeHead(301, { location: `/hop/${i + 1}` }).end());
  r('/p/301', (_req, res) => void res.writeHead(301, { location: '/p/308' }).end());
  r('/p/308', (_req, res) => void res.writeHead(308, { location: '/minimal.xml' }).end());
  r('/t/301', (_req, res) => void res.writeHead(301, { location: '/t/302' }).end());
  r('/t/302', (_req, res) => void res.writeHead(302, { location: '/minimal.xml' }).end());
  r('/no-location', (_req, res) => void res.writeHead(302).end());
  r(
    '/gone',
    (_req, res) => void res.writeHead(410, { 'content-type': 'text/plain' }).end('retired'),
  );
  r('/429-seconds', (_req, res) => void res.writeHead(429, { 'retry-after': '120' }).end());
  r(
    '/503-date',
    (_req, res) =>
      void res
        .writeHead(503, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() })
        .end(),
  );
  r('/500', (_req, res) => void res.writeHead(500).end('boom'));
  r('/drop', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': 100_000 });
    res.write('<rss version="2.0"><channel><title>coupé');
    setTimeout(() => req.socket.destroy(), 50);
  });
  r('/auth', (req, res) => {
    seenHeaders.push(req.headers);
    const expected = `Basic ${Buffer.from('membre:sécret:1').toString('base64')}`;
    if (req.headers.authorization !== expected)
      return void res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
    res.writeHead(200, { 'content-type': 'application/xml' }).end(minimal);
  });
  r('/auth-moved', (_req, res) => void res.writeHead(301, { location: '/auth' }).end());
  r('/secret', (_req, res) => {
    count('/secret');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('internal');
  });
  for (const [name, target] of Object.entries(ssrfTargets())) {
    r(`/to/${name}`, (_req, res) => void res.writeHead(302, { location: target }).end());
  }
  r(
    '/to/public-then-loopback',
    (_req, res) =>
      void res.writeHead(301, { location: `http://member.example:${port()}/to/loopback` }).end(),
  );
});

afterAll(async () => {
  await server.close();
  await deps.close();
  await strict.close();
});

const port = () => new URL(base).port;
const SSRF_NAMES = ['loopback', 'metadata', 'v6', 'decimal', 'mapped', 'localhost', 'private'];
function ssrfTargets(): Record<string, string> {
  return {
    loopback: `http://127.0.0.1:${port()}/secret`,
    metadata: 'http://169.254.169.254/latest/meta-data/',
    v6: `http://[::1]:${port()}/secret`,
    decimal: `http://2130706433:${port()}/secret`,
    mapped: `http://[::ffff:127.0.0.1]:${port()}/secret`,
    localhost: `http://localhost:${port()}/secret`,
    private: 'http://10.0.0.1/secret',
  };
}

describe('fetchDocument: success and validators', () => {
  it('200: body, content type, validators, polite headers', async () => {
    const o = ok(await fetchDocument(deps, { url: `${base}/headers` }));
    expect(Buffer.from(o.body).toString()).toBe(minimal.toString());
    expect(o).toMatchObject({
      httpStatus: 200,
      url: `${base}/headers`,
      permanentRedirect: null,
      etag: '"v1"',
      lastModified: LAST_MODIFIED,
      contentType: 'application/rss+xml; charset=utf-8',
    });
    const h = seenHeaders.at(-1)!;
    expect(h['user-agent']).toBe(`IntercoopHub/${HUB_VERSION}`);
    expect(h.accept).toContain('application/rss+xml');
    expect(h.accept).toContain('application/atom+xml');
    expect(h.accept).toContain('application/feed+json');
    expect(h.accept).toContain('text/calendar');
    expect(h.accept).toContain('text/html');
    expect(h['accept-encoding']).toBe('gzip');
    expect(h['if-none-match']).toBeUndefined();
  });

  it('the User-Agent carries HUB_BASE_URL', async () => {
    const d = makeNodeDeps({ HUB_BASE_URL: 'https://hub.example.org/' });
    try {
      await fetchDocument(d, { url: `${base}/headers` });
      expect(seenHeaders.at(-1)!['user-agent']).toBe(
        `IntercoopHub/${HUB_VERSION} (+https://hub.example.org)`,
      );
    } finally {
      await d.close();
    }
  });

  it('304 on If-None-Match: not_modified, validators kept', async () => {
    const first = ok(await fetchDocument(deps, { url: `${base}/minimal.xml` }));
    expect(first.etag).toMatch(/^"/);
    const again = await fetchDocument(deps, {
      url: `${base}/minimal.xml`,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(again).toEqual({
      status: 'not_modified',
      httpStatus: 304,
      url: `${base}/minimal.xml`,
      permanentRedirect: null,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    // A stale ETag gets the document again.
    expect((await fetchDocument(deps, { url: `${base}/minimal.xml`, etag: '"old"' })).status).toBe(
      'ok',
    );
  });

  it('304 on If-Modified-Since alone', async () => {
    const first = ok(await fetchDocument(deps, { url: `${base}/ims` }));
    expect(first.etag).toBeNull();
    const again = await fetchDocument(deps, {
      url: `${base}/ims`,
      lastModified: first.lastModified,
    });
    expect(again).toMatchObject({
      status: 'not_modified',
      httpStatus: 304,
      lastModified: LAST_MODIFIED,
      etag: null,
    });
  });

  it('gzip: decompressed, and the decompressed size is what the cap counts', async () => {
    const o = ok(await fetchDocument(deps, { url: `${base}/gzip` }));
    const text = Buffer.from(o.body).toString('utf8');
    expect(text).toMatch(/^<rss version="2.0">/);
    expect(text).toContain('Économie sociale');
    expect(o.body.byteLength).toBeGreaterThan(60_000);
    // ~1 KB on the wire, ~62 KB once inflated: a 32 KB cap refuses it.
    const err = await failure(deps, { url: `${base}/gzip`, maxBytes: 32 * 1024 });
    expect(err).toMatchObject({ kind: 'too_large', message: 'réponse trop volumineuse (> 32 ko)' });
  });
});

describe('fetchDocument: credentials in the URL', () => {
  it('are sent as Basic auth, kept in the outcome URL, followed on a same-host redirect, never printed', async () => {
    const url = `http://membre:s%C3%A9cret%3A1@127.0.0.1:${port()}/auth-moved`;
    const o = ok(await fetchDocument(deps, { url }));
    expect(o.url).toBe(`http://membre:s%C3%A9cret%3A1@127.0.0.1:${port()}/auth`);
    expect(o.permanentRedirect).toBe(o.url);
    const err = await failure(deps, { url: `http://membre:faux@127.0.0.1:${port()}/auth` });
    expect(err).toMatchObject({ kind: 'http_error', status: 401 });
    expect(err.message).not.toContain('faux');
  });
});

describe('fetchDocument: hostile sizes and speeds', () => {
  it('a declared 50 MB answer is refused at once, without downloading it', async () => {
    bigWritten = 0;
    const rss = process.memoryUsage().rss;
    const err = await failure(deps, { url: `${base}/50mb-declared`, maxBytes: 10 * 1024 * 1024 });
    expect(err).toMatchObject({ kind: 'too_large', message: 'réponse trop volumineuse (> 10 Mo)' });
    await new Promise((r) => setTimeout(r, 100));
    // Refused on its Content-Length: less than the cap ever left the server (socket buffers only).
    expect(bigWritten).toBeLessThan(10 * 1024 * 1024);
    expect(process.memoryUsage().rss - rss).toBeLessThan(40 * 1024 * 1024);
  });

  it('a 50 MB chunked answer without Content-Length is cut at the cap while streaming', async () => {
    bigWritten = 0;
    const rss = process.memoryUsage().rss;
    const err = await failure(deps, { url: `${base}/50mb-chunked`, maxBytes: 1024 * 1024 });
    expect(err).toMatchObject({ kind: 'too_large', message: 'réponse trop volumineuse (> 1 Mo)' });
    await new Promise((r) => setTimeout(r, 100));
    // The server could only push what the socket buffers took after the cap: far from 50 MB.
    expect(bigWritten).toBeGreaterThan(1024 * 1024);
    expect(bigWritten).toBeLessThan(20 * 1024 * 1024);
    expect(process.memoryUsage().rss - rss).toBeLessThan(40 * 1024 * 1024);
  });

  it('a gzip bomb (50 KB on the wire, 50 MB inflated) is cut at the cap', async () => {
    const rss = process.memoryUsage().rss;
    const err = await failure(deps, { url: `${base}/gzip-bomb`, maxBytes: 2 * 1024 * 1024 });
    expect(err).toMatchObject({ kind: 'too_large', message: 'réponse trop volumineuse (> 2 Mo)' });
    expect(process.memoryUsage().rss - rss).toBeLessThan(30 * 1024 * 1024);
  });

  it('a server trickling 1 byte / 200 ms hits the deadline of the whole exchange', async () => {
    // The trickle never ends: a deadline per read (reset by each byte) would never fire, and the
    // test's timeout (30 s) would fail it. Not before the deadline: timers never fire early.
    const t0 = performance.now();
    const err = await failure(deps, { url: `${base}/trickle`, timeoutMs: 1000 });
    expect(err).toMatchObject({ kind: 'timeout', message: 'délai dépassé (1 s)' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('a server that never answers hits the deadline too (config default when the request has none)', async () => {
    const d = makeNodeDeps({ HUB_FETCH_TIMEOUT_MS: '600' });
    try {
      // The message names the deadline that fired: the configured one, not the default (15 s).
      const t0 = performance.now();
      const err = await failure(d, { url: `${base}/silent` });
      expect(err).toMatchObject({ kind: 'timeout', message: 'délai dépassé (0,6 s)' });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
    } finally {
      await d.close();
    }
  });
});

describe('fetchDocument: redirects', () => {
  it('a loop is a redirect_loop', async () => {
    const err = await failure(deps, { url: `${base}/loop-a` });
    expect(err.kind).toBe('redirect_loop');
    expect(err.message).toContain('boucle de redirections');
  });

  it('more than 5 hops is a redirect_loop; 5 are followed', async () => {
    const err = await failure(deps, { url: `${base}/hop/0` });
    expect(err).toMatchObject({
      kind: 'redirect_loop',
      message: 'trop de redirections (plus de 5)',
    });
    // /hop/3 → 4 → 5 → 6 → 7 → 8 (no route: 404): five hops, then the answer of the last one.
    const last = await failure(deps, { url: `${base}/hop/3` });
    expect(last).toMatchObject({ kind: 'http_error', status: 404 });
  });

  it('301 → 308: followed, permanentRedirect is the final URL', async () => {
    const o = ok(await fetchDocument(deps, { url: `${base}/p/301` }));
    expect(o).toMatchObject({
      httpStatus: 200,
      url: `${base}/minimal.xml`,
      permanentRedirect: `${base}/minimal.xml`,
    });
    expect(Buffer.from(o.body).toString()).toBe(minimal.toString());
  });

  it('301 → 302: followed, permanentRedirect is null', async () => {
    const o = ok(await fetchDocument(deps, { url: `${base}/t/301` }));
    expect(o).toMatchObject({ url: `${base}/minimal.xml`, permanentRedirect: null });
  });

  it('a redirect without Location is an http_error', async () => {
    expect(await failure(deps, { url: `${base}/no-location` })).toMatchObject({
      kind: 'http_error',
      status: 302,
    });
  });
});

describe('fetchDocument: HTTP and network errors', () => {
  it('410 is the outcome gone', async () => {
    expect(await fetchDocument(deps, { url: `${base}/gone` })).toEqual({
      status: 'gone',
      httpStatus: 410,
      url: `${base}/gone`,
      permanentRedirect: null,
      etag: null,
      lastModified: null,
    });
  });

  it('429 with Retry-After in seconds, 503 with an HTTP date', async () => {
    expect(await failure(deps, { url: `${base}/429-seconds` })).toMatchObject({
      kind: 'http_error',
      status: 429,
      retryAfterMs: 120_000,
      message: 'HTTP 429 Too Many Requests — réessayer dans 2 min',
    });
    const e503 = await failure(deps, { url: `${base}/503-date` });
    expect(e503).toMatchObject({ kind: 'http_error', status: 503 });
    expect(e503.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(e503.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('404 and 500 are http_error with their status', async () => {
    expect(await failure(deps, { url: `${base}/nope.xml` })).toMatchObject({
      kind: 'http_error',
      status: 404,
      message: 'HTTP 404 Not Found',
      retryAfterMs: undefined,
    });
    expect(await failure(deps, { url: `${base}/500` })).toMatchObject({
      kind: 'http_error',
      status: 500,
      message: 'HTTP 500 Internal Server Error',
    });
  });

  it('a connection dropped mid-body is a network error', async () => {
    const err = await failure(deps, { url: `${base}/drop` });
    expect(err.kind).toBe('network');
    expect(err.message).toBe('connexion interrompue pendant la réponse (127.0.0.1:' + port() + ')');
  });

  it('a refused connection is a network error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port: deadPort } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const err = await failure(deps, { url: `http://127.0.0.1:${deadPort}/feed.xml` });
    expect(err).toMatchObject({
      kind: 'network',
      message: `connexion refusée par 127.0.0.1:${deadPort}`,
    });
  });

  it('a name that does not resolve is a dns error (guard off and on)', async () => {
    expect((await failure(deps, { url: 'http://nowhere.invalid/feed.xml' })).kind).toBe('dns');
    expect((await failure(strict, { url: 'http://nowhere.invalid/feed.xml' })).kind).toBe('dns');
  });

  it('a non-http URL is invalid_url', async () => {
    expect((await failure(deps, { url: 'file:///etc/passwd' })).kind).toBe('invalid_url');
  });
});

describe('fetchDocument: SSRF with HUB_ALLOW_PRIVATE_HOSTS off', () => {
  /**
   * A member site on a public address is simulated: "member.example" resolves to a public IP
   * for the guard, and its connections are routed to the fixture server. Only that name is
   * routed: every other URL goes to the real fetch unchanged, and every URL asked is recorded.
   */
  const asked: string[] = [];
  const member: Deps = {
    ...strict,
    resolver: {
      lookup: async (host) =>
        host === 'member.example' ? ['93.184.215.14'] : strict.resolver.lookup(host),
    },
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      asked.push(url);
      return globalThis.fetch(url.replace('//member.example:', '//127.0.0.1:'), init);
    }) as typeof fetch,
  };
  const memberUrl = (path: string) => `http://member.example:${port()}${path}`;

  it('the simulated public member is fetched normally (the harness itself blocks nothing)', async () => {
    const o = ok(await fetchDocument(member, { url: memberUrl('/minimal.xml') }));
    expect(Buffer.from(o.body).toString()).toBe(minimal.toString());
  });

  it('a direct 127.0.0.1 URL and localhost are refused before any request', async () => {
    const before = hits.get('/secret') ?? 0;
    for (const url of [
      `${base}/secret`,
      `http://localhost:${port()}/secret`,
      `http://[::1]:${port()}/secret`,
    ]) {
      const err = await failure(strict, { url });
      expect(err.kind).toBe('blocked_host');
      expect(err.message).toContain("HUB_ALLOW_PRIVATE_HOSTS=1 pour l'autoriser");
    }
    expect(hits.get('/secret') ?? 0).toBe(before);
  });

  it.each(SSRF_NAMES)('a redirect to %s is refused and never requested', async (name) => {
    asked.length = 0;
    const before = hits.get('/secret') ?? 0;
    const err = await failure(member, { url: memberUrl(`/to/${name}`) });
    expect(err.kind).toBe('blocked_host');
    expect(asked).toEqual([memberUrl(`/to/${name}`)]);
    expect(hits.get('/secret') ?? 0).toBe(before);
  });

  it('the decimal spelling is shown as the address it means', async () => {
    const err = await failure(member, { url: memberUrl('/to/decimal') });
    expect(err.message).toContain('127.0.0.1 : boucle locale');
  });

  it('the guard runs on every hop, not only the first and last', async () => {
    asked.length = 0;
    const err = await failure(member, { url: memberUrl('/to/public-then-loopback') });
    expect(err.kind).toBe('blocked_host');
    expect(asked).toEqual([memberUrl('/to/public-then-loopback'), memberUrl('/to/loopback')]);
  });

  it('with private hosts allowed the same redirect is followed', async () => {
    const open: Deps = { ...member, config: deps.config };
    const o = ok(await fetchDocument(open, { url: memberUrl('/to/loopback') }));
    expect(Buffer.from(o.body).toString()).toBe('internal');
  });
});
