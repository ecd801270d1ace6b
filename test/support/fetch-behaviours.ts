import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import type { FixtureHandler } from './fixture-server.ts';

/**
 * Member-server behaviours for the fetcher, served by the global fixture server under
 * /_fetch/… so that workerd tests (which cannot start servers) can reach them.
 * `base` is the server's own http://127.0.0.1:PORT (for absolute redirects to loopback).
 */
export function fetchBehaviours(base: string): Map<string, FixtureHandler> {
  const routes = new Map<string, FixtureHandler>();
  const redirect =
    (status: number, location: string): FixtureHandler =>
    (_req, res) =>
      void res.writeHead(status, { location }).end();
  const feed = '<rss version="2.0"><channel><title>Réseau de test</title></channel></rss>';

  routes.set('/_fetch/ims.xml', (req, res) => {
    const lm = 'Mon, 02 Nov 2026 10:00:00 GMT';
    if (req.headers['if-modified-since'] === lm) return void res.writeHead(304).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'last-modified': lm }).end(feed);
  });
  routes.set('/_fetch/gzip.xml', (req, res) => {
    const body = Buffer.from(
      `<rss version="2.0"><channel><title>${'Économie sociale et solidaire '.repeat(2000)}</title></channel></rss>`,
    );
    const gz = String(req.headers['accept-encoding'] ?? '').includes('gzip');
    res
      .writeHead(200, {
        'content-type': 'application/rss+xml',
        ...(gz ? { 'content-encoding': 'gzip' } : {}),
      })
      .end(gz ? gzipSync(body) : body);
  });
  // /_fetch/chunked/<bytes>: a body of that size with no Content-Length, written as the reader takes it.
  routes.set('/_fetch/chunked/', (req, res) =>
    pour(res, Number(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop()) || 0),
  );
  routes.set('/_fetch/trickle', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.on('error', () => {});
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('<')), 200);
    res.on('close', () => clearInterval(timer));
  });
  routes.set('/_fetch/p301', redirect(301, '/_fetch/p308'));
  routes.set('/_fetch/p308', redirect(308, '/minimal.xml'));
  routes.set('/_fetch/t301', redirect(301, '/_fetch/t302'));
  routes.set('/_fetch/t302', redirect(302, '/minimal.xml'));
  routes.set('/_fetch/loop-a', redirect(302, '/_fetch/loop-b'));
  routes.set('/_fetch/loop-b', redirect(302, '/_fetch/loop-a'));
  routes.set('/_fetch/to-loopback', redirect(302, `${base}/minimal.xml`));
  routes.set('/_fetch/to-metadata', redirect(302, 'http://169.254.169.254/latest/meta-data/'));
  routes.set(
    '/_fetch/to-decimal',
    redirect(302, `http://2130706433:${new URL(base).port}/minimal.xml`),
  );
  routes.set('/_fetch/429', (_req, res) => void res.writeHead(429, { 'retry-after': '90' }).end());
  return routes;
}

function pour(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/rss+xml' });
  res.on('error', () => {});
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  const next = () => {
    while (written < total) {
      if (res.destroyed) return;
      const n = Math.min(chunk.length, total - written);
      written += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
        return void res.once('drain', next);
    }
    res.end();
  };
  next();
}
