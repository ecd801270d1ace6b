// Preloaded with `node --import` into an `intercoop` child process by a test: writes the
// packages the process has loaded (names under node_modules/, from Node's CommonJS module cache,
// which also holds the CommonJS packages an ES module imports) to the file LOADED_PACKAGES_FILE,
// when the process exits and when it receives SIGUSR2 (for `serve`, which never exits by itself).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
const file = process.env.LOADED_PACKAGES_FILE;

function report() {
  const names = new Set();
  for (const path of Object.keys(cache)) {
    // The innermost node_modules: a package's own copy of a dependency is that dependency.
    const parts = path.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at === -1 || !parts[at + 1]) continue;
    const scoped = parts[at + 1].startsWith('@');
    names.add(scoped ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]);
  }
  writeFileSync(file, JSON.stringify([...names].sort()));
}

if (file) {
  process.on('exit', report);
  process.on('SIGUSR2', report);
}
