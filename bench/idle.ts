/**
 * What `intercoop serve` holds when it has nothing to do: resident memory (VmRSS) and threads,
 * read from /proc, with an empty federation and after a federation's start-up pull, once the
 * reading threads have had time to stop (IDLE_MS).
 *
 *   npm run bench:idle [-- --sources 100 --wait 40]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { federationYaml } from './ingest/federation.ts';
import { argValue, feedUrl, spawnFederation } from './ingest/server.ts';
import { intercoopProcess } from './intercoop-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const sources = argValue(argv, 'sources', 100);
const waitS = argValue(argv, 'wait', 40);
const intercoop = intercoopProcess();

interface Figures {
  rssMb: number;
  /** Mapped files: the node binary's and the libraries' pages (RssFile + RssShmem). */
  filesMb: number;
  /** Anonymous memory: V8's heaps, malloc (SQLite included), stacks. */
  anonMb: number;
  threads: number;
}

function figures(pid: number): Figures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const mb = (n: number) => Math.round(n / 1024);
  return {
    rssMb: mb(kb('VmRSS')),
    filesMb: mb(kb('RssFile') + kb('RssShmem')),
    anonMb: mb(kb('RssAnon')),
    threads: kb('Threads'),
  };
}

async function serve(yaml: string, port: number): Promise<{ child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-idle-'));
  writeFileSync(join(dir, 'networks.yaml'), yaml);
  const child = spawn(
    process.execPath,
    [...intercoop.nodeFlags, join(root, 'bin/intercoop.js'), 'serve'],
    {
      cwd: dir,
      env: {
        ...process.env,
        ...intercoop.env,
        HUB_DB: join(dir, 'hub.sqlite'),
        HUB_PORT: String(port),
        HUB_ALLOW_PRIVATE_HOSTS: '1',
        HUB_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('Intercoop Hub:') && resolve());
    child.once('exit', (code) => reject(new Error(`serve exited (code ${code})`)));
  });
  return { child, dir };
}

async function pullFinished(port: number): Promise<boolean> {
  const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
    last_pull: { finished_at: string | null } | null;
  };
  return !!health.last_pull?.finished_at;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(label: string, yaml: string, port: number): Promise<void> {
  const { child, dir } = await serve(yaml, port);
  try {
    // The start-up pull (when there are sources) ends with a pull recorded in /healthz.
    for (let i = 0; i < 600 && sources && yaml.includes('feeds:'); i++) {
      if (await pullFinished(port)) break;
      await sleep(500);
    }
    const afterStart = figures(child.pid!);
    await sleep(waitS * 1000);
    const idle = figures(child.pid!);
    console.log(
      `${label.padEnd(34)} just after start-up: ${afterStart.rssMb} MB, ${afterStart.threads} threads` +
        ` · ${waitS} s later: ${idle.rssMb} MB, ${idle.threads} threads` +
        ` (mapped files ${idle.filesMb} MB, anonymous ${idle.anonMb} MB)`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const empty = 'hub:\n  title: Intercoop\n  base_url: http://127.0.0.1:8787\nnetworks: []\n';
await measure('serve, empty federation', empty, 18_787);
const federation = await spawnFederation(['--sources', String(sources), '--items', '50']);
try {
  const yaml = federationYaml(sources, (i) => feedUrl(federation.ports, i));
  await measure(`serve, ${sources} sources pulled`, yaml, 18_788);
} finally {
  federation.child.kill('SIGTERM');
}
