/**
 * Serving throughput: /feed.xml with 10,000 stories in the store, plain and with If-None-Match,
 * against a bare Hono "hello" route, in the same run (npm run bench:serve).
 *
 * The servers run in a child process (`--server`), the load generator (wrk, else autocannon)
 * outside it. Prints req/s and p99 latency for each case and the ratios to
 * the bare route (targets: feed ≥ 50 %, 304 ≥ 80 %). A bare route sending the same bytes as
 * the feed from a constant shows what the body size alone costs. BENCH_SECONDS, BENCH_ROUNDS
 * tune the run.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { loadConfig } from '../src/env.ts';
import { silentLogger } from '../src/deps.ts';
import { nodeDeps } from '../workers/node/deps.ts';
import { startServer } from '../workers/node/serve.ts';
import { createApp } from '../src/app.ts';
import { networks, sources } from '../src/db/schema/index.ts';
import { storeFeedItems } from '../src/ingest/store-feed.ts';
import { writeHubSettings } from '../src/db/hub-settings.ts';
import type { ParsedItem } from '../src/ingest/types.ts';

const ITEMS = 10_000;
const NETWORKS = 20;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 32;
const execFileAsync = promisify(execFile);

const paragraph =
  '<p>L’économie sociale et solidaire rassemble des <a href="https://exemple.org/coop">coopératives</a>, mutuelles et associations qui partagent une gouvernance démocratique et une lucrativité limitée.</p>';

/** A story of realistic size: ~1.5 KB of HTML content, a summary, two categories, sometimes an enclosure. */
function story(net: number, i: number, t: number): ParsedItem {
  return {
    guid: `n${net}-i${i}`,
    url: `https://reseau-${net}.example/actualites/${i}-rencontre-cooperative`,
    title: `Rencontre ${i} du réseau ${net} : coopérer sur le territoire, édition ${i % 97}`,
    published: new Date(t - i * 600_000 - net * 7_000),
    updated: null,
    author: `Équipe du réseau ${net}`,
    summary:
      'L’économie sociale et solidaire rassemble des coopératives, mutuelles et associations.',
    contentHtml: `<h2>Actualité ${i}</h2>${paragraph.repeat(6)}`,
    categories: ['ESS', `thème-${i % 12}`],
    enclosures:
      i % 10 === 0
        ? [
            {
              url: `https://reseau-${net}.example/media/${i}.mp3`,
              type: 'audio/mpeg',
              length: 1_234_567,
            },
          ]
        : [],
  };
}

