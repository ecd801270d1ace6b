/**
 * bench:ingest in pairs (npm run bench:ingest:pairs): the working tree and another revision run
 * bench:ingest in turns, old then new, `--pairs N` times, and each pair's figures are printed
 * side by side with their ratio. On a shared VM the speed moves 10-40 % from one hour to the
 * next (the same revision took 30-34 s of CPU for a 1,000-source pull at 14:01 and 42-45 s at
 * 15:56 on 2 December 2026): only runs taken in turns compare, so this is how a change's
 * figure should be read.
 *
 *   npm run bench:ingest:pairs -- --against REV [--pairs 3] [--sources 1000] [--warm 2] [other bench:ingest options]
 *
 * The revision is unpacked under bench/out/ (old-revision.ts) and runs with the working
 * tree's node_modules (hard links): a revision whose package-lock.json differs is run anyway,
 * with a warning, since its own packages may give other figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { argValue } from './ingest/server.ts';
import { unpackOldRevision, type OldRevision } from './old-revision.ts';

/** What one bench:ingest run printed for its largest size: the cold pull and the 304 pulls. */
interface RunFigures {
  wallS: number;
  itemsPerS: number;
  cpuS: number;
  mainS: number;
  peakMb: number;
  threads: string;
  warmS: number[];
}

/** Reads bench:ingest's table (its format since issue 19's first benches). */
export function parseIngestOutput(out: string): RunFigures {
  const cold = /sources, cold\s+([\d.]+) s\s+(\d+)\s+\d+\s+([\d.]+) s\s+([\d.]+) s\s+(\d+) MB/.exec(
    out,
  );
  if (!cold) throw new Error(`bench:ingest printed no cold pull:\n${out.slice(-2000)}`);
  const warmS = [...out.matchAll(/sources, 304\s+([\d.]+) s/g)].map((m) => Number(m[1]));
  return {
    wallS: Number(cold[1]),
    itemsPerS: Number(cold[2]),
    cpuS: Number(cold[3]),
    mainS: Number(cold[4]),
    peakMb: Number(cold[5]),
    threads: /cold pull's CPU by thread: (.*)/.exec(out)?.[1] ?? '–',
    warmS,
  };
}

function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', '--silent', 'bench:ingest', '--', ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done(out) : fail(new Error(`bench:ingest in ${cwd} exited ${code}`)),
    );
  });
}

/** The revision's whole tree under bench/out/, with the working tree's packages linked in. */
function unpack(argv: string[]): OldRevision {
  const old = unpackOldRevision('pairs', argv, []);
  // A copy of hard links: the bundler writes its cache inside, apart from the working tree's.
  execFileSync('cp', ['-al', resolve('node_modules'), join(old.root, 'node_modules')]);
  rmSync(join(old.root, 'node_modules', '.cache'), { recursive: true, force: true });
  const lock = (root: string) =>
    existsSync(join(root, 'package-lock.json'))
      ? readFileSync(join(root, 'package-lock.json'), 'utf8')
      : '';
  if (lock(old.root) !== lock('.'))
    console.warn(
      `note: ${old.against}'s package-lock.json differs from the working tree's; it runs with the working tree's packages`,
    );
  return old;
}

const perItem = (r: RunFigures) => (r.cpuS * 1000) / Math.max(1, r.itemsPerS * r.wallS);
const row = (label: string, r: RunFigures) =>
  `${label.padEnd(10)} ${`${r.itemsPerS}`.padStart(8)} items/s  ${`${r.cpuS.toFixed(1)} s`.padStart(7)} CPU` +
  ` (${perItem(r).toFixed(2)} ms/item, main ${r.mainS.toFixed(1)} s)  peak ${r.peakMb} MB` +
  `  304 ${r.warmS.map((s) => s.toFixed(2)).join('/') || '–'} s\n           ${r.threads}`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--against');
  if (at === -1 || !argv[at + 1]) {
    console.error(
      'usage: npm run bench:ingest:pairs -- --against REV [--pairs 3] [bench:ingest options]',
    );
    process.exit(2);
  }
  const rev = argv[at + 1]!;
  const pairs = argValue(argv, 'pairs', 3);
  // Every other option goes to bench:ingest as it is.
  const passed: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--against' || argv[i] === '--pairs') i++;
    else passed.push(argv[i]!);
  }
  const benchArgs = passed.includes('--sources') ? passed : ['--sources', '1000', ...passed];
  const old = unpack(argv);
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    encoding: 'utf8',
  }).trim();
  const now = `${head}${dirty ? ' + changes' : ''}`;
  console.log(
    `bench:ingest:pairs — ${rev} against the working tree (${now}), ${pairs} pair(s): ${benchArgs.join(' ')}\n`,
  );
  const ratios: number[] = [];
  try {
    for (let i = 1; i <= pairs; i++) {
      const a = parseIngestOutput(await run(old.root, benchArgs));
      const b = parseIngestOutput(await run('.', benchArgs));
      const ratio = b.cpuS / a.cpuS;
      ratios.push(ratio);
      console.log(`pair ${i} (${new Date().toISOString().slice(11, 19)} UTC)`);
      console.log(row(rev.slice(0, 10), a));
      console.log(row('now', b));
      console.log(`           hub CPU now / ${rev}: ${ratio.toFixed(3)}\n`);
    }
  } finally {
    old.remove();
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  console.log(
    `hub CPU now / ${rev}, pair by pair: ${ratios.map((r) => r.toFixed(3)).join(', ')}` +
      ` (median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)})`,
  );
}

const isMain = /bench\/ingest-pairs\.ts$/.test(process.argv[1] ?? '');
if (isMain)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
