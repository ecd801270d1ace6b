/**
 * What hostile calendars cost (npm run bench:hostile), the figures of issue 14's closing note:
 *
 *   npm run bench:hostile -- [--hub DIR] [--docs huge,exdates,hang,capped] [--timeout 60]
 *
 * 1. Wall and CPU time of reading each document (bench/hostile-one.ts, a fresh process each,
 *    killed after --timeout seconds: the old reader never returned on the hanging rules).
 * 2. `intercoop serve` pulling the large ones (not the hanging rules: the old reader never
 *    finished that pull) from a local HTTP server: /healthz polled every 20 ms during the
 *    start-up pull (p50, p99, slowest answer) and each source's outcome.
 * --hub points at another checkout of the hub (its bin/intercoop.js) to measure it the same
 * way, e.g. the commit before issue 14's work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureServer } from '../test/support/fixture-server.ts';
import { hangingRules, manyEvents, manyExdates } from '../test/support/hostile-calendars.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const hubDir = resolve(arg('hub') ?? '.');
const hub = join(hubDir, 'bin/intercoop.js');
const timeoutMs = Number(arg('timeout') ?? 60) * 1000;
const all: Record<string, () => string> = {
  // A 4-event calendar: its time is the process's start-up, to subtract from the others.
  tiny: () => manyEvents(4, Date.UTC(2026, 9, 1)),
  huge: () => manyEvents(60_000),
  exdates: () => manyExdates(100_000),
  hang: hangingRules,
  capped: () => manyEvents(8000, Date.UTC(2026, 6, 1)),
};
const names = (arg('docs') ?? Object.keys(all).join(',')).split(',');
const docs = Object.fromEntries(names.map((n) => [n, all[n]!()]));
const dir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));

function timed(child: ChildProcess): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ ms: performance.now() - started, code });
    });
  });
}

console.log(`hub: ${hub}\n\n1. one read per document (its own process), wall and CPU time`);
for (const [name, text] of Object.entries(docs)) {
  const file = join(dir, `${name}.ics`);
  writeFileSync(file, text);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./hostile-one.ts', import.meta.url)), hubDir, file],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  const { code } = await timed(child);
  const size = `${(text.length / 1e6).toFixed(1)} MB`;
  if (code === 0) {
    const r = JSON.parse(out) as { wallMs: number; cpuMs: number; events: number };
    console.log(
      `  ${name.padEnd(8)} ${size}  wall ${r.wallMs} ms, CPU ${r.cpuMs} ms, ${r.events} events`,
    );
  } else
    console.log(
      `  ${name.padEnd(8)} ${size}  ${code === null ? `still reading after ${timeoutMs / 1000} s (killed)` : `exit ${code}`}`,
    );
}

console.log('\n2. intercoop serve pulling them: /healthz during the start-up pull');
const server = await startFixtureServer();
const served = names.filter((n) => n !== 'hang' && n !== 'tiny');
for (const [name, text] of Object.entries(docs))
  server.route(`/${name}.ics`, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(text);
  });
writeFileSync(
  join(dir, 'networks.yaml'),
  `hub:\n  title: Bench\n  base_url: https://hub.test\nnetworks:\n  - slug: hostile\n    name: Hostile\n    agendas: [${served.map((n) => `${server.base}/${n}.ics`).join(', ')}]\n`,
);
const child = spawn(process.execPath, [hub, 'serve'], {
  env: {
    ...process.env,
    HUB_DB: join(dir, 'hub.sqlite'),
    HUB_NETWORKS: join(dir, 'networks.yaml'),
    HUB_PORT: '0',
    HUB_ALLOW_PRIVATE_HOSTS: '1',
    HUB_ADMIN_TOKEN: 'bench',
    HUB_PULL_CRON: '0 0 1 1 *',
    HUB_LOG_LEVEL: 'error',
  },
});
const url = await new Promise<string>((ok) => {
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    const m = out.match(/Intercoop Hub: (http:\/\/\S+?)\/?\n/);
    if (m) ok(m[1]!);
  });
});
interface Source {
  url: string;
  health: string;
  last_error: string | null;
  truncated?: { text: string } | null;
}
const latencies: number[] = [];
const deadline = Date.now() + timeoutMs * 2;
let finished = false;
while (!finished && Date.now() < deadline) {
  const started = performance.now();
  const health = (await (
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
  ).json()) as {
    last_pull: { finished_at: string | null } | null;
  };
  latencies.push(performance.now() - started);
  finished = Boolean(health.last_pull?.finished_at);
  await new Promise((r) => setTimeout(r, 20));
}
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
console.log(
  `  ${latencies.length} answers: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, slowest ${q(1)} ms` +
    (finished ? '' : `  (pull not finished after ${(timeoutMs * 2) / 1000} s)`),
);
if (finished) {
  const sources = (await (
    await fetch(`${url}/api/admin/sources`, { headers: { authorization: 'Bearer bench' } })
  ).json()) as { sources?: Source[] } | Source[];
  for (const s of Array.isArray(sources) ? sources : (sources.sources ?? []))
    console.log(
      `  ${s.url.split('/').pop()!.padEnd(12)} ${s.health}  ${s.truncated?.text ?? s.last_error ?? ''}`,
    );
}
child.kill('SIGKILL');
await server.close();
process.exit(0);
