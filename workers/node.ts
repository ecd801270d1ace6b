import { ConfigError } from '../src/env.ts';
import { nodeDeps, processEnv } from './node/deps.ts';
import { startServer } from './node/serve.ts';
import { scheduleDigests } from './node/digest-schedule.ts';
import { schedulePulls } from './node/pull-schedule.ts';
import { syncFederationFile } from './node/federation-file.ts';
import type { NodeDeps } from './node/deps.ts';

// The other commands are imported when run: `serve` stays up for months and keeps in memory
// every module it loaded (the demo's content, the parse command's output code), and a
// one-shot command loads only its own. bin/bundle.js writes each dynamic import() to a file
// of its own.

/** Node entry point: the `intercoop` command line. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve': {
        const deps = nodeDeps();
        await syncFederationFile(deps);
        const { port } = await startServer(deps);
        schedulePulls(deps);
        await scheduleDigests(deps);
        console.log(`Intercoop Hub: http://127.0.0.1:${port}/`);
        return await new Promise<number>(() => {});
      }
      case 'items':
        return await withDeps(async (deps) =>
          (await import('./node/items-cli.ts')).itemsCommand(deps, args),
        );
      case 'parse':
        // Reading one document stores nothing: an in-memory database, no ./data/ created.
        return await withDeps(
          async (deps) => {
            const [{ parseCommand }, { fetchForParse }] = await Promise.all([
              import('./node/commands/parse.ts'),
              import('./node/commands/parse-fetcher.ts'),
            ]);
            return parseCommand(deps, args, fetchForParse);
          },
          { HUB_DB: ':memory:' },
        );
      case 'digest':
        return await withDeps(async (deps) =>
          (await import('./node/commands/digest.ts')).digestCommand(deps, args),
        );
      case 'pull':
        return await withDeps(async (deps) =>
          (await import('./node/commands/pull.ts')).pullCommand(deps, args),
        );
      case 'networks':
        return await withDeps(async (deps) =>
          (await import('./node/commands/networks.ts')).networksCommand(deps, args),
        );
      case 'demo':
        return await (await import('./node/commands/demo.ts')).demoCommand(args);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return command ? 0 : 1;
      default:
        console.error(`Unknown command: ${command}\n\n${usage}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

/** Runs a one-shot command with the Node services, closing them (SQLite, SMTP pool) after. */
async function withDeps(
  run: (deps: NodeDeps) => Promise<number>,
  overrides: Record<string, string> = {},
): Promise<number> {
  const deps = nodeDeps({ env: { ...processEnv(), ...overrides } });
  try {
    return await run(deps);
  } finally {
    await deps.close();
  }
}

const usage = `Usage: intercoop <command>

  serve                         HTTP server + scheduled pulls and digests
  pull [--network SLUG] [--due] [--json]
                                pull now (--due: only sources due) and print a summary per source
  networks sync                 load networks.yaml into the store
  networks import FILE.opml     add the feeds of an OPML file to networks.yaml
  networks list                 list the member networks and their sources
  items show ITEM_ID            show a story, its entries and why they were merged
  items split ENTRY_ID          move a wrongly merged entry to a story of its own
  parse FILE_OR_URL             print what the hub reads from one feed or calendar (JSON)
  digest [--dry-run] [--to EMAIL] [--takeover]
                                build and send the digests that are due (--takeover: resume
                                a crashed run's claimed deliveries now)
  demo [--once]                 start a simulated federation and a hub pulling it (offline)`;
