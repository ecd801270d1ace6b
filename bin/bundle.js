// Runs the hub's TypeScript without a build step to forget and without a loader in the
// running process: the entry is bundled with esbuild (~50 ms) into node_modules/.cache and
// Node runs plain JavaScript. A TypeScript loader (tsx) would stay resident in its own thread,
// about 50 MB of RSS for the life of `serve`; the bundle costs none.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles `entry` (a path from the project root) and returns the file URL of the bundle.
 * Packages stay external (resolved from the project's node_modules); the bundle's name carries
 * a hash of its text, so commands started together never read a file another is writing.
 */
export async function bundle(entry) {
  try {
    const result = await esbuild.build({
      entryPoints: [join(root, entry)],
      absWorkingDir: root,
      tsconfig: join(root, 'tsconfig.json'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      keepNames: true, // stack traces and logs keep the functions' names
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    const dir = join(root, 'node_modules', '.cache', 'intercoop');
    const prefix = `${entry.replace(/[^a-z0-9]+/gi, '-')}-`;
    const file = join(dir, `${prefix}${hash}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file);
      forgetOldBundles(dir, prefix, file);
    }
    return pathToFileURL(file).href;
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
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { force: true });
    } catch {
      // another command removed it first
    }
  }
}
