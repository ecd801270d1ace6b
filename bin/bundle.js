// Runs the hub's TypeScript without a build step to forget and without a loader in the
// running process: the entry is bundled with esbuild (~50 ms) into node_modules/.cache and
// Node runs plain JavaScript. A TypeScript loader (tsx) would stay resident in its own thread,
// about 50 MB of RSS for the life of `serve`; the bundle costs none.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Scripts of threads the hub starts, bundled beside every entry: a module finds its thread's
 * script next to itself (workers/node/feed-reader-pool.ts).
 */
const THREADS = { 'feed-reader-worker': 'workers/node/feed-reader-worker.ts' };

/**
 * Bundles `entry` (a path from the project root) and returns the file URL of its bundle.
 * Packages stay external (resolved from the project's node_modules). The bundles go to a
 * folder named after a hash of their text, so commands started together never read files
 * another is writing, and a changed source makes a new folder.
 */
export async function bundle(entry) {
  const main = basename(entry).replace(/\.[cm]?[jt]sx?$/, '');
  const dir = join(root, 'node_modules', '.cache', 'intercoop');
  try {
    const result = await esbuild.build({
      entryPoints: {
        [main]: join(root, entry),
        ...Object.fromEntries(
          Object.entries(THREADS).map(([name, path]) => [name, join(root, path)]),
        ),
      },
      absWorkingDir: root,
      tsconfig: join(root, 'tsconfig.json'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // A dynamic import() becomes a file of its own, loaded when first called: features a
      // process rarely or never uses (the SMTP mailer, the other commands) stay out of its
      // memory (~300 KB of source each time, kept for the life of `serve`, and what they import).
      splitting: true,
      chunkNames: 'chunk-[hash]',
      // No keepNames: it wraps every closure in a defineProperty call, ~5 % of a cold pull.
      // Stack traces keep the names anyway (nothing is minified); no code reads fn.name.
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      write: false,
      logLevel: 'silent',
    });
    const hash = createHash('sha256');
    for (const file of result.outputFiles) hash.update(file.path).update(file.contents);
    const prefix = `${entry.replace(/[^a-z0-9]+/gi, '-')}-`;
    const target = join(dir, `${prefix}${hash.digest('hex').slice(0, 16)}`);
    if (!existsSync(target)) {
      const tmp = `${target}.${process.pid}.tmp`;
      mkdirSync(tmp, { recursive: true });
      for (const file of result.outputFiles)
        writeFileSync(join(tmp, basename(file.path)), file.contents);
      try {
        renameSync(tmp, target);
      } catch (err) {
        // Another command wrote the same folder first: same content, keep theirs.
        rmSync(tmp, { recursive: true, force: true });
        if (!existsSync(target)) throw err;
      }
      forgetOldBundles(dir, prefix, target);
    }
    return pathToFileURL(join(target, `${main}.mjs`)).href;
  } finally {
    // esbuild's service process is not needed any more.
    await esbuild.stop();
  }
}

/** Bundles of earlier versions of the sources, once no command can still be loading them. */
function forgetOldBundles(dir, prefix, keep) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!name.startsWith(prefix) || path === keep) continue;
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // another command removed it first
    }
  }
}
