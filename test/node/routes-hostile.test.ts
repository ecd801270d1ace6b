/**
 * Every route of the hub, through the real Node server, with malformed and oversized input:
 * bad query parameters, invalid percent-encoding, path traversal, oversized bodies, wrong
 * content types, and the admin API without or with a wrong token. The answer is never a 500:
 * it is a 4xx that says what is wrong (JSON {error, message}, or an HTML page for pages).
 * Requests are sent byte for byte (test/support/raw-http.ts): no client normalises them first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { startServer } from '../../workers/node/serve.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { rawRequest, type RawResponse } from '../support/raw-http.ts';

const TOKEN = 'routes-hostile-admin-token';

/** The public routes (INTERFACE.md and src/app.ts), with the query filters each one reads. */
const RIVER = ['network', 'tag', 'territory', 'q', 'limit', 'before'];
const AGENDA = ['network', 'tag', 'territory', 'q', 'from', 'to'];
const PUBLIC_ROUTES: Array<[string, string[]]> = [
  ['/', RIVER],
  ['/feed.xml', RIVER],
  ['/feed.atom', RIVER],
  ['/feed.json', RIVER],
  ['/networks/animacoop/feed.xml', RIVER],
  ['/networks/animacoop/feed.json', RIVER],
  ['/agenda', AGENDA],
  ['/agenda.ics', AGENDA],
  ['/agenda.json', AGENDA],
  ['/events/inconnu', []],
  ['/events/inconnu.ics', []],
  ['/networks', []],
  ['/networks/animacoop', []],
  ['/networks.opml', []],
  ['/newsletter', []],
  ['/newsletter/archive', []],
  ['/newsletter/archive.xml', []],
  ['/newsletter/archive/1', []],
  ['/newsletter/confirm/abc', []],
  ['/newsletter/unsubscribe/abc', []],
  ['/newsletter/preferences/abc', []],
  ['/healthz', []],
];

const many = (n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i)).join('&');

/** Bad values for a filter: [query string, the filter it targets]. */
const BAD_QUERIES: Array<[string, string]> = [
  ['limit=-1', 'limit'],
  ['limit=abc', 'limit'],
  ['limit=1e3', 'limit'],
  ['limit=99999999999999999999', 'limit'],
  ['from=2026-13-45', 'from'],
  ['from=abc', 'from'],
  ['to=2026-02-30', 'to'],
  ['from=2026-01-01&to=2025-01-01', 'to'],
  ['from=0001-01-01&to=9999-12-31', 'to'],
  ['before=zzz', 'before'],
  ['before=1~%00', 'before'],
  // 1,000 distinct networks in 12 KB (under the 16 KB header limit: this reaches the app).
  [many(1000, (i) => `network=n${i}`), 'network'],
  ['network=..%2F..%2Fetc%2Fpasswd', 'network'],
  ['network=%3Cscript%3E', 'network'],
  [`q=${'a'.repeat(5_000)}`, 'q'],
  [`tag=${'%C3%A9'.repeat(1_000)}`, 'tag'],
];
/** Odd but harmless input any route may accept (200) or refuse (4xx): never a 500. */
const ODD_QUERIES = [
  'q=%FF%FE',
  'q=%E0%A4%A',
  'q=%',
  'tag=%00',
  'lang=%FF',
  'limit=',
  'network=',
  many(700, () => 'network=animacoop'),
  'a[]=1&a[b]=2',
  '%FF=%FF',
  '&&&==&',
];

interface Ctx {
  port: number;
}

/** A 4xx that explains itself: JSON {error, message} with a message, or an HTML page with text. */
function expectClear4xx(res: RawResponse, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(
    400,
  );
  expect(res.status, `${what} → ${res.status}`).toBeLessThan(500);
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const body = JSON.parse(res.body) as { error?: unknown; message?: unknown };
    expect(typeof body.error, `${what}: JSON error code`).toBe('string');
    expect(typeof body.message, `${what}: JSON message`).toBe('string');
    expect((body.message as string).length, `${what}: message says something`).toBeGreaterThan(10);
  } else {
    expect(type, `${what}: a JSON or an HTML answer`).toContain('text/html');
    expect(res.body, `${what}: an HTML page`).toMatch(/<html[\s>]/);
    expect(res.body, `${what}: with a heading`).toMatch(/<h1[^>]*>[^<]{3,}/);
  }
}

function expectNo5xx(res: RawResponse, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.body.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) expectClear4xx(res, what);
}

