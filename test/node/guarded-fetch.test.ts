/**
 * Node's connection-time guard: a name that passed the guard's DNS check but resolves to a
 * private address when connecting (DNS rebinding) is refused without any request reaching
 * the server; and the undici fetch behind it reads feeds exactly like the platform fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupAddress } from 'node:dns';
import { fetchDocument } from '../../src/ingest/fetch.ts';
import { IngestError } from '../../src/ingest/types.ts';
import { guardedFetch } from '../../workers/node/guarded-fetch.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { fetchBehaviours } from '../support/fetch-behaviours.ts';
import { makeNodeDeps } from '../support/node-deps.ts';

let server: Awaited<ReturnType<typeof startFixtureServer>>;
let hits = 0;
beforeAll(async () => {
  server = await startFixtureServer();
  for (const [path, handler] of fetchBehaviours(server.base)) server.route(path, handler);
  server.route('/counted.xml', (_req, res) => {
    hits++;
    res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end('<rss version="2.0"><channel><title>x</title></channel></rss>');
  });
});
afterAll(() => server.close());

/** A DNS server that sends every name to the fixture server's loopback address. */
const toLoopback = (
  _host: string,
  _options: unknown,
  callback: (err: null, addresses: LookupAddress[]) => void,
) => callback(null, [{ address: '127.0.0.1', family: 4 }]);

describe('guarded fetch (Node)', () => {
  it('refuses a name that rebinds to loopback between the guard and the connection', async () => {
    const deps = makeNodeDeps({ HUB_ALLOW_PRIVATE_HOSTS: '0' });
    try {
      // The guard's own lookup sees a public address…
      deps.resolver = { lookup: async () => ['93.184.216.34'] };
      // …the connection's lookup gets 127.0.0.1.
      deps.fetch = guardedFetch(toLoopback);
      const port = new URL(server.base).port;
      const failure = await fetchDocument(deps, {
        url: `http://rebind.example:${port}/counted.xml`,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(IngestError);
      expect(failure).toMatchObject({
        kind: 'blocked_host',
        message: expect.stringContaining('127.0.0.1'),
      });
      expect(hits).toBe(0);
    } finally {
      await deps.close();
    }
  });

  it('reads feeds like the platform fetch: validators, 304, gzip, manual redirects, size cap', async () => {
    const deps = makeNodeDeps({ HUB_ALLOW_PRIVATE_HOSTS: '1' });
    try {
      deps.fetch = guardedFetch(toLoopback, () => null);
      const port = new URL(server.base).port;
      const base = `http://member.example:${port}`;
      const ok = await fetchDocument(deps, { url: `${base}/minimal.xml` });
      expect(ok).toMatchObject({ status: 'ok', httpStatus: 200 });
      const again = await fetchDocument(deps, { url: `${base}/minimal.xml`, etag: ok.etag });
      expect(again.status).toBe('not_modified');
      const gz = await fetchDocument(deps, { url: `${base}/_fetch/gzip.xml` });
      expect(gz.status === 'ok' && new TextDecoder().decode(gz.body)).toContain(
        'Économie sociale et solidaire',
      );
      const moved = await fetchDocument(deps, { url: `${base}/_fetch/p301` });
      expect(moved).toMatchObject({ status: 'ok', permanentRedirect: `${base}/minimal.xml` });
      await expect(
        fetchDocument(deps, {
          url: `${base}/_fetch/chunked/${8 * 1024 * 1024}`,
          maxBytes: 1024 * 1024,
        }),
      ).rejects.toMatchObject({ kind: 'too_large' });
      expect(hits).toBe(0);
    } finally {
      await deps.close();
    }
  });
});
