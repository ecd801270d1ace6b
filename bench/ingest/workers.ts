/**
 * bench/ingest against the Workers build (npm run bench:ingest:workers): the same simulated
 * federation, pulled by `wrangler dev` (workerd, local D1, local Queues) the way production
 * does it — the pull Cron Trigger (fired through /__scheduled) enqueues the due sources, the
 * queue consumer pulls them ten at a time; for the second pull (all 304), when nothing is due
 * yet, POST /api/admin/pull?queue=1 enqueues them. The federation is loaded through the admin API
 * (PUT /api/admin/networks). Wall time runs until every source has been fetched and every pull
 * run recorded since the trigger has finished (GET /api/admin/sources and /api/admin/pulls).
 * Memory is workerd's (the process running the Worker), sampled every 50 ms. Subrequests are
 * what each queue invocation logged ('queue subrequests': D1 queries, fetches, store turns,
 * counted at their seams by workers/cloudflare/subrequests.ts), per batch of up to 10 sources.
 *
 *   npm run bench:ingest:workers -- [--sources 250] [--items 50] [--hosts 50] [--port 8799] [--admin-pull]
 *
 * --admin-pull triggers through POST /api/admin/pull (one request pulls everything) instead of
 * the cron and the queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { federationYaml } from './federation.ts';
import { argValue, feedUrl, spawnFederation } from './server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'bench-admin-token';
const wranglerBin = join(root, 'node_modules/.bin/wrangler');

interface Phase {
  ms: number;
  fetched: number;
  ok: number;
  notModified: number;
  failed: number;
  newItems: number;
  runs: number;
  peakRss: number | null;
  /** workerd's CPU seconds during the phase (see cpuOf). */
  cpu: number;
  /** Per queue invocation of the phase, as it logged them. */
  batches: BatchCount[];
}

interface BatchCount {
  messages: number;
  total: number;
  d1: number;
  fetch: number;
  durable_object: number;
}

/** The 'queue subrequests' lines wrangler printed in `text` (see workers/cloudflare.ts). */
function batchCounts(text: string): BatchCount[] {
  const out: BatchCount[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('{"level":"info","msg":"queue subrequests"');
    if (at === -1) continue;
    try {
      out.push(JSON.parse(line.slice(at)) as BatchCount);
    } catch {
      /* a line cut by the pipe */
    }
  }
  return out;
}

/** "min / median / max" of `key` over the batches of `size` messages. */
function spread(batches: BatchCount[], key: keyof BatchCount, size: number): string {
  const v = batches
    .filter((b) => b.messages === size)
    .map((b) => b[key])
    .sort((a, b) => a - b);
  return v.length ? `${v[0]} / ${v[Math.floor(v.length / 2)]} / ${v[v.length - 1]}` : '–';
}

/** Runs wrangler to completion; throws with its output when it fails. */
function wrangler(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(wranglerBin, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', (err) =>
      reject(new Error(`cannot run wrangler (${wranglerBin}): ${err.message}`)),
    );
    proc.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new Error(`wrangler ${args.join(' ')} failed (exit ${code}):\n${out.slice(-3000)}`),
          ),
    );
  });
}

/** Starts `wrangler dev`; resolves once /healthz answers, rejects with wrangler's output if it exits or stays silent. */
async function startDev(
  port: number,
  persist: string,
  env: NodeJS.ProcessEnv,
): Promise<{ proc: ChildProcess; base: string; output: () => string }> {
  const args = [
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    persist,
    '--test-scheduled',
    '--show-interactive-dev-session=false',
    '--var',
    'HUB_ALLOW_PRIVATE_HOSTS:1',
    '--var',
    `HUB_ADMIN_TOKEN:${TOKEN}`,
    '--var',
    // info: the queue invocations' subrequest counts are read from the log.
    `HUB_LOG_LEVEL:${process.env.HUB_LOG_LEVEL ?? 'info'}`,
  ];
  const proc = spawn(wranglerBin, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  let exited: string | null = null;
  proc.on('exit', (code, signal) => (exited = `exited (code ${code}, signal ${signal})`));
  proc.on('error', (err) => (exited = `could not start: ${err.message}`));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev ${exited}:\n${out.slice(-3000)}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return { proc, base, output: () => out };
    await new Promise((r) => setTimeout(r, 500));
  }
  stopDev(proc);
  throw new Error(`wrangler dev did not answer on ${base} within 90 s:\n${out.slice(-3000)}`);
}

function stopDev(proc: ChildProcess): void {
  // wrangler runs workerd as its child: end the whole group it leads.
  try {
    if (proc.pid) process.kill(-proc.pid, 'SIGTERM');
  } catch {
    proc.kill('SIGTERM');
  }
}

