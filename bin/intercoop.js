#!/usr/bin/env node
// The `intercoop` command. The hub is written in TypeScript; bin/bundle.js turns it into one
// JavaScript file on each start, so a clone works with `npm install` alone.
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
