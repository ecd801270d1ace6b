import { ConfigError } from '../src/env.ts';
import { nodeDeps } from './node/deps.ts';
import { startServer } from './node/serve.ts';
import { itemsCommand } from './node/items-cli.ts';
import { digestCommand } from './node/commands/digest.ts';
import { parseCommand } from './node/commands/parse.ts';
import { scheduleDigests } from './node/digest-schedule.ts';

/** Node entry point: the `intercoop` command line. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve': {
        const deps = nodeDeps();
        const { port } = await startServer(deps);
        await scheduleDigests(deps);
        console.log(`Intercoop Hub: http://127.0.0.1:${port}/`);
        return await new Promise<number>(() => {});
      }
      case 'items': {
        const deps = nodeDeps();
        try {
          return await itemsCommand(deps, args);
        } finally {
          await deps.close();
        }
      }
      case 'parse': {
        const deps = nodeDeps();
        try {
          return await parseCommand(deps, args, null);
        } finally {
          await deps.close();
        }
      }
      case 'digest': {
        const deps = nodeDeps();
        try {
          return await digestCommand(deps, args);
        } finally {
          await deps.close();
        }
      }
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

const usage = `Usage: intercoop <command>

  serve                         HTTP server + scheduled pulls and digests
  pull [--network SLUG]         pull now and print a summary per source
  networks sync                 load networks.yaml into the store
  networks import FILE.opml     add the feeds of an OPML file to networks.yaml
  networks list                 list the member networks and their sources
  items show ITEM_ID            show a story, its entries and why they were merged
  items split ENTRY_ID          move a wrongly merged entry to a story of its own
  parse FILE_OR_URL             print what the hub reads from one feed or calendar (JSON)
  digest [--dry-run] [--to EMAIL]  build and send the digests that are due
  demo                          start a simulated federation and a hub pulling it (offline)`;