/** The workerd processes started under `pid` (Linux /proc); empty elsewhere. */
function workerdPids(pid: number): number[] {
  try {
    const parents = new Map<number, number>();
    const names = new Map<number, string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        parents.set(Number(entry), ppid);
        names.set(Number(entry), name);
      } catch {
        /* gone */
      }
    }
    const isDescendant = (p: number): boolean => {
      for (let cur = parents.get(p); cur !== undefined && cur > 1; cur = parents.get(cur))
        if (cur === pid) return true;
      return false;
    };
    return [...names].filter(([p, name]) => name === 'workerd' && isDescendant(p)).map(([p]) => p);
  } catch {
    return [];
  }
}

/**
 * CPU seconds (user + system) the processes have used so far (/proc/PID/stat). workerd runs
 * the Worker and, locally, D1's SQLite too: an upper bound of what the Worker's own CPU time
 * would be on Cloudflare, where D1 runs elsewhere.
 */
function cpuOf(pids: number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

function rssOf(pids: number[]): number | null {
  let total = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* gone */
    }
  }
  return pids.length ? total : null;
}

async function admin(base: string, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** No source fetched for this long: the run is stuck (reported with wrangler's output). */
const STALL_MS = 120_000;

async function phase(
  base: string,
  sources: number,
  workerd: number[],
  viaAdmin: boolean,
  first: boolean,
  output: () => string,
): Promise<Phase> {
  let peak: number | null = null;
  const sampler = setInterval(() => {
    const rss = rssOf(workerd);
    if (rss !== null) peak = Math.max(peak ?? 0, rss);
  }, 50);
  const logFrom = output().length;
  const cpu0 = cpuOf(workerd);
  const t0 = Date.now();
  try {
    if (viaAdmin) await admin(base, '/api/admin/pull', { method: 'POST' });
    else if (!first) {
      // Every source was just pulled, so none is due for the schedule (never twice within
      // 10 minutes): the coordinator's "pull everything now, through the queue" instead.
      const { dispatched } = await admin(base, '/api/admin/pull?queue=1', { method: 'POST' });
      if (dispatched !== sources)
        throw new Error(
          `POST /api/admin/pull?queue=1 dispatched ${dispatched} sources, not ${sources}`,
        );
    } else {
      const res = await fetch(
        `${base}/__scheduled?cron=${encodeURIComponent('*/30 * * * *').replace(/%20/g, '+')}`,
      );
      if (!res.ok)
        throw new Error(`/__scheduled → ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    // Until every source was fetched and every run started since t0 is finished.
    let progress = { fetched: -1, at: Date.now() };
    let shown = Date.now();
    for (;;) {
      const [{ sources: rows }, { pulls: runs }] = await Promise.all([
        admin(base, '/api/admin/sources'),
        admin(base, '/api/admin/pulls?limit=200'),
      ]);
      const fetched = (rows as Array<{ last_fetch_at: string | null }>).filter(
        (s) => s.last_fetch_at && Date.parse(s.last_fetch_at) >= t0,
      ).length;
      const mine = (
        runs as Array<{
          started_at: string;
          finished_at: string | null;
          ok: number;
          not_modified: number;
          failed: number;
          new_items: number;
        }>
      ).filter((p) => Date.parse(p.started_at) >= t0);
      if (fetched >= sources && mine.length && mine.every((p) => p.finished_at)) {
        const ms = Math.max(...mine.map((p) => Date.parse(p.finished_at!))) - t0;
        const sum = (k: 'ok' | 'not_modified' | 'failed' | 'new_items') =>
          mine.reduce((n, p) => n + p[k], 0);
        return {
          ms,
          fetched,
          ok: sum('ok'),
          notModified: sum('not_modified'),
          failed: sum('failed'),
          newItems: sum('new_items'),
          runs: mine.length,
          peakRss: peak,
          cpu: cpuOf(workerd) - cpu0,
          // Whatever the last invocation logs after its run is stamped comes within a moment.
          batches: await new Promise<BatchCount[]>((resolve) =>
            setTimeout(() => resolve(batchCounts(output().slice(logFrom))), 500),
          ),
        };
      }
      if (fetched !== progress.fetched) progress = { fetched, at: Date.now() };
      if (Date.now() - shown > 15_000) {
        shown = Date.now();
        process.stdout.write(
          `  … ${fetched}/${sources} sources fetched, ${mine.length} runs (${mine.filter((p) => !p.finished_at).length} unfinished), ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
        );
      }
      if (Date.now() - progress.at > STALL_MS) {
        throw new Error(
          `stuck: ${fetched}/${sources} sources fetched, nothing new for ${STALL_MS / 1000} s; ${mine.filter((p) => !p.finished_at).length} runs never finished.\nwrangler output (end):\n${output().slice(-4000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sources = argValue(argv, 'sources', 250);
  const items = argValue(argv, 'items', 50);
  const hosts = argValue(argv, 'hosts', 50);
  const port = argValue(argv, 'port', 8799);
  const viaAdmin = argv.includes('--admin-pull');
  const persist = mkdtempSync(join(tmpdir(), 'hub-bench-workers-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' };
  const { child: server, ports } = await spawnFederation([
    '--sources',
    String(sources),
    '--items',
    String(items),
    '--hosts',
    String(hosts),
  ]);
  let dev: Awaited<ReturnType<typeof startDev>> | null = null;
  try {
    console.log(
      `bench:ingest:workers — ${cpus().length} cores, wrangler dev (workerd, local D1${viaAdmin ? '' : ', local Queues'}), ${sources} sources × ${items} items`,
    );
    await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], env);
    dev = await startDev(port, persist, env);
    const workerd = workerdPids(dev.proc.pid!);
    const yamlPath = join(persist, 'networks.yaml');
    writeFileSync(
      yamlPath,
      federationYaml(sources, (i) => feedUrl(ports, i)),
    );
    const sync = await admin(dev.base, '/api/admin/networks', {
      method: 'PUT',
      headers: { 'content-type': 'text/yaml' },
      body: readFileSync(yamlPath, 'utf8'),
    });
    if (sync.sources.added !== sources)
      throw new Error(
        `the admin API added ${sync.sources.added} sources, not ${sources}: ${JSON.stringify(sync)}`,
      );
    const idle = rssOf(workerd);

    const cold = await phase(dev.base, sources, workerd, viaAdmin, true, dev.output);
    const warm = await phase(dev.base, sources, workerd, viaAdmin, false, dev.output);
    const mb = (b: number | null) => (b === null ? '–' : `${(b / 1024 / 1024).toFixed(0)} MB`);
    console.log(
      `\n${'run'.padEnd(10)} ${'wall'.padStart(9)} ${'items/s'.padStart(9)} ${'src/s'.padStart(7)} ${'workerd RSS'.padStart(12)} ${'ok/304/err'.padStart(14)} runs`,
    );
    for (const [label, p] of [
      ['cold', cold],
      ['all-304', warm],
    ] as const) {
      const s = p.ms / 1000;
      console.log(
        `${label.padEnd(10)} ${`${s.toFixed(2)} s`.padStart(9)} ${(label === 'cold' ? (p.newItems / s).toFixed(0) : '–').padStart(9)} ${(p.fetched / s).toFixed(0).padStart(7)} ${mb(p.peakRss).padStart(12)} ${`${p.ok}/${p.notModified}/${p.failed}`.padStart(14)} ${p.runs}`,
      );
    }
    if (!viaAdmin) {
      console.log(
        '\nsubrequests per queue invocation of 10 sources (min / median / max; target ≤ 40):',
      );
      for (const [label, p] of [
        ['cold', cold],
        ['all-304', warm],
      ] as const)
        console.log(
          `${label.padEnd(10)} total ${spread(p.batches, 'total', 10)}  ·  D1 ${spread(p.batches, 'd1', 10)}  ·  fetch ${spread(p.batches, 'fetch', 10)}  ·  store turns ${spread(p.batches, 'durable_object', 10)}  (${p.batches.length} invocations)`,
        );
      const worst = Math.max(
        0,
        ...cold.batches.filter((b) => b.messages === 10).map((b) => b.total),
      );
      console.log(
        `target (issue 19): ≤ 40 subrequests per 10-source invocation on a first pull: ${worst || '–'} at most — ${worst && worst <= 40 ? 'met' : 'NOT met'}`,
      );
      // What decides the plan (README, "Which Workers plan"): the Free plan allows 10 ms of CPU
      // per invocation, Paid 30 s by default.
      for (const [label, p] of [
        ['cold', cold],
        ['all-304', warm],
      ] as const)
        console.log(
          `${label.padEnd(10)} workerd CPU ${p.cpu.toFixed(2)} s, ${p.batches.length ? ((p.cpu * 1000) / p.batches.length).toFixed(0) : '–'} ms per invocation (Worker and local D1 together: an upper bound)`,
        );
    }
    console.log(
      `\nworkerd idle RSS ${mb(idle)} (pids ${workerd.join(', ') || 'not found'}); ${cold.newItems} entries stored (expected ${sources * items})`,
    );
    const rate = cold.newItems / (cold.ms / 1000);
    console.log(
      `targets: cold ≥ 2,000 items/s: ${rate.toFixed(0)} — ${rate >= 2000 ? 'met' : 'NOT met'}; all-304 < 5 s: ${(warm.ms / 1000).toFixed(2)} s — ${warm.ms < 5000 && warm.notModified === sources ? 'met' : 'NOT met'}`,
    );
  } finally {
    if (dev) stopDev(dev.proc);
    server.kill();
    rmSync(persist, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(String(err?.message ?? err));
    process.exit(1);
  },
);
