#!/usr/bin/env node
// The `intercoop` command. The hub is written in TypeScript and run through tsx, so a
// clone works with `npm install` alone: no build step to forget.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's own tsconfig (JSX through hono/jsx), wherever the command is run from:
// tsx would otherwise look for one in the current directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
// `intercoop networks list | head`: a closed pipe ends the command quietly, as for any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import('../workers/node.ts');
const code = await main(process.argv.slice(2));
// A finished command exits now: idle keep-alive connections to member servers would
// otherwise hold the process for seconds. Output is flushed first.
process.exitCode = code;
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