async function runServer(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-serve-'));
  const config = loadConfig({
    HUB_DB: join(dir, 'hub.sqlite'),
    // Seeds whole networks at once: the flood quota is not what this measures.
    HUB_MAX_NEW_PER_PULL: '1000000',
  });
  const deps = nodeDeps({ config, log: silentLogger });
  await writeHubSettings(deps.db, {
    title: 'Intercoop',
    baseUrl: 'https://hub.example.org',
    language: 'fr',
    timezone: 'Europe/Paris',
  });
  const t = Date.now();
  const perNetwork = ITEMS / NETWORKS;
  for (let n = 0; n < NETWORKS; n++) {
    const slug = `reseau-${n}`;
    await deps.db.orm.insert(networks).values({
      slug,
      name: `Réseau ${n}`,
      territory: n % 2 ? 'Bretagne' : 'Occitanie',
      tags: ['ess'],
      createdAt: t,
      updatedAt: t,
    });
    const url = `https://${slug}.example/feed.xml`;
    const [src] = await deps.db.orm
      .insert(sources)
      .values({ networkSlug: slug, kind: 'feed', url, fetchUrl: url, createdAt: t })
      .returning();
    const batch = Array.from({ length: perNetwork }, (_, i) => story(n, i, t));
    await storeFeedItems(deps, src!, batch, { dedupe: false });
  }
  const hub = await startServer(deps, 0, '127.0.0.1');
  // The bare routes: "hello", and the same bytes as /feed.xml from a constant (the cost of the
  // body alone, an upper bound for any feed of that size).
  const feedBytes = new Uint8Array(
    await (await createApp(deps).request('/feed.xml')).arrayBuffer(),
  );
  const bare = new Hono()
    .get('/hello', (c) => c.text('hello'))
    .get(
      '/static-feed',
      () =>
        new Response(feedBytes, {
          headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
        }),
    );
  const bareServer = await new Promise<number>((resolve) => {
    serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  const ports = { hubPort: hub.port, barePort: bareServer };
  if (process.send) process.send(ports);
  else console.log(JSON.stringify(ports)); // standalone (profiling): `node --import tsx bench/serve.ts --server`
}

interface Figures {
  name: string;
  rps: number;
  p99: number;
  non2xx: number;
  statusOk: boolean;
}

/**
 * The load generator. wrk (Debian: `apt-get install wrk`) when installed: written in C, it
 * reads 100 KB answers at ~11,000 req/s on this machine where autocannon, in JavaScript, tops
 * out near 2,300 (its parser, not the server: a raw Node server sending the feed's bytes gives
 * the same figure), which would hide the server's own cost. autocannon otherwise.
 */
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((path) => existsSync(path)) ?? null;

async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
  expectStatus: number,
  seconds: number,
): Promise<Figures> {
  return WRK
    ? measureWrk(WRK, name, url, headers, expectStatus, seconds)
    : measureAutocannon(name, url, headers, expectStatus, seconds);
}

async function measureWrk(
  wrk: string,
  name: string,
  url: string,
  headers: Record<string, string>,
  expectStatus: number,
  seconds: number,
): Promise<Figures> {
  const args = [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  const { stdout } = await execFileAsync(wrk, args);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const p99 = wrkMs(/\s99%\s+([\d.]+)(us|ms|s)/.exec(stdout));
  // wrk counts statuses outside 2xx/3xx only: the expected one is checked on a sample below.
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0) +
    Number(/Socket errors:.*?(\d+)/.exec(stdout)?.[1] ?? 0);
  const sample = await fetch(url, { headers });
  await sample.arrayBuffer();
  return {
    name,
    rps,
    p99,
    non2xx: errors,
    statusOk: errors === 0 && sample.status === expectStatus,
  };
}

function wrkMs(m: RegExpExecArray | null): number {
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

async function measureAutocannon(
  name: string,
  url: string,
  headers: Record<string, string>,
  expectStatus: number,
  seconds: number,
): Promise<Figures> {
  let wrongStatus = 0;
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: seconds,
    setupClient: (client: { on(event: string, cb: (status: number) => void): void }) => {
      client.on('response', (status: number) => {
        if (status !== expectStatus) wrongStatus++;
      });
    },
  });
  return {
    name,
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    statusOk: wrongStatus === 0,
  };
}

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--server'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = Date.now();
  const ports = await new Promise<{ hubPort: number; barePort: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { hubPort: number; barePort: number }));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  console.log(
    `seeded ${ITEMS} stories from ${NETWORKS} networks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  try {
    const feedUrl = `http://127.0.0.1:${ports.hubPort}/feed.xml`;
    const first = await fetch(feedUrl);
    const body = await first.text();
    const etag = first.headers.get('etag')!;
    console.log(
      `/feed.xml: ${(body.length / 1024).toFixed(0)} KB, ${body.split('<item>').length - 1} items, ETag ${etag}`,
    );
    const bareUrl = `http://127.0.0.1:${ports.barePort}`;
    const cases: [string, string, Record<string, string>, number][] = [
      ['bare Hono /hello', `${bareUrl}/hello`, {}, 200],
      ['bare Hono, constant 100 KB body', `${bareUrl}/static-feed`, {}, 200],
      ['/feed.xml', feedUrl, {}, 200],
      ['/feed.xml, Accept-Encoding: gzip', feedUrl, { 'accept-encoding': 'gzip' }, 200],
      ['/feed.xml + If-None-Match (304)', feedUrl, { 'if-none-match': etag }, 304],
    ];
    // Warm-up (JIT, caches), then rounds that interleave the cases. Other work on the machine
    // moves absolute figures a lot, so each ratio is taken within a round (same conditions)
    // and the median round is reported.
    for (const [name, url, headers, status] of cases) await measure(name, url, headers, status, 2);
    const rounds: Figures[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const figures: Figures[] = [];
      for (const [name, url, headers, status] of cases)
        figures.push(await measure(name, url, headers, status, DURATION_S));
      rounds.push(figures);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const summary = cases.map(([name], i) => ({
      name,
      rps: median(rounds.map((r) => r[i]!.rps)),
      p99: median(rounds.map((r) => r[i]!.p99)),
      ratio: median(rounds.map((r) => r[i]!.rps / r[0]!.rps)),
      statusOk: rounds.every((r) => r[i]!.statusOk),
    }));
    console.log(
      `\n${WRK ? 'wrk, 1 thread' : 'autocannon (install wrk for body-heavy cases)'}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION_S} s, medians\n`,
    );
    console.log(
      'case'.padEnd(36),
      'req/s'.padStart(9),
      'p99 ms'.padStart(8),
      'vs bare'.padStart(8),
    );
    for (const f of summary) {
      console.log(
        f.name.padEnd(36),
        f.rps.toFixed(0).padStart(9),
        String(f.p99).padStart(8),
        `${(f.ratio * 100).toFixed(0)} %`.padStart(8),
        f.statusOk ? '' : '(unexpected statuses!)',
      );
    }
    const [, , feed, gzipped, notModified] = summary;
    const gz = await fetch(feedUrl, { headers: { 'accept-encoding': 'gzip' } });
    await gz.arrayBuffer();
    if (gz.headers.get('content-encoding') !== 'gzip') console.log('(gzip copy missing!)');
    const feedOk = feed!.ratio >= 0.5;
    const nmOk = notModified!.ratio >= 0.8;
    const gzOk = gzipped!.ratio >= 0.5;
    console.log(
      `\ntargets: feed ≥ 50 % of bare: ${feedOk ? 'met' : 'NOT met'} (identity), ${gzOk ? 'met' : 'NOT met'} (gzip); 304 ≥ 80 %: ${nmOk ? 'met' : 'NOT met'}`,
    );
  } finally {
    child.kill();
  }
}

if (process.argv.includes('--server')) {
  // A clean exit on signals, so `node --cpu-prof` writes its profile.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(0));
  runServer().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
