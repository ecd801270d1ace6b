/**
 * The hub side of bench/ingest, one process per federation size so that each peak RSS is that
 * size's alone: a fresh SQLite file, the federation loaded from its networks.yaml, then a cold
 * `pull` of every source and a second one (every member answers 304). Sends its figures to the
 * parent over IPC (or prints them as JSON when run alone, e.g. under `node --cpu-prof`).
 *
 *   node --import tsx bench/ingest/hub.ts --ports 41000,41001 --sources 1000 --items 50
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { loadConfig } from '../../src/env.ts';
import { silentLogger } from '../../src/deps.ts';
import { nodeDeps } from '../../workers/node/deps.ts';
import { pull } from '../../src/ingest/pull.ts';
import { entries, items } from '../../src/db/schema/index.ts';
import { commitFigures } from '../../workers/node/group-commit.ts';
import { batchFigures } from '../../workers/node/sqlite.ts';
import { indexKeyFigures } from '../../workers/node/index-keys.ts';
import { federationYaml } from './federation.ts';
import { argValue, feedUrl } from './server.ts';
import { loadFederation } from './load-federation.ts';

export interface PhaseFigures {
  ms: number;
  sources: number;
  ok: number;
  notModified: number;
  failed: number;
  newEntries: number;
  /** CPU time of the hub process over the phase, all its threads (user + system), ms. */
  cpuMs: number;
  /**
   * CPU time of its main thread alone (storing, dedup, fetching), ms; null where /proc has no
   * per-thread figures.
   */
  mainCpuMs: number | null;
  /** Highest process.memoryUsage().rss seen by the 50 ms sampler, bytes. */
  peakRss: number;
  /** The kernel's peak (VmHWM, reset before the phase when /proc allows), bytes; null elsewhere. */
  hwm: number | null;
  /** Where the memory was at the sampler's peak (Linux: RssFile/RssAnon from /proc), bytes. */
  atPeak: PeakShares;
  /**
   * CPU time by thread over the phase (Linux: /proc's per-thread stat), ms: `main`; `helpers`,
   * the threads there before it (V8's platform workers, which run TurboFan's concurrent
   * compiles and GC tasks for every isolate, and libuv's pool); `new thread N`, each thread
   * started during it (the reading thread, the checkpoint thread), most CPU first. Threads that
   * ended during the phase are missing. Null where /proc has no per-thread figures.
   */
  threadCpuMs: Record<string, number> | null;
  /** What the phase wrote to SQLite (Writes). */
  writes: Writes;
  /**
   * The candidate lookup's key filter (workers/node/index-keys.ts): builds from the table in
   * the phase, their time, the filter's size at the end, lookups made without it (another
   * process committing).
   */
  keyFilter: { builds: number; buildMs: number; bytes: number; unfiltered: number };
  errors: string[];
}

/**
 * A phase's writes: WAL pages the main thread wrote (its bytes written, from /proc's per-thread
 * io, over a frame's size: the checkpoint thread writes the database file from its own thread),
 * null where /proc has no per-thread figures; and its group commits (commitFigures).
 */
export interface Writes {
  walPages: number | null;
  commits: number;
  /** Time spent in COMMIT, ms (wall time: a loaded machine adds the time the thread waits). */
  commitMs: number;
  /** Longest time the write lock was held, BEGIN to end of COMMIT, ms. */
  longestHeldMs: number;
  /** The main thread's CPU in COMMIT, ms (0 where /proc has no per-thread figures). */
  commitCpuMs: number;
  /** The store's batches (db.batch: SQLite's writes and binding their values): how many, CPU. */
  batches: number;
  batchCpuMs: number;
}

export interface HubFigures {
  sources: number;
  items: number;
  baselineRss: number;
  cold: PhaseFigures;
  /** The first all-304 pull. */
  warm: PhaseFigures;
  /** Every all-304 pull (`--warm N` runs N of them after the cold one). */
  warmRuns: PhaseFigures[];
  storedEntries: number;
  storedItems: number;
  /** The database file after both pulls (page_count × page_size, WAL checkpointed or not). */
  dbBytes: number;
}

/**
 * Where RSS was at its peak: mapped files (Node's own code and data, the libraries) apart from
 * anonymous memory, and in the latter the main thread's V8 heap apart from the rest (the
 * reading and checkpoint threads' heaps, SQLite's caches, malloc).
 */
export interface PeakShares {
  files: number | null;
  mainHeap: number;
  otherAnon: number | null;
}

function shares(rss: number): PeakShares {
  const heap = process.memoryUsage().heapTotal;
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1]) * 1024;
    return {
      files: kb('RssFile') + kb('RssShmem'),
      mainHeap: heap,
      otherAnon: kb('RssAnon') - heap,
    };
  } catch {
    return { files: null, mainHeap: heap, otherAnon: rss - heap };
  }
}

