// Runs the hub's TypeScript without a build step to forget and without a loader in the
// running process: the entry is bundled with esbuild (~50 ms) into node_modules/.cache and
// Node runs plain JavaScript. A TypeScript loader (tsx) would stay resident in its own thread,
// about 50 MB of RSS for the life of `serve`; the bundle costs none.
// esbuild runs as its own program (its command line), not through its JavaScript API: a module
// once imported stays loaded for the life of the process, and the API's module, with the
// service process it talks to, left `serve` ~5 MB larger at rest (bench:idle, issue 19).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Scripts of threads the hub starts, bundled beside every entry: a module finds its thread's
 * script next to itself (workers/node/feed-reader-pool.ts).
 */
const THREADS = { 'feed-reader-worker': 'workers/node/feed-reader-worker.ts' };

/**
 * esbuild's program, installed by its package for this platform. On Windows the package's
 * bin/esbuild is a Node script that starts the real one.
 */
function esbuildCommand() {
  const bin = join(dirname(createRequire(import.meta.url).resolve('esbuild/package.json')), 'bin');
  return process.platform === 'win32'
    ? { file: process.execPath, args: [join(bin, 'esbuild')] }
    : { file: join(bin, 'esbuild'), args: [] };
}

/** Runs esbuild's command line; rejects with what it printed on failure. */
function runEsbuild(args) {
  const { file, args: before } = esbuildCommand();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...before, ...args],
      { cwd: root, maxBuffer: 16 << 20 },
      (err, _out, errOut) => {
        if (err) reject(new Error(`esbuild: ${String(errOut || err.message).trim()}`));
        else resolve();
      },
    );
  });
}

/**
 * Bundles `entry` (a path from the project root) and returns the file URL of its bundle.
 * Packages stay external (resolved from the project's node_modules). The bundles go to a
 * folder named after a hash of their text, so commands started together never read files
 * another is writing, and a changed source makes a new folder.
 */
export async function bundle(entry) {
  const main = basename(entry).replace(/\.[cm]?[jt]sx?$/, '');
  const dir = join(root, 'node_modules', '.cache', 'intercoop');
  // Written aside first: the folder's name is the hash of what esbuild writes.
  const tmp = join(dir, `build-${process.pid}-${Date.now()}.tmp`);
  mkdirSync(tmp, { recursive: true });
  try {
    const entries = { [main]: entry, ...THREADS };
    await runEsbuild([
      ...Object.entries(entries).map(([name, path]) => `${name}=${join(root, path)}`),
      `--tsconfig=${join(root, 'tsconfig.json')}`,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--packages=external',
      // A dynamic import() becomes a file of its own, loaded when first called: features a
      // process rarely or never uses (the SMTP mailer, the other commands) stay out of its
      // memory (~300 KB of source each time, kept for the life of `serve`, and what they import).
      '--splitting',
      '--chunk-names=chunk-[hash]',
      // No --keep-names: it wraps every closure in a defineProperty call, ~5 % of a cold pull.
      // Stack traces keep the names anyway (nothing is minified); no code reads fn.name.
      `--outdir=${tmp}`,
      '--out-extension:.js=.mjs',
      '--log-level=error',
    ]);
    const hash = createHash('sha256');
    for (const name of readdirSync(tmp).sort())
      hash.update(name).update(readFileSync(join(tmp, name)));
    const prefix = `${entry.replace(/[^a-z0-9]+/gi, '-')}-`;
    const target = join(dir, `${prefix}${hash.digest('hex').slice(0, 16)}`);
    if (!existsSync(target)) {
      try {
        renameSync(tmp, target);
      } catch (err) {
        // Another command wrote the same folder first: same content, keep theirs.
        if (!existsSync(target)) throw err;
      }
      forgetOldBundles(dir, prefix, target);
    }
    return pathToFileURL(join(target, `${main}.mjs`)).href;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Bundles of earlier versions of the sources, once no command can still be loading them. */
function forgetOldBundles(dir, prefix, keep) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    // build-*.tmp: a build whose command was killed before it could remove it.
    if (!(name.startsWith(prefix) || name.startsWith('build-')) || path === keep) continue;
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // another command removed it first
    }
  }
}
