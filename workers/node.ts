import { ConfigError } from '../src/env.ts';
import { cliLang, nodeDeps, processEnv } from './node/deps.ts';
import { commandHelp, isCommand, unknownCommand, usage } from './node/cli-usage.ts';
import { startServer } from './node/serve.ts';
import { itemsCommand } from './node/items-cli.ts';
import { digestCommand } from './node/commands/digest.ts';
import { parseCommand } from './node/commands/parse.ts';
import { scheduleDigests } from './node/digest-schedule.ts';
import { schedulePulls } from './node/pull-schedule.ts';
import { syncFederationFile } from './node/federation-file.ts';
import { pullCommand } from './node/commands/pull.ts';
import { demoCommand } from './node/commands/demo.ts';
import { networksCommand } from './node/commands/networks.ts';
import { fetchForParse } from './node/commands/parse-fetcher.ts';
import type { NodeDeps } from './node/deps.ts';

/** Node entry point: the `intercoop` command line. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const lang = cliLang();
  // `intercoop COMMAND --help` and `intercoop help COMMAND`: that command's help, exit 0.
  if (command && isCommand(command) && (args[0] === '--help' || args[0] === '-h')) {
    console.log(commandHelp(command, lang));
    return 0;
  }
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
        return await withDeps((deps) => itemsCommand(deps, args, lang));
      case 'parse':
        // Reading one document stores nothing: an in-memory database, no ./data/ created.
        return await withDeps((deps) => parseCommand(deps, args, fetchForParse, lang), {
          HUB_DB: ':memory:',
        });
      case 'digest':
        return await withDeps((deps) => digestCommand(deps, args, lang));
      case 'pull':
        return await withDeps((deps) => pullCommand(deps, args, lang));
      case 'networks':
        return await withDeps((deps) => networksCommand(deps, args, lang));
      case 'demo':
        return await demoCommand(args, lang);
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = args[0];
        if (command === 'help' && topic) {
          if (!isCommand(topic)) {
            console.error(unknownCommand(topic, lang));
            return 2;
          }
          console.log(commandHelp(topic, lang));
          return 0;
        }
        console.log(usage(lang));
        return command ? 0 : 1;
      }
      default:
        console.error(unknownCommand(command, lang));
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
