import { ConfigError } from '../src/env.ts';
import { cliLang, nodeDeps, processEnv } from './node/deps.ts';
import { commandHelp, isCommand, unknownCommand, usage } from './node/cli-usage.ts';
import { startServer } from './node/serve.ts';
import { scheduleDigests } from './node/digest-schedule.ts';
import { schedulePulls } from './node/pull-schedule.ts';
import { syncFederationFile } from './node/federation-file.ts';
import { releaseMemoryWhenIdle } from './node/idle-memory.ts';
import type { NodeDeps } from './node/deps.ts';

// The other commands are imported when run: `serve` stays up for months and keeps in memory
// every module it loaded (the demo's content, the parse command's output code), and a
// one-shot command loads only its own. bin/bundle.js writes each dynamic import() to a file
// of its own.

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
        releaseMemoryWhenIdle();
        console.log(`Intercoop Hub: http://127.0.0.1:${port}/`);
        return await new Promise<number>(() => {});
      }
      case 'items':
        return await withDeps(async (deps) =>
          (await import('./node/items-cli.ts')).itemsCommand(deps, args, lang),
        );
      case 'parse':
        // Reading one document stores nothing: an in-memory database, no ./data/ created.
        return await withDeps(
          async (deps) => {
            const [{ parseCommand }, { fetchForParse }] = await Promise.all([
              import('./node/commands/parse.ts'),
              import('./node/commands/parse-fetcher.ts'),
            ]);
            return parseCommand(deps, args, fetchForParse, lang);
          },
          { HUB_DB: ':memory:' },
        );
      case 'digest':
        return await withDeps(async (deps) =>
          (await import('./node/commands/digest.ts')).digestCommand(deps, args, lang),
        );
      case 'pull':
        return await withDeps(async (deps) =>
          (await import('./node/commands/pull.ts')).pullCommand(deps, args, lang),
        );
      case 'networks':
        return await withDeps(async (deps) =>
          (await import('./node/commands/networks.ts')).networksCommand(deps, args, lang),
        );
      case 'demo':
        return await (await import('./node/commands/demo.ts')).demoCommand(args, lang);
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
