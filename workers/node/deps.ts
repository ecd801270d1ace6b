import { lookup } from 'node:dns/promises';
import { availableParallelism } from 'node:os';
import { loadConfig, type Config } from '../../src/env.ts';
import { jsonLogger, leveledLogger, systemClock, type Deps, type Logger } from '../../src/deps.ts';
import { openSqlite } from './sqlite.ts';
import { memoryResponseCache } from '../../src/publish/cache.ts';
import type { Mailer } from '../../src/deps.ts';
import type { Database } from '../../src/db/client.ts';
import {
  inProcessDispatcher,
  type InProcessDispatcher,
} from '../../src/ingest/in-process-dispatcher.ts';
import { feedReaderPool } from './feed-reader-pool.ts';
import { readFederationFile } from './federation-file.ts';
import { nodeClientAddress } from './client-address.ts';
import type { Lang } from '../../src/web/i18n.ts';

/** One core stays with the main thread (SQLite, HTTP); readers take the others, up to 2. */
function defaultParseThreads(): number {
  return Math.min(2, Math.max(0, availableParallelism() - 1));
}

/**
 * The SMTP mailer, loaded with the first message: nodemailer holds ~3 MB of heap, and a hub
 * sends mail rarely (digests, confirmations), most processes (a pull, serve between digests)
 * never. bin/bundle.js puts a dynamic import() in a file of its own, loaded when first called.
 */
function lazySmtpMailer(url: string, from: string, db: Database): Mailer {
  let loaded: Promise<Mailer> | undefined;
  const mailer = () =>
    (loaded ??= import('./smtp-mailer.ts').then((m) => m.smtpMailer(url, from, db)));
  return {
    send: async (message) => (await mailer()).send(message),
    async close() {
      if (loaded) await (await loaded).close?.();
    },
  };
}

/**
 * The guarded fetch (guarded-fetch.ts), loaded with the first fetch: its HTTP client (undici's
 * package, ~3 MB of heap) is not needed by a hub that has nothing to pull yet.
 */
function lazyGuardedFetch(): typeof fetch {
  let loaded: Promise<typeof fetch> | undefined;
  return async (input, init) => {
    loaded ??= import('./guarded-fetch.ts').then((m) => m.guardedFetch());
    return (await loaded)(input, init);
  };
}

/**
 * The process's environment: the one place the hub reads process.env (settings are parsed from
 * it once, by env.ts; test/unit/runtime-boundary.test.ts keeps every other module from it).
 */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}

/**
 * The command line's language, by the POSIX order: the first of LC_ALL, LC_MESSAGES and LANG
 * that is set decides. English for `en*` (en_US.UTF-8, en_GB, en); French otherwise, `C` and
 * unset included, since the federation speaks French first.
 */
export function cliLang(env: Record<string, string | undefined> = processEnv()): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en(?:[_.@-]|$)/i.test(locale) ? 'en' : 'fr';
}

/**
 * Node's log: JSON lines on stderr, whatever the level. stdout belongs to the command's
 * output (a summary, `pull --json`, `parse`), which scripts read; `serve` has none.
 */
export const stderrLogger: Logger = jsonLogger((_level, line) => {
  process.stderr.write(`${line}\n`);
});

export type NodeDeps = Deps & { dispatcher: InProcessDispatcher; close(): Promise<void> };

/** Builds the Node runtime's services: SQLite file, system DNS, SMTP when configured. */
export function nodeDeps(
  options: { env?: Record<string, unknown>; config?: Config; log?: Logger } = {},
): NodeDeps {
  const config = options.config ?? loadConfig(options.env ?? processEnv());
  const db = openSqlite(config.dbPath);
  const threads = config.parseThreads ?? defaultParseThreads();
  // Every level on stderr: a command's stdout is its result (`pull --json` is JSON only).
  const log = options.log ?? leveledLogger(config.logLevel, stderrLogger);
  const feedReader =
    threads > 0
      ? feedReaderPool(threads, {
          onFallback: (why) =>
            log.warn('feed reader threads cannot start; reading documents in line', { why }),
        })
      : undefined;
  const deps: NodeDeps = {
    config,
    db,
    clock: systemClock,
    // With private hosts refused, every connection's own DNS answer is checked too (rebinding).
    fetch: config.allowPrivateHosts ? globalThis.fetch : lazyGuardedFetch(),
    resolver: {
      async lookup(host) {
        const found = await lookup(host, { all: true, verbatim: true });
        return found.map((a) => a.address);
      },
    },
    // loadConfig refuses HUB_SMTP_URL without HUB_MAIL_FROM.
    mailer:
      config.smtpUrl && config.mailFrom
        ? lazySmtpMailer(config.smtpUrl, config.mailFrom, db)
        : null,
    // Scheduled pulls run here, one run at a time (Workers use a Queue instead).
    dispatcher: inProcessDispatcher(() => deps),
    clientAddress: nodeClientAddress(config.trustProxy),
    log,
    // Feeds are re-rendered when the store changes; its version is re-read at most once a second.
    responseCache: memoryResponseCache({ versionTtlMs: 1000 }),
    feedReader,
    federationFile: { read: () => readFederationFile(config.networksFile) },
    async close() {
      await deps.dispatcher.idle();
      await feedReader?.close();
      await deps.mailer?.close?.();
      db.close();
    },
  };
  return deps;
}
