#!/usr/bin/env node
// Makes sure the independent validators the tests use are on the machine (Debian packages):
// Chromium for the pages, jing for the Atom schema, newsboat and python3-feedparser for RSS,
// python3-icalendar and recurring-ical-events for the agenda. Installs what is missing when
// running as root with apt-get (fresh machine, CI); otherwise says what to install and fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const checks = [
  { pkg: 'chromium', ok: () => existsSync('/usr/bin/chromium') },
  { pkg: 'jing', ok: () => existsSync('/usr/bin/jing') },
  { pkg: 'newsboat', ok: () => existsSync('/usr/bin/newsboat') },
  { pkg: 'python3-feedparser', ok: () => py('import feedparser') },
  { pkg: 'python3-icalendar', ok: () => py('import icalendar') },
  { pkg: 'python3-recurring-ical-events', ok: () => py('import recurring_ical_events') },
];

function py(code) {
  return (
    existsSync('/usr/bin/python3') &&
    spawnSync('/usr/bin/python3', ['-c', code], { stdio: 'ignore' }).status === 0
  );
}

const missing = checks.filter((c) => !c.ok()).map((c) => c.pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `The tests need these Debian packages: ${missing.join(' ')}\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`,
  );
  process.exit(1);
}
console.log(`Installing test validators from Debian: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
