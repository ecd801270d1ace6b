/**
 * What the identity benches (fold-identity, read-identity) share: the `--against REV` revision's
 * src/ unpacked under bench/out/ so that its modules can be imported beside the working tree's
 * (its imports find the repository's node_modules), and the files of a corpus folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface OldRevision {
  /** The revision compared with the working tree (`--against`, main by default). */
  against: string;
  /** Where it is unpacked, from the repository's root. */
  root: string;
  /** `--quick`: a smaller corpus. */
  quick: boolean;
  /** Imports a module of the old src/, by its path under src/. */
  load<T>(path: string): Promise<T>;
  /** Imports a module of the old revision by its path in the repository (a folder unpacked). */
  loadFile<T>(path: string): Promise<T>;
  /** Deletes the unpacked copy. */
  remove(): void;
}

/** `folders`: what of the revision is unpacked (src/ alone by default; none: all of it). */
export function unpackOldRevision(
  bench: string,
  argv = process.argv,
  folders = ['src'],
): OldRevision {
  const against = argv.includes('--against') ? argv[argv.indexOf('--against') + 1]! : 'main';
  const root = join('bench', 'out', `${bench}-${against.replace(/[^\w.-]/g, '_')}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const unpack = 'to="$1"; shift; git archive "$0" "$@" | tar -x -C "$to"';
  execFileSync('sh', ['-c', unpack, against, root, ...folders]);
  return {
    against,
    root,
    quick: argv.includes('--quick'),
    load: <T>(path: string) =>
      import(new URL(`../${root}/src/${path}`, import.meta.url).href) as Promise<T>,
    loadFile: <T>(path: string) =>
      import(new URL(`../${root}/${path}`, import.meta.url).href) as Promise<T>,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Every file under `dir`, at any depth. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}
