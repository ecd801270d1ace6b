import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, dirname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

export type FixtureHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 serving test/fixtures/ as a member network would, with
 * ETag/Last-Modified validators, plus named behaviours under /_/… for hostile cases.
 * Tests may add routes with `route(path, handler)`.
 */
export async function startFixtureServer(): Promise<{
  base: string;
  route(path: string, handler: FixtureHandler): void;
  close(): Promise<void>;
}> {
  const routes = new Map<string, FixtureHandler>();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      // Exact paths first, then routes registered with a trailing slash as prefixes (/_pull/edit/<token>).
      const custom =
        routes.get(url.pathname) ??
        [...routes].find(([path]) => path.endsWith('/') && url.pathname.startsWith(path))?.[1];
      if (custom) return void (await custom(req, res));
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      if (rel.startsWith('..')) return void res.writeHead(400).end();
      const body = await readFile(join(fixturesDir, rel)).catch(() => null);
      if (!body) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      const etag = `"${body.length.toString(16)}-${hash(body)}"`;
      const lastModified = 'Mon, 02 Nov 2026 10:00:00 GMT';
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': contentType(rel), etag, 'last-modified': lastModified });
      res.end(body);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function hash(buf: Buffer): string {
  let h = 2166136261;
  for (const b of buf) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h.toString(16);
}

function contentType(path: string): string {
  if (path.endsWith('.ics')) return 'text/calendar; charset=utf-8';
  if (path.endsWith('.json')) return 'application/feed+json';
  if (path.endsWith('.atom')) return 'application/atom+xml';
  if (path.endsWith('.html')) return 'text/html; charset=utf-8';
  if (path.endsWith('.opml')) return 'text/x-opml';
  return 'application/xml';
}
