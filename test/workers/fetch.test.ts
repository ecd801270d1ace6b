import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { loadConfig } from '../../src/env.ts';
import { silentLogger, type Deps } from '../../src/deps.ts';
import { fetchDocument } from '../../src/ingest/fetch.ts';
import { failure, ok } from '../support/fetch-assertions.ts';

/**
 * The same fetcher inside workerd (its fetch, its streams, its gzip), against the global
 * fixture server's files and its /_fetch/… behaviours (test/support/fetch-behaviours.ts).
 */
const base = inject('fixtureBase');
const port = new URL(base).port;
const deps = (): Deps => ({ ...workerDeps(env as unknown as Env), log: silentLogger });
/** HUB_ALLOW_PRIVATE_HOSTS off, as in production. */
const strict = (): Deps => ({
  ...deps(),
  config: loadConfig({ ...(env as Record<string, unknown>), HUB_ALLOW_PRIVATE_HOSTS: '0' }),
});

describe('fetchDocument in workerd', () => {
  it('200 with validators, then 304 on If-None-Match and on If-Modified-Since', async () => {
    const first = ok(await fetchDocument(deps(), { url: `${base}/minimal.xml` }));
    expect(new TextDecoder().decode(first.body)).toBe(
      '<rss version="2.0"><channel><title>x</title></channel></rss>\n',
    );
    expect(first).toMatchObject({
      httpStatus: 200,
      url: `${base}/minimal.xml`,
      permanentRedirect: null,
      lastModified: 'Mon, 02 Nov 2026 10:00:00 GMT',
      contentType: 'application/xml',
    });
    expect(first.etag).toMatch(/^"/);
    expect(
      await fetchDocument(deps(), { url: `${base}/minimal.xml`, etag: first.etag }),
    ).toMatchObject({ status: 'not_modified', httpStatus: 304, etag: first.etag });

    const ims = ok(await fetchDocument(deps(), { url: `${base}/_fetch/ims.xml` }));
    expect(
      await fetchDocument(deps(), {
        url: `${base}/_fetch/ims.xml`,
        lastModified: ims.lastModified,
      }),
    ).toMatchObject({ status: 'not_modified', httpStatus: 304 });
  });

  it('gzip is inflated and the cap counts inflated bytes', async () => {
    const o = ok(await fetchDocument(deps(), { url: `${base}/_fetch/gzip.xml` }));
    expect(new TextDecoder().decode(o.body)).toContain('Économie sociale');
    expect(o.body.byteLength).toBeGreaterThan(60_000);
    expect(
      (await failure(deps(), { url: `${base}/_fetch/gzip.xml`, maxBytes: 32 * 1024 })).kind,
    ).toBe('too_large');
  });

  it('size cap: on Content-Length and while streaming a chunked body', async () => {
    expect(await failure(deps(), { url: `${base}/parse/rss2.xml`, maxBytes: 100 })).toMatchObject({
      kind: 'too_large',
      message: 'réponse trop volumineuse (> 100 octets)',
    });
    // Cut while streaming: reading all 50 MB first would not change the outcome, only the
    // time, so the hang guard is the test's timeout, not a bound in milliseconds.
    const err = await failure(deps(), {
      url: `${base}/_fetch/chunked/${50 * 1024 * 1024}`,
      maxBytes: 1024 * 1024,
    });
    expect(err).toMatchObject({ kind: 'too_large', message: 'réponse trop volumineuse (> 1 Mo)' });
    // Just under the cap is fine.
    expect(
      ok(
        await fetchDocument(deps(), {
          url: `${base}/_fetch/chunked/${300_000}`,
          maxBytes: 300_000,
        }),
      ).body.byteLength,
    ).toBe(300_000);
  });

  it('a trickling server hits the deadline of the whole exchange', async () => {
    // A deadline per read would not fire while bytes keep coming: the test's timeout would.
    expect(await failure(deps(), { url: `${base}/_fetch/trickle`, timeoutMs: 800 })).toMatchObject({
      kind: 'timeout',
      message: 'délai dépassé (0,8 s)',
    });
  });

  it('redirects: 301 → 308 permanent, 301 → 302 not, loops refused', async () => {
    expect(ok(await fetchDocument(deps(), { url: `${base}/_fetch/p301` }))).toMatchObject({
      url: `${base}/minimal.xml`,
      permanentRedirect: `${base}/minimal.xml`,
    });
    expect(ok(await fetchDocument(deps(), { url: `${base}/_fetch/t301` }))).toMatchObject({
      url: `${base}/minimal.xml`,
      permanentRedirect: null,
    });
    expect((await failure(deps(), { url: `${base}/_fetch/loop-a` })).kind).toBe('redirect_loop');
  });

  it('410, 429 with Retry-After, 404', async () => {
    expect(await fetchDocument(deps(), { url: `${base}/_pull/gone.xml` })).toMatchObject({
      status: 'gone',
      httpStatus: 410,
    });
    expect(await failure(deps(), { url: `${base}/_fetch/429` })).toMatchObject({
      kind: 'http_error',
      status: 429,
      retryAfterMs: 90_000,
    });
    expect(await failure(deps(), { url: `${base}/nope.xml` })).toMatchObject({
      kind: 'http_error',
      status: 404,
      message: 'HTTP 404 Not Found',
    });
  });

  it('a refused port and an unknown name are network errors with the host named', async () => {
    // workerd prints "uncaught exception … Uncaught (in promise) … Network connection lost" for
    // each connection refused here (the first try and its retry): its own log, printed even when
    // the fetch's rejection is caught, as fetchDocument does (a bare `await fetch(…)` in a
    // try/catch prints it too). Not a request left open by a test.
    expect(await failure(deps(), { url: 'http://127.0.0.1:1/feed.xml' })).toMatchObject({
      kind: 'network',
      message: 'connexion interrompue par 127.0.0.1:1',
    });
    // workerd cannot tell an unknown name from an unreachable host (Node says dns).
    expect(await failure(deps(), { url: 'http://nowhere.invalid/feed.xml' })).toMatchObject({
      kind: 'network',
      message: 'nowhere.invalid injoignable',
    });
  });

  it('private hosts off: literal loopback, metadata and localhost are refused', async () => {
    for (const url of [
      `${base}/minimal.xml`,
      `http://2130706433:${port}/minimal.xml`,
      `http://[::1]:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://localhost:${port}/minimal.xml`,
    ]) {
      const err = await failure(strict(), { url });
      expect(err.kind, url).toBe('blocked_host');
      expect(err.message).toContain('HUB_ALLOW_PRIVATE_HOSTS=1');
    }
  });

  it('private hosts off: a public name redirecting to loopback or metadata is refused at the hop', async () => {
    // Workers resolve nothing, so "member.example" passes the guard as a name; its requests are
    // routed to the fixture server. Every URL asked is recorded: the private hop is never asked.
    const asked: string[] = [];
    const member: Deps = {
      ...strict(),
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input instanceof Request ? input.url : input);
        asked.push(url);
        return fetch(url.replace('//member.example:', '//127.0.0.1:'), init);
      }) as typeof fetch,
    };
    const at = (path: string) => `http://member.example:${port}${path}`;
    expect(ok(await fetchDocument(member, { url: at('/minimal.xml') })).httpStatus).toBe(200);
    for (const path of ['/_fetch/to-loopback', '/_fetch/to-metadata', '/_fetch/to-decimal']) {
      asked.length = 0;
      expect((await failure(member, { url: at(path) })).kind, path).toBe('blocked_host');
      expect(asked).toEqual([at(path)]);
    }
  });
});
