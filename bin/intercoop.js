#!/usr/bin/env -S node --max-semi-space-size=8
// The `intercoop` command. The hub is written in TypeScript; bin/bundle.js turns it into one
// JavaScript file on each start, so a clone works with `npm install` alone.
// --max-semi-space-size=8 (MB, V8's default is 16): the young generation is collected more often
// and a pull's peak RSS is ~25 MB lower, at no measurable cost in speed (bench:ingest). The npm
// scripts pass the same flag.
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
