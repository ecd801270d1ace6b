/**
 * Ingest throughput and memory (npm run bench:ingest): a simulated federation served by a child
 * process (server.ts), pulled by another child (hub.ts) with a fresh SQLite file — cold, then
 * again with every member answering 304. Runs 250, 500 and 1,000 sources by default to show
 * whether memory stays flat in the number of sources; `--sources N` runs one size.
 *
 *   npm run bench:ingest -- [--sources 1000] [--items 50] [--hosts 50] [--concurrency 8] [--parse-threads N] [--gzip] [--profile] [--sqlite-pragma 'cache_size=-131072' …]
 *     [--warm N] [--profile-304] [--sample-promoted] [--node-flag --trace-deopt …] [--now MS]
 *
 * --profile writes a V8 CPU profile of each hub run to bench/out/ (open in Chrome DevTools).
 * --warm N runs N all-304 pulls after the cold one (one row each); --profile-304 writes a
 * profile of the main thread over those alone (bench/out/ingest-profile-…/warm.cpuprofile).
 * --sample-promoted samples where the main thread allocates, over the cold pull, what outlives
 * young-generation collections and dies in the old generation (…/promoted.heapprofile).
 * --now MS fixes the time the feeds' dates count from: two runs with HUB_BENCH_KEEP_DB=1 then
 * store the same stories (but for the federation's ports), to compare their databases.
 * Targets (issue 19, 2 cores, 1,000 sources × 50 items): hub CPU ≤ 0.45 ms per stored item,
 * dedup and storage included (every thread of the hub process: user + sys); cold pull
 * ≥ 2,500 items/s; the all-304 pull ≤ 1 s; peak RSS ≤ 128 MB during the pull.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../bin/bundle.js';
import { argValue, spawnFederation } from './server.ts';
import { intercoopProcess } from '../intercoop-process.ts';
import type { HubFigures, PhaseFigures } from './hub.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function firstMessage<T>(proc: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve(m as T));
    proc.once('exit', (code) =>
      reject(new Error(`${what} exited (code ${code}) before answering`)),
    );
  });
}

const intercoop = intercoopProcess();

async function runSize(sources: number, argv: string[]): Promise<HubFigures> {
  const items = argValue(argv, 'items', 50);
  const hosts = argValue(argv, 'hosts', 50);
  const { child: server, ports } = await spawnFederation([
    '--sources',
    String(sources),
    '--items',
    String(items),
    '--hosts',
    String(hosts),
    ...(argv.includes('--gzip') ? ['--gzip'] : []),
    // A fixed time for the feeds' dates: two runs then store the same stories (ports aside).
    ...(argv.includes('--now') ? ['--now', argv[argv.indexOf('--now') + 1]!] : []),
  ]);
  try {
    const hubArgs = [
      '--ports',
      ports.join(','),
      '--sources',
      String(sources),
      '--items',
      String(items),
    ];
    for (const flag of ['--concurrency', '--parse-threads', '--warm'])
      if (argv.includes(flag)) hubArgs.push(flag, argv[argv.indexOf(flag) + 1]!);
    argv.forEach((a, i) => a === '--sqlite-pragma' && hubArgs.push(a, argv[i + 1]!));
    // One directory per run: tsx's loader thread writes a profile of its own next to the main one.
    const profileDir = here(`../out/ingest-profile-${sources}-${Date.now()}`);
    const profile = argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    if (argv.includes('--profile-304')) {
      mkdirSync(profileDir, { recursive: true });
      hubArgs.push('--profile-304', `${profileDir}/warm.cpuprofile`);
    }
    if (argv.includes('--sample-promoted')) {
      mkdirSync(profileDir, { recursive: true });
      hubArgs.push('--sample-promoted', `${profileDir}/promoted.heapprofile`);
    }
    if (profile.length) mkdirSync(profileDir, { recursive: true });
    // Experiment knob (--node-flag --trace-deopt, repeatable): more flags for the hub's Node.
    const nodeFlags = argv.flatMap((a, i) => (a === '--node-flag' ? [argv[i + 1]!] : []));
    // The hub runs as `intercoop` does: bundled, plain JavaScript, no TypeScript loader resident.
    const hub = fork(fileURLToPath(await bundle('bench/ingest/hub.ts')), hubArgs, {
      // Started as `intercoop` starts (its shebang): same Node flags, same malloc settings.
      execArgv: [...intercoop.nodeFlags, ...profile, ...nodeFlags],
      env: { ...process.env, ...intercoop.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const figures = await firstMessage<HubFigures>(hub, 'the hub');
    await new Promise((resolve) =>
      hub.exitCode !== null ? resolve(null) : hub.once('exit', resolve),
    );
    return figures;
  } finally {
    server.kill();
  }
}

const mb = (bytes: number | null) =>
  bytes === null ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function line(label: string, p: PhaseFigures, items: boolean): string {
  const s = p.ms / 1000;
  return [
    label.padEnd(22),
    `${s.toFixed(2)} s`.padStart(9),
    (items ? `${(p.newEntries / s).toFixed(0)}` : '–').padStart(9),
    `${(p.sources / s).toFixed(0)}`.padStart(9),
    `${(p.cpuMs / 1000).toFixed(1)} s`.padStart(9),
    (p.mainCpuMs === null ? '–' : `${(p.mainCpuMs / 1000).toFixed(1)} s`).padStart(9),
    mb(p.peakRss).padStart(9),
    mb(p.hwm).padStart(9),
    `${p.ok}/${p.notModified}/${p.failed}`.padStart(14),
  ].join(' ');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sizes = argv.includes('--sources') ? [argValue(argv, 'sources', 1000)] : [250, 500, 1000];
  const items = argValue(argv, 'items', 50);
  console.log(
    `bench:ingest — ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${items} items per feed, sizes ${sizes.join(', ')}\n`,
  );
  const results: HubFigures[] = [];
  for (const n of sizes) results.push(await runSize(n, argv));

  console.log(
    `${'run'.padEnd(22)} ${'wall'.padStart(9)} ${'items/s'.padStart(9)} ${'src/s'.padStart(9)} ${'hub CPU'.padStart(9)} ${'main CPU'.padStart(9)} ${'peak RSS'.padStart(9)} ${'VmHWM'.padStart(9)} ${'ok/304/err'.padStart(14)}`,
  );
  for (const r of results) {
    console.log(line(`${r.sources} sources, cold`, r.cold, true));
    for (const w of r.warmRuns) console.log(line(`${r.sources} sources, 304`, w, false));
  }
  console.log('');
  for (const r of results) {
    const expected = r.sources * r.items;
    console.log(
      `${r.sources} sources: ${r.storedEntries} entries stored (expected ${expected}) in ${r.storedItems} stories (relays merged: ${r.storedEntries - r.storedItems}); idle RSS before the pull ${mb(r.baselineRss)}; database ${mb(r.dbBytes)}`,
    );
    const at = r.cold.atPeak;
    console.log(
      `  at the cold pull's peak: mapped files (Node's code, libraries) ${mb(at.files)}, ` +
        `main V8 heap ${mb(at.mainHeap)}, other anonymous (threads, SQLite, malloc) ${mb(at.otherAnon)}`,
    );
    const threads = r.cold.threadCpuMs;
    if (threads)
      console.log(
        `  cold pull's CPU by thread: ${Object.entries(threads)
          .filter(([, ms]) => ms > 0)
          .sort(([, a], [, b]) => b - a)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join(', ')}`,
      );
    const w = r.cold.writes;
    console.log(
      `  cold pull's writes: ${w.walPages === null ? '–' : w.walPages} WAL pages` +
        ` (${w.walPages === null ? '–' : (w.walPages / Math.max(1, r.cold.newEntries)).toFixed(2)} per new entry),` +
        ` ${w.commits} commits (${(r.cold.newEntries / Math.max(1, w.commits)).toFixed(0)} entries each),` +
        ` COMMIT ${(w.commitMs / 1000).toFixed(2)} s (wall time: more on a loaded machine), write lock held ${w.longestHeldMs.toFixed(0)} ms at most`,
    );
    console.log(
      `  cold pull's main-thread CPU in SQLite writes: ${w.batches} batches ` +
        `${(w.batchCpuMs / 1000).toFixed(2)} s (${((w.batchCpuMs / Math.max(1, r.cold.newEntries)) * 1000).toFixed(0)} µs per new entry), ` +
        `COMMIT ${(w.commitCpuMs / 1000).toFixed(2)} s`,
    );
    const f = r.cold.keyFilter;
    console.log(
      `  cold pull's key filter: built ${f.builds} time(s) from the table in ${f.buildMs.toFixed(0)} ms,` +
        ` ${(f.bytes / 1024).toFixed(0)} KB at the end, ${f.unfiltered} lookups without it`,
    );
    for (const e of [...r.cold.errors, ...r.warm.errors]) console.log(`  error: ${e}`);
  }
  const big = results.find((r) => r.sources === 1000) ?? results[results.length - 1]!;
  const peak = Math.max(
    ...results.flatMap((r) => [r.cold.peakRss, r.warm.peakRss, r.cold.hwm ?? 0, r.warm.hwm ?? 0]),
  );
  const rate = big.cold.newEntries / (big.cold.ms / 1000);
  const complete = results.every(
    (r) =>
      r.cold.failed === 0 &&
      r.warm.notModified === r.sources &&
      r.storedEntries === r.sources * r.items,
  );
  const cpuPerItem = big.cold.cpuMs / Math.max(1, big.cold.newEntries);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`\ntargets (${big.sources} sources, issue 19):`);
  console.log(
    `  hub CPU ≤ 0.45 ms per stored item: ${cpuPerItem.toFixed(2)} ms — ${verdict(cpuPerItem <= 0.45)}`,
  );
  console.log(`  cold ≥ 2,500 items/s: ${rate.toFixed(0)} items/s — ${verdict(rate >= 2500)}`);
  console.log(
    `  all-304 pull ≤ 1 s: ${(big.warm.ms / 1000).toFixed(2)} s — ${verdict(big.warm.ms <= 1000 && big.warm.notModified === big.sources)}`,
  );
  console.log(`  peak RSS ≤ 128 MB: ${mb(peak)} — ${verdict(peak <= 128 * 1024 * 1024)}`);
  if (results.length > 1) {
    const peaks = results.map((r) => Math.max(r.cold.hwm ?? r.cold.peakRss, r.cold.peakRss));
    console.log(
      `  RSS flat in sources: ${results.map((r, i) => `${r.sources} → ${mb(peaks[i]!)}`).join(', ')}`,
    );
  }
  if (!complete)
    console.log('  (some sources failed or were not 304 on the second pull: see above)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