/** Samples RSS every 50 ms; the peak since the last reset, and its shares. */
function rssSampler() {
  let peak = 0;
  let atPeak: PeakShares = { files: null, mainHeap: 0, otherAnon: null };
  const sample = () => {
    // rss() alone: memoryUsage() also sums V8's heap spaces (13 against 8 µs a call here; CPU
    // profiles show more under the sampler's timer, which is not what the calls cost).
    const rss = process.memoryUsage.rss();
    if (rss > peak) {
      peak = rss;
      atPeak = shares(rss);
    }
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  return {
    reset() {
      peak = 0;
      sample();
      // Linux: "5" resets VmHWM to the current RSS, so the kernel's figure is per phase too.
      try {
        writeFileSync('/proc/self/clear_refs', '5');
      } catch {
        /* not Linux, or not allowed: the sampler's figure stands alone */
      }
    },
    peak: () => (sample(), peak),
    atPeak: () => atPeak,
    stop: () => clearInterval(timer),
  };
}

function kernelPeak(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time of each live thread of this process, ms, by thread id (Linux: /proc's stat). */
function threadCpu(): Map<number, number> | null {
  try {
    const out = new Map<number, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      // utime and stime (fields 14 and 15 of proc(5)) in clock ticks (USER_HZ, 100 on Linux),
      // counted here from the state, field 3, after the name in parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * 10);
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * A phase's CPU by thread: the main thread; the threads already there before it (Node 20 names
 * none of them: V8's platform workers, which run TurboFan's concurrent compiles and GC helper
 * tasks for every isolate, and libuv's pool); and each thread started during it (the reading
 * threads, the checkpoint thread), by its CPU.
 */
function threadCpuSince(before: Map<number, number> | null): Record<string, number> | null {
  const after = threadCpu();
  if (!before || !after) return null;
  const sums: Record<string, number> = { main: 0, helpers: 0 };
  const started: number[] = [];
  for (const [tid, ms] of after) {
    if (tid === process.pid) sums.main = ms - before.get(tid)!;
    else if (before.has(tid)) sums.helpers! += ms - before.get(tid)!;
    else started.push(ms);
  }
  started.sort((a, b) => b - a).forEach((ms, i) => (sums[`new thread ${i + 1}`] = ms));
  return sums;
}

/** Bytes the main thread has written (Linux: /proc's per-thread io), or null. */
function mainThreadWritten(): number | null {
  try {
    const io = readFileSync(`/proc/self/task/${process.pid}/io`, 'utf8');
    return Number(/wchar: (\d+)/.exec(io)![1]);
  } catch {
    return null;
  }
}

/** CPU time the main thread has used, ms (Linux: /proc's schedstat, in ns), or null. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8');
    return Number(stat.split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

export async function runHub(
  ports: number[],
  sources: number,
  itemsPerFeed: number,
  env: Record<string, string> = {},
  pragmas: string[] = [],
  options: { warmRuns?: number; profileWarmTo?: string; promotedTo?: string } = {},
): Promise<HubFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-ingest-'));
  const config = loadConfig({
    HUB_DB: join(dir, 'hub.sqlite'),
    HUB_ALLOW_PRIVATE_HOSTS: '1',
    ...env,
  });
  const deps = nodeDeps({ config, log: silentLogger });
  // The main thread's CPU in the store's batches and COMMITs (a few µs of clock reads each).
  batchFigures.timed = commitFigures.timed = true;
  // Experiment knob (--sqlite-pragma 'cache_size=-131072', repeatable): the hub's own settings unless asked.
  for (const p of pragmas)
    (deps.db as unknown as { raw: { pragma(s: string): unknown } }).raw.pragma(p);
  try {
    await loadFederation(
      deps,
      federationYaml(sources, (i) => feedUrl(ports, i)),
    );
    const [pageSize] = await deps.db.rows('select page_size from pragma_page_size()', []);
    // A WAL frame: a 24-byte header, then the page.
    const frameBytes = Number(pageSize?.[0] ?? 4096) + 24;
    const sampler = rssSampler();
    const baselineRss = process.memoryUsage().rss;
    const phase = async (): Promise<PhaseFigures> => {
      sampler.reset();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpuMs();
      const threads0 = threadCpu();
      const written0 = mainThreadWritten();
      const commits0 = { ...commitFigures };
      const batches0 = { ...batchFigures };
      const filter0 = { ...indexKeyFigures };
      commitFigures.longestHeldMs = 0;
      const summary = await pull(deps, { trigger: 'bench', all: true });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const main1 = mainThreadCpuMs();
      const mainCpuMs = main0 === null || main1 === null ? null : main1 - main0;
      const written1 = mainThreadWritten();
      const writes: Writes = {
        walPages:
          written0 === null || written1 === null
            ? null
            : Math.round((written1 - written0) / frameBytes),
        commits: commitFigures.commits - commits0.commits,
        commitMs: commitFigures.commitMs - commits0.commitMs,
        longestHeldMs: commitFigures.longestHeldMs,
        commitCpuMs: commitFigures.cpuMs - commits0.cpuMs,
        batches: batchFigures.batches - batches0.batches,
        batchCpuMs: batchFigures.cpuMs - batches0.cpuMs,
      };
      const errors = [
        ...new Set(
          summary.reports
            .filter((r) => r.outcome === 'error')
            .map((r) => `${r.errorKind}: ${r.error}`),
        ),
      ].slice(0, 5);
      return {
        ms,
        sources: summary.sources,
        ok: summary.ok,
        notModified: summary.notModified,
        failed: summary.failed,
        newEntries: summary.newItems,
        cpuMs,
        mainCpuMs,
        peakRss: sampler.peak(),
        hwm: kernelPeak(),
        atPeak: sampler.atPeak(),
        threadCpuMs: threadCpuSince(threads0),
        writes,
        keyFilter: {
          builds: indexKeyFigures.builds - filter0.builds,
          buildMs: indexKeyFigures.buildMs - filter0.buildMs,
          bytes: indexKeyFigures.bytes,
          unfiltered: indexKeyFigures.unfiltered - filter0.unfiltered,
        },
        errors,
      };
    };
    const sampling = options.promotedTo ? await startPromotedSampling() : null;
    const cold = await phase();
    if (sampling) await sampling.stop(options.promotedTo!);
    const warmRuns: PhaseFigures[] = [];
    const profiler = options.profileWarmTo ? await startProfile() : null;
    for (let i = 0; i < (options.warmRuns ?? 1); i++) warmRuns.push(await phase());
    if (profiler) await profiler.stop(options.profileWarmTo!);
    const warm = warmRuns[0]!;
    sampler.stop();
    const [e] = await deps.db.orm.select({ n: count() }).from(entries);
    const [it] = await deps.db.orm.select({ n: count() }).from(items);
    const [size] = await deps.db.rows(
      'select page_count * page_size from pragma_page_count(), pragma_page_size()',
      [],
    );
    return {
      sources,
      items: itemsPerFeed,
      baselineRss,
      cold,
      warm,
      warmRuns,
      storedEntries: e!.n,
      storedItems: it!.n,
      dbBytes: Number(size?.[0] ?? 0),
    };
  } finally {
    await deps.close();
    // HUB_BENCH_KEEP_DB=1 keeps the database for a look afterwards (sqlite3, dbstat).
    if (process.env.HUB_BENCH_KEEP_DB) console.error(`database kept: ${join(dir, 'hub.sqlite')}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CPU profile of the main thread over the all-304 pulls alone (--profile-304): --cpu-prof
 * covers the whole process, whose cold pull drowns the few hundred milliseconds of a 304 pull.
 */
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Where the main thread allocates what lives through young-generation collections and dies in
 * the old generation (--sample-promoted): V8's sampling heap profiler over the cold pull, with
 * the objects a scavenge collects left out and those a mark-compact collects kept. Such objects
 * are what fills the old generation between mark-compacts (the main V8 heap at the pull's peak,
 * and the mark-compacts' CPU). Opens in Chrome DevTools (Memory, allocation sampling).
 */
async function startPromotedSampling() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  } as never);
  return {
    async stop(file: string) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

if (process.argv.includes('--ports')) {
  const argv = process.argv.slice(2);
  const ports = argv[argv.indexOf('--ports') + 1]!.split(',').map(Number);
  const env: Record<string, string> = {};
  const concurrency = argv.indexOf('--concurrency');
  if (concurrency !== -1) env.HUB_FETCH_CONCURRENCY = argv[concurrency + 1]!;
  const threads = argv.indexOf('--parse-threads');
  if (threads !== -1) env.HUB_PARSE_THREADS = argv[threads + 1]!;
  const pragmas = argv.flatMap((a, i) => (a === '--sqlite-pragma' ? [argv[i + 1]!] : []));
  const profile = argv.indexOf('--profile-304');
  runHub(ports, argValue(argv, 'sources', 1000), argValue(argv, 'items', 50), env, pragmas, {
    warmRuns: argValue(argv, 'warm', 1),
    profileWarmTo: profile === -1 ? undefined : argv[profile + 1],
    promotedTo: argv.includes('--sample-promoted')
      ? argv[argv.indexOf('--sample-promoted') + 1]
      : undefined,
  }).then(
    (figures) => {
      if (process.send) process.send(figures, () => process.exit(0));
      else {
        console.log(JSON.stringify(figures, null, 2));
        process.exit(0);
      }
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
