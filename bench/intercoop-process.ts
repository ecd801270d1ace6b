/**
 * How `intercoop` starts, read from its shebang line (bin/intercoop.js): the environment it sets
 * (MALLOC_ARENA_MAX) and the Node flags it passes. Benchmarks start their hub the same way, so
 * that they measure the process users run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface IntercoopProcess {
  env: Record<string, string>;
  nodeFlags: string[];
}

export function intercoopProcess(): IntercoopProcess {
  const bin = fileURLToPath(new URL('../bin/intercoop.js', import.meta.url));
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0]!;
  const words = shebang
    .replace(/^#!\S*env\s+(-S\s+)?/, '')
    .split(/\s+/)
    .filter(Boolean);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (words.shift() !== 'node') throw new Error(`bin/intercoop.js: unexpected shebang ${shebang}`);
  return { env, nodeFlags: words };
}
