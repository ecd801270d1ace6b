/**
 * A pull in a process of its own, for fault tests that kill it: opens the hub's SQLite file,
 * pulls every source, and prints one line per finished source ("done <sourceId> <new>") so the
 * test knows what was stored before it sends SIGKILL.
 *
 *   node --import tsx test/support/pull-child.ts /path/to/hub.sqlite
 */
import { loadConfig } from '../../src/env.ts';
import { silentLogger } from '../../src/deps.ts';
import { nodeDeps } from '../../workers/node/deps.ts';
import { pull } from '../../src/ingest/pull.ts';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: pull-child.ts HUB_DB');
// One source at a time: the kill then lands between stored sources and in the middle of others.
const deps = nodeDeps({
  config: loadConfig({
    HUB_DB: dbPath,
    HUB_ALLOW_PRIVATE_HOSTS: '1',
    HUB_FETCH_CONCURRENCY: '1',
    // Fault tests pull feeds of up to 1,000 new stories: storage, not the flood quota, is tested.
    HUB_MAX_NEW_PER_PULL: '100000',
  }),
  log: silentLogger,
});
const summary = await pull(deps, {
  trigger: 'fault-test',
  all: true,
  onProgress: (report) =>
    process.stdout.write(`done ${report.sourceId} ${report.outcome} ${report.new}\n`),
});
process.stdout.write(`finished ${summary.sources}\n`);
await deps.close();
