/**
 * Serves the simulated federation (federation.ts) on 127.0.0.1, in its own process so that the
 * hub's memory and CPU figures are the hub's alone. Members are spread over `--hosts` ports
 * (a federation has many hosts; the fetcher limits concurrency per host). Answers with ETag
 * and Last-Modified, 304 to a matching conditional request (without rendering anything).
 *
 *   node --import tsx bench/ingest/server.ts --sources 1000 --items 50 [--hosts 50] [--gzip] [--delay-ms 1000 [--slow-from 3]]
 *
 * Started by bench/ingest/index.ts and bench/load.ts; reports its ports over IPC (or prints them
 * as JSON on stdout when run alone). Counts requests by status on GET /_stats.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { benchSource, renderSource, validators, type BaseOf } from './federation.ts';

export interface FederationOptions {
  sources: number;
  items: number;
  hosts: number;
  gzip: boolean;
  /** Epoch ms the stories are dated from (fixed for the server's life: content never changes). */
  now: number;
  /** Members from this index on answer after `delayMs` (slow servers, for fault tests). */
  slowFrom?: number;
  delayMs?: number;
}

export interface FederationPorts {
  ports: number[];
  stats: string;
}

export function argValue(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`--${name} takes a positive number (got ${argv[i + 1]})`);
  return v;
}

/** URL of source `i`'s feed, given the server's ports. */
export function feedUrl(ports: number[], i: number): string {
  return `http://127.0.0.1:${ports[i % ports.length]}${benchSource(i).path}`;
}

export async function serveFederation(
  options: FederationOptions,
): Promise<FederationPorts & { close(): Promise<void> }> {
  const ports: number[] = [];
  const baseOf: BaseOf = (i) => `http://127.0.0.1:${ports[i % ports.length]}`;
  const counts: Record<string, number> = {};
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/_stats')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(counts));
    const m = /^\/reseau-(\d{4})\//.exec(path);
    const i = m ? Number(m[1]) : -1;
    const count = (status: number) => (counts[status] = (counts[status] ?? 0) + 1);
    if (i < 0 || i >= options.sources || benchSource(i).path !== path) {
      count(404);
      return void res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('page introuvable');
    }
    if (options.delayMs && i >= (options.slowFrom ?? 0)) {
      setTimeout(() => answer(i, req, res, count), options.delayMs);
      return;
    }
    answer(i, req, res, count);
  };
  const answer = (
    i: number,
    req: IncomingMessage,
    res: ServerResponse,
    count: (status: number) => void,
  ) => {
    const { etag, lastModified } = validators(i, options.items);
    if (
      req.headers['if-none-match'] === etag ||
      (!req.headers['if-none-match'] && req.headers['if-modified-since'] === lastModified)
    ) {
      count(304);
      return void res.writeHead(304, { etag, 'last-modified': lastModified }).end();
    }
    const feed = renderSource(baseOf, i, options.items, options.sources, options.now);
    let body: Buffer = Buffer.from(feed.body);
    const headers: Record<string, string | number> = {
      'content-type': feed.contentType,
      etag,
      'last-modified': lastModified,
    };
    if (options.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    count(200);
    res.writeHead(200, headers).end(body);
  };
  const servers: Server[] = [];
  for (let h = 0; h < options.hosts; h++) {
    const server = createServer(handler);
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as AddressInfo).port);
    servers.push(server);
  }
  return {
    ports,
    stats: `http://127.0.0.1:${ports[0]}/_stats`,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/**
 * The federation served by a process of its own (this file, with `args` as on its command
 * line), as the benches and the fault tests run it: a process that pulls, or waits on a lock,
 * must not also be the one serving the members. Resolves once every port listens.
 */
export async function spawnFederation(
  args: string[],
): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { ports: number[] }).ports));
    child.once('exit', (code) =>
      reject(new Error(`the federation server exited (code ${code}) before listening`)),
    );
  });
  return { child, ports };
}

// By name: the hub's bundle (bench/ingest/index.ts) includes this module for argValue and feedUrl.
const isMain = /bench\/ingest\/server\.ts$/.test(process.argv[1] ?? '');
if (isMain) {
  const argv = process.argv.slice(2);
  const options: FederationOptions = {
    sources: argValue(argv, 'sources', 1000),
    items: argValue(argv, 'items', 50),
    hosts: argValue(argv, 'hosts', 50),
    gzip: argv.includes('--gzip'),
    now: argValue(argv, 'now', Date.now()),
    slowFrom: argv.includes('--slow-from') ? Number(argv[argv.indexOf('--slow-from') + 1]) : 0,
    delayMs: argv.includes('--delay-ms') ? argValue(argv, 'delay-ms', 0) : 0,
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(0));
  serveFederation(options).then(
    ({ ports, stats }) => {
      if (process.send) process.send({ ports, stats });
      else console.log(JSON.stringify({ ports, stats }));
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
  process.on('disconnect', () => process.exit(0));
}
