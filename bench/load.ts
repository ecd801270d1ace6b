/**
 * Serving under load while a pull runs (npm run bench:load): autocannon on /feed.xml and /agenda
 * of a hub that is, in the same process, pulling the simulated federation of bench/ingest —
 * what a Node deployment does when its schedule fires during a busy hour.
 *
 *   npm run bench:load -- [--sources 300] [--items 50] [--seconds 20] [--connections 8]
 *
 * Three processes: the federation (bench/ingest/server.ts), the hub (this file with --hub: a
 * fresh SQLite file, the first tenth of the federation pulled beforehand so the feed has stories,
 * then the HTTP server), and this one, which loads the hub. After a 5 s warm-up without a pull,
 * the pull of every source starts and the load goes on for --seconds. Prints, per 5 s window and
 * per route: requests per second, p50 and p99 latency, errors (non-2xx/3xx answers, socket
 * errors, timeouts), and whether the pull was running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { loadConfig } from '../src/env.ts';
import { silentLogger } from '../src/deps.ts';
import { nodeDeps } from '../workers/node/deps.ts';
import { startServer } from '../workers/node/serve.ts';
import { pull } from '../src/ingest/pull.ts';
import { federationYaml } from './ingest/federation.ts';
import { argValue, feedUrl, spawnFederation } from './ingest/server.ts';
import { loadFederation } from './ingest/load-federation.ts';

const WINDOW_MS = 5_000;
const WARMUP_MS = 5_000;
const ROUTES = ['/feed.xml', '/agenda'];

// ---------------------------------------------------------------------------------------------
// The hub process.

async function runHub(argv: string[]): Promise<void> {
  const ports = argv[argv.indexOf('--ports') + 1]!.split(',').map(Number);
  const sources = argValue(argv, 'sources', 300);
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-load-'));
  const deps = nodeDeps({
    config: loadConfig({ HUB_DB: join(dir, 'hub.sqlite'), HUB_ALLOW_PRIVATE_HOSTS: '1' }),
    log: silentLogger,
  });
  // The first tenth, pulled before the load: the feed has stories from the start.
  const head = Math.max(1, Math.floor(sources / 10));
  await loadFederation(
    deps,
    federationYaml(head, (i) => feedUrl(ports, i)),
  );
  await pull(deps, { trigger: 'bench', all: true });
  await loadFederation(
    deps,
    federationYaml(sources, (i) => feedUrl(ports, i)),
  );
  const { port } = await startServer(deps, 0, '127.0.0.1');
  process.on('message', (m) => {
    if (m !== 'pull') return;
    const t0 = Date.now();
    pull(deps, { trigger: 'bench', all: true }).then(
      (s) =>
        process.send!({
          pulled: {
            ms: Date.now() - t0,
            sources: s.sources,
            newItems: s.newItems,
            failed: s.failed,
          },
        }),
      (err) => process.send!({ pullError: String(err) }),
    );
  });
  process.send!({ port });
}

// ---------------------------------------------------------------------------------------------
// The load.

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

type Cannon = EventEmitter & PromiseLike<unknown> & { stop(): void };

function load(url: string, seconds: number, connections: number, samples: Sample[]): Cannon {
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
  }) as unknown as Cannon;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) =>
    samples.push({ at: Date.now(), ms, ok: status < 400 }),
  );
  instance.on('reqError', () => samples.push({ at: Date.now(), ms: 0, ok: false }));
  instance.on('timeout', () => samples.push({ at: Date.now(), ms: 10_000, ok: false }));
  return instance;
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

function child(args: string[]): ChildProcess {
  return fork(fileURLToPath(import.meta.url).replace(/load\.ts$/, args[0]!), args.slice(1), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function message<T>(proc: ChildProcess, key: string, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        proc.off('message', onMessage);
        resolve(m[key] as T);
      } else if ('pullError' in m) reject(new Error(String(m.pullError)));
    };
    proc.on('message', onMessage);
    proc.once('exit', (code) => reject(new Error(`${what} exited (code ${code})`)));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sources = argValue(argv, 'sources', 300);
  const items = argValue(argv, 'items', 50);
  const seconds = argValue(argv, 'seconds', 20);
  const connections = argValue(argv, 'connections', 8);
  const { child: server, ports } = await spawnFederation([
    '--sources',
    String(sources),
    '--items',
    String(items),
    '--hosts',
    '50',
  ]);
  let hub: ChildProcess | null = null;
  try {
    hub = child([
      'load.ts',
      '--hub',
      '--ports',
      ports.join(','),
      '--sources',
      String(sources),
      '--items',
      String(items),
    ]);
    const port = await message<number>(hub, 'port', 'the hub');
    console.log(
      `bench:load — hub on 127.0.0.1:${port}, ${sources} sources × ${items} items, ${connections} connections per route, ${WARMUP_MS / 1000} s before the pull + ${seconds} s\n`,
    );

    const samples = new Map(ROUTES.map((r) => [r, [] as Sample[]]));
    const start = Date.now();
    const cannons = ROUTES.map((r) =>
      load(
        `http://127.0.0.1:${port}${r}`,
        WARMUP_MS / 1000 + seconds,
        connections,
        samples.get(r)!,
      ),
    );
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const pullStart = Date.now();
    let pullEnd: number | null = null;
    const pulled = message<{ ms: number; sources: number; newItems: number; failed: number }>(
      hub,
      'pulled',
      'the hub',
    ).then((p) => {
      pullEnd = Date.now();
      return p;
    });
    hub.send('pull');
    await Promise.all(cannons);

    console.log(
      `${'window'.padEnd(12)} ${'route'.padEnd(10)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}  pull`,
    );
    // Whole windows of the load only (the last responses trickle in after its end).
    const end = start + WARMUP_MS + seconds * 1000;
    let totalErrors = 0;
    for (let w = start; w + WINDOW_MS <= end + 100; w += WINDOW_MS) {
      for (const route of ROUTES) {
        const inWindow = samples.get(route)!.filter((s) => s.at >= w && s.at < w + WINDOW_MS);
        const latencies = inWindow
          .filter((s) => s.ok)
          .map((s) => s.ms)
          .sort((a, b) => a - b);
        const errors = inWindow.filter((s) => !s.ok).length;
        totalErrors += errors;
        const running = w + WINDOW_MS > pullStart && (pullEnd === null || w < pullEnd);
        const label = `${((w - start) / 1000).toFixed(0)}–${((w - start + WINDOW_MS) / 1000).toFixed(0)} s`;
        console.log(
          `${label.padEnd(12)} ${route.padEnd(10)} ${(inWindow.length / (WINDOW_MS / 1000)).toFixed(0).padStart(7)} ${pct(latencies, 50).toFixed(1).padStart(7)} ${pct(latencies, 99).toFixed(1).padStart(7)} ${String(errors).padStart(7)}  ${running ? 'running' : '–'}`,
        );
      }
    }
    const race = await Promise.race([
      pulled,
      new Promise<null>((r) => setTimeout(() => r(null), 1)),
    ]);
    if (race)
      console.log(
        `\npull: ${race.sources} sources, ${race.newItems} new items in ${(race.ms / 1000).toFixed(1)} s (${race.failed} failed) — finished within the load`,
      );
    else
      console.log(
        `\npull still running when the load ended (started ${((Date.now() - pullStart) / 1000).toFixed(0)} s ago): the whole load window had a pull running`,
      );
    console.log(`errors (non-2xx/3xx, socket errors, timeouts): ${totalErrors}`);
  } finally {
    hub?.kill();
    server.kill();
  }
}

if (process.argv.includes('--hub')) {
  runHub(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
