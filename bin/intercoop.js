#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --max-old-space-size=512 --liftoff-only
// The `intercoop` command. The hub is written in TypeScript; bin/bundle.js turns it into one
// JavaScript file on each start, so a clone works with `npm install` alone.
// Settings (the npm scripts and the benchmarks pass the same ones, bench/intercoop-process.ts):
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's helpers, libuv's pool, the
//   reading and checkpoint threads) a malloc arena of its own, up to 8 per core, and keeps
//   what a finished burst freed in it. Two arenas: `serve` at rest is ~3.5 MB smaller, and the
//   arenas at a pull's peak ~7 MB (bench:ingest), at no measurable CPU cost. glibc reads it
//   when the process starts, hence the environment and not code.
// --max-semi-space-size=8 (MB, V8's default is 16): the young generation is collected more often
//   and a pull's peak RSS is ~25 MB lower, at no measurable cost in speed (bench:ingest). Smaller
//   still costs CPU: 4 MB took 10-20 % more hub CPU in a cold pull, 2 MB 20-25 % more.
// --max-old-space-size=512 (MB): V8 lets the old generation grow to a multiple of what a
//   collection left alive before collecting again, up to 4x on a machine with a few GB of memory
//   (the default limit follows the machine's memory), 1.4x under a 512 MB limit. A cold pull of
//   250 sources held ~30 MB of live objects but 83 MB of old space before: its peak RSS went from
//   ~280 to ~215 MB at the same CPU time. Live data stays far below the limit (the documents are
//   read on threads with limits of their own, feed-reader-pool.ts).
// --liftoff-only: WebAssembly stays in V8's baseline compiler. The only WebAssembly the hub
//   runs is the HTTP parser of fetch (undici's llhttp); optimising its big state machine with
//   TurboFan allocated ~30 MB of compiler memory at a pull's first fetches (V8's
//   peak_malloced_memory; 7 MB with the flag) and its CPU. With the flag, a cold pull's peak RSS
//   is ~5 MB lower and its CPU ~1.5 s lower of ~17 s (bench:ingest, 250 sources, shared
//   machine); 1,500 fetches of 200 KB take the same CPU with or without it.
// Both heap flags are for the main thread: V8 would apply them to every thread over its own
// resourceLimits, so workers/node/thread-heap-limits.ts clears them before a thread starts.
import { bundle } from './bundle.js';

// `intercoop networks list | head`: a closed pipe ends the command quietly, as for any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import(await bundle('workers/node.ts'));
const code = await main(process.argv.slice(2));
// A finished command exits now: idle keep-alive connections to member servers would
// otherwise hold the process for seconds. Output is flushed first.
process.exitCode = code;
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