describe('hostile requests to every route (real Node server)', () => {
  const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: TOKEN, HUB_SECRET: 'routes-hostile' });
  const ctx: Ctx = { port: 0 };
  let server: ServerType;
  const get = (target: string, headers: Record<string, string> = {}) =>
    rawRequest(ctx.port, 'GET', target, { headers });

  beforeAll(async () => {
    await syncFederation(
      deps,
      parseNetworksFile(
        `hub:\n  title: Intercoop\n  base_url: https://hub.test\nnetworks:\n  - slug: animacoop\n    name: Animacoop\n    territory: Occitanie\n    tags: [formation]\n    feeds: [https://animacoop.example/feed.xml]\n`,
      ),
    );
    const started = await startServer(deps, 0, '127.0.0.1');
    server = started.server;
    ctx.port = started.port;
  });
  afterAll(async () => {
    server?.close();
    await deps.close();
  });

  it('every public route answers a plain GET (the list above is current)', async () => {
    for (const [route] of PUBLIC_ROUTES) {
      const res = await get(route);
      expect(res.status, route).not.toBe(500);
      expect([200, 404], `${route} → ${res.status}`).toContain(res.status);
    }
  });

  it('a bad value of a filter a route reads is a clear 4xx', async () => {
    for (const [route, filters] of PUBLIC_ROUTES) {
      for (const [query, filter] of BAD_QUERIES) {
        const res = await get(`${route}?${query}`);
        if (filters.includes(filter)) expectClear4xx(res, `GET ${route}?${query.slice(0, 60)}`);
        else expectNo5xx(res, `GET ${route}?${query.slice(0, 60)}`);
      }
    }
  });

  it('odd query strings (invalid UTF-8, empty values, repeated keys) never give a 500', async () => {
    for (const [route] of PUBLIC_ROUTES) {
      for (const query of ODD_QUERIES)
        expectNo5xx(await get(`${route}?${query}`), `GET ${route}?${query.slice(0, 60)}`);
    }
  });

  it('a 100 KB query string is refused with a 4xx before reaching the app', async () => {
    for (const route of ['/', '/feed.xml', '/agenda', '/agenda.ics']) {
      const res = await get(`${route}?q=${'a'.repeat(100_000)}`);
      // Node's HTTP parser refuses headers over 16 KB (431); Cloudflare does the same (414).
      expect([400, 414, 431], `${route} → ${res.status}`).toContain(res.status);
    }
  });

  it('path traversal and invalid percent-encoding in paths: a clear 4xx, nothing outside the app', async () => {
    const targets = [
      '/../../etc/passwd',
      '/..%2F..%2Fetc%2Fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/networks/..%2F..%2Fetc%2Fpasswd',
      '/events/..%2f..%2fetc%2fpasswd',
      '/events/%FF',
      '/networks/%FF%FE',
      '/newsletter/confirm/%FF',
      '/newsletter/archive/..%2F1',
      '/newsletter/archive/99999999999999999999999',
      '/newsletter/archive/-1',
      `/networks/${'a'.repeat(4_000)}`,
      '/%FF',
      '/%',
      '//etc/passwd',
      '/feed.xml%00.html',
      '/agenda.ics/..%5C..%5Cwindows',
    ];
    for (const target of targets) {
      const res = await get(target);
      expectClear4xx(res, `GET ${target.slice(0, 60)}`);
      expect(res.body).not.toMatch(/root:x?:0:0/);
    }
    // Encoded dot segments are resolved like a browser does (/networks/%2e%2e is /): still inside the app.
    for (const target of ['/networks/%2e%2e', '/feed.xml/..', '/networks/animacoop/..%2f']) {
      const res = await get(target);
      expectNo5xx(res, `GET ${target}`);
      expect(res.body).not.toMatch(/root:x?:0:0/);
    }
  });

  describe('bodies', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const post = (
      target: string,
      headers: Record<string, string>,
      body?: string | Buffer,
      method = 'POST',
    ) => rawRequest(ctx.port, method, target, { headers, body });

    it('oversized POST bodies on the newsletter forms: 413 page, before the body is read', async () => {
      const huge = `email=x%40example.org&network=${'animacoop&network='.repeat(200_000)}`;
      for (const target of [
        '/newsletter/subscribe',
        '/newsletter/unsubscribe/abc',
        '/newsletter/preferences/abc',
      ]) {
        const res = await post(target, form, huge);
        expect(res.status, `POST ${target} (${(huge.length / 1e6).toFixed(1)} MB)`).toBe(413);
        expectClear4xx(res, `POST ${target}`);
      }
      // Without Content-Length (chunked): the limit counts what arrives.
      const chunked = await post(
        '/newsletter/subscribe',
        { ...form, 'transfer-encoding': 'chunked' },
        huge,
      );
      expect(chunked.status).toBe(413);
    });

    it('malformed newsletter forms and wrong content types: a clear 4xx page', async () => {
      const cases: Array<[Record<string, string>, string | Buffer | undefined]> = [
        [{ 'content-type': 'application/json' }, '{"email":"x@example.org"}'],
        [{ 'content-type': 'text/plain' }, 'email=x@example.org'],
        [{ 'content-type': 'multipart/form-data; boundary=zzz' }, '--zzz\r\ngarbage without end'],
        [{ 'content-type': 'multipart/form-data' }, 'no boundary at all'],
        [form, 'email=%FF%FE&lang=%'],
        [form, `email=${'a'.repeat(10_000)}%40example.org`],
        [form, Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0x26])],
        [{}, undefined],
      ];
      for (const [headers, body] of cases)
        expectClear4xx(
          await post('/newsletter/subscribe', headers, body),
          `POST /newsletter/subscribe ${JSON.stringify(headers)} ${String(body ?? '').slice(0, 30)}`,
        );
    });

    it('admin API: oversized, malformed and mistyped bodies are clear 4xx JSON', async () => {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const cases: Array<
        [string, string, Record<string, string>, string | Buffer | undefined, number | null]
      > = [
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'text/yaml' },
          `hub: {}\nnetworks: []\n# ${'x'.repeat(2_000_000)}`,
          413,
        ],
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'text/yaml', 'transfer-encoding': 'chunked' },
          `# ${'x'.repeat(2_000_000)}`,
          413,
        ],
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'application/json' },
          '{"networks": [',
          400,
        ],
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'application/octet-stream' },
          Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]),
          400,
        ],
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'text/yaml' },
          'networks: [ {',
          400,
        ],
        ['PUT', '/api/admin/networks', { ...auth, 'content-type': 'text/yaml' }, '', 400],
        // A "billion laughs" of YAML aliases.
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'text/yaml' },
          'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n',
          400,
        ],
        [
          'PUT',
          '/api/admin/networks',
          { ...auth, 'content-type': 'text/yaml' },
          `networks:\n${'  - slug: x\n'.repeat(20_000)}`,
          null,
        ],
        ['POST', '/api/admin/pull?network=%FF', auth, undefined, 404],
        ['POST', `/api/admin/pull?network=${'a'.repeat(5_000)}`, auth, undefined, 404],
        ['POST', '/api/admin/entries/abc/split', auth, undefined, 400],
        ['POST', '/api/admin/entries/99999999999999999999/split', auth, undefined, 400],
        ['POST', '/api/admin/entries/424242/split', auth, undefined, 404],
        ['GET', '/api/admin/pulls?limit=-1', auth, undefined, 400],
        ['GET', '/api/admin/pulls?limit=abc', auth, undefined, 400],
        ['GET', '/api/admin/sources?status=zzz', auth, undefined, 400],
        ['GET', '/api/admin/sources?failing=peut-etre', auth, undefined, 400],
        ['GET', '/api/admin/subscribers?limit=abc', auth, undefined, 400],
        ['GET', '/api/admin/items/%FF', auth, undefined, 404],
        ['GET', `/api/admin/items/${'a'.repeat(5_000)}`, auth, undefined, 404],
        ['DELETE', '/api/admin/networks', auth, undefined, null],
      ];
      for (const [method, target, headers, body, status] of cases) {
        const res = await post(target, headers, body, method);
        const what = `${method} ${target.slice(0, 50)} ${String(body ?? '').slice(0, 30)}`;
        expectClear4xx(res, what);
        expect(String(res.headers['content-type']), what).toContain('application/json');
        if (status !== null) expect(res.status, what).toBe(status);
      }
    });
  });

  describe('admin authentication', () => {
    const ROUTES: Array<[string, string]> = [
      ['GET', '/api/admin/networks'],
      ['PUT', '/api/admin/networks'],
      ['GET', '/api/admin/sources'],
      ['GET', '/api/admin/pulls'],
      ['POST', '/api/admin/pull'],
      ['GET', '/api/admin/items/x'],
      ['POST', '/api/admin/entries/1/split'],
      ['GET', '/api/admin/subscribers'],
      ['GET', '/api/admin/nothing-here'],
    ];
    const WRONG: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `bearer ${TOKEN}x` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${'x'.repeat(8_000)}` },
      { authorization: `Token ${TOKEN}` },
      { 'x-admin-token': TOKEN },
    ];

    it('without a token or with a wrong one: 401 JSON with WWW-Authenticate, and nothing runs', async () => {
      for (const [method, target] of ROUTES) {
        for (const headers of WRONG) {
          const res = await rawRequest(ctx.port, method, target, {
            headers: { ...headers, 'content-type': 'text/yaml' },
            body: method === 'GET' ? undefined : 'networks: []\n',
          });
          const what = `${method} ${target} ${JSON.stringify(headers).slice(0, 60)}`;
          expect(res.status, what).toBe(401);
          expectClear4xx(res, what);
          expect(String(res.headers['www-authenticate']), what).toMatch(/^Bearer /);
        }
      }
      // The PUT above would have deactivated every network had it run.
      const page = await get('/networks/animacoop');
      expect(page.status).toBe(200);
    });

    it('with the right token: the same routes answer (so the 401s above can fail)', async () => {
      const res = await get('/api/admin/networks', { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).networks.map((n: { slug: string }) => n.slug)).toEqual([
        'animacoop',
      ]);
    });

    it('with no token configured the admin API is off: 404 JSON whatever the header', async () => {
      const off = makeNodeDeps();
      const started = await startServer(off, 0, '127.0.0.1');
      try {
        for (const headers of [{}, { authorization: 'Bearer anything' }] as Array<
          Record<string, string>
        >) {
          const res = await rawRequest(started.port, 'GET', '/api/admin/networks', { headers });
          expect(res.status).toBe(404);
          expectClear4xx(res, 'admin off');
        }
      } finally {
        started.server.close();
        await off.close();
      }
    });
  });
});
