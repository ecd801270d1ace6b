/**
 * What the benches that replay work on a kept bench:ingest database share
 * (`HUB_BENCH_KEEP_DB=1 npm run bench:ingest` keeps one): their options, the database's path,
 * and a copy to work on (the kept file stays as it was). They time the main thread with
 * workers/node/thread-cpu.ts's threadCpuMs.
 */
import { copyFileSync, existsSync } from 'node:fs';

/** `--name N` of the command line, or `fallback`. */
export function numberOption(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

/** The kept database named by `--db PATH`; exits with the usage line when there is none. */
export function keptDatabase(argv: string[], command: string): string {
  const path = argv.includes('--db') ? argv[argv.indexOf('--db') + 1]! : '';
  if (!path || !existsSync(path)) {
    console.error(`usage: npm run ${command} -- --db PATH (a kept bench:ingest database)`);
    process.exit(2);
  }
  return path;
}

/** Copies the database file and its WAL, if it has one, to `to`. */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
