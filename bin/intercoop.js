#!/usr/bin/env node
// The `intercoop` command. The hub is written in TypeScript and run through tsx, so a
// clone works with `npm install` alone: no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../workers/node.ts');
process.exitCode = await main(process.argv.slice(2));
