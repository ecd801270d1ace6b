import { checkCronSetting, CronError } from './cron.ts';

/**
 * Settings, read once from the runtime's environment (process.env on Node, `[vars]` on
 * Workers). Nothing else in the hub reads the environment: everything gets a Config.
 *
 * Checked by hand rather than with a schema library: a handful of strings and numbers, and
 * zod kept ~6 MB resident in `serve` for it, out of the 70 MB it may hold at rest (issue 19).
 */

/** A setting's value refused: why, in a few words (the caller names the setting). */
class BadValue extends Error {}

/** Reads settings from their string forms; each reader returns its default when unset. */
function reader(values: Record<string, string>) {
  const read = <T>(name: string, parse: (v: string) => T, fallback: T): T => {
    const v = values[name];
    if (v === undefined) return fallback;
    try {
      return parse(v);
    } catch (err) {
      if (err instanceof BadValue) throw new ConfigError(`Invalid setting ${name}: ${err.message}`);
      throw err;
    }
  };
  return {
    text: <D extends string | undefined>(name: string, fallback: D) =>
      read<string | D>(name, (v) => v, fallback),
    /** A whole number within [min, max] (decimal, or anything Number() reads as one). */
    whole: <D extends number | undefined>(name: string, min: number, max: number, fallback: D) =>
      read<number | D>(
        name,
        (v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < min || n > max)
            throw new BadValue(
              `expected a whole number ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}` +
                `, got "${v}"`,
            );
          return n;
        },
        fallback,
      ),
    flag: (name: string) => read(name, (v) => v === '1' || v === 'true' || v === 'yes', false),
    url: <D extends string | undefined>(name: string, fallback: D) =>
      read<string | D>(
        name,
        (v) => {
          try {
            new URL(v);
          } catch {
            throw new BadValue(`expected an absolute URL, got "${v}"`);
          }
          return v;
        },
        fallback,
      ),
    oneOf: <T extends string>(name: string, options: readonly T[], fallback: T) =>
      read<T>(
        name,
        (v) => {
          if (!(options as readonly string[]).includes(v))
            throw new BadValue(`expected one of ${options.join(', ')}, got "${v}"`);
          return v as T;
        },
        fallback,
      ),
    matching: (name: string, pattern: RegExp, what: string, fallback: string) =>
      read(
        name,
        (v) => {
          if (!pattern.test(v)) throw new BadValue(`${what}, got "${v}"`);
          return v;
        },
        fallback,
      ),
  };
}

const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;

export interface Config {
  dbPath: string;
  port: number;
  networksFile: string;
  /** From HUB_BASE_URL; when absent the federation file's hub.base_url is used. */
  baseUrl: string | undefined;
  adminToken: string | undefined;
  pullCron: string;
  digestCron: string;
  allowPrivateHosts: boolean;
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  fetch: { timeoutMs: number; maxBytes: number; concurrency: number; perHost: number };
  /** Threads reading feed documents during pulls (Node; 0: in line). Unset: the runtime decides. */
  parseThreads: number | undefined;
  /** Key for signed tokens (newsletter); falls back to the admin token, then to a per-database random key. */
  secret: string | undefined;
  /** Workers mailer: a Resend-compatible HTTP email API (see src/newsletter/http-mailer.ts). */
  mailApi: { url: string; key: string | undefined };
  /** JSON log lines below this level are dropped (HUB_LOG_LEVEL). */
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  /** Who may frame the /embed/* widgets (CSP frame-ancestors); every other page: nobody. */
  embedAncestors: string;
  /**
   * Node: how many reverse proxies in front of the hub append to X-Forwarded-For (HUB_TRUST_PROXY).
   * 0: the socket's address is the client's, whatever the headers say.
   */
  trustProxy: number;
  /**
   * New entries one source may add in one pull (HUB_MAX_NEW_PER_PULL): the newest are kept, the
   * source records the cut as a warning, the rest come in later pulls if they are still there.
   */
  maxNewPerPull: number;
  /** Stories older than this many months are pruned, and not stored again (0: kept for ever). */
  retentionMonths: number;
}

export class ConfigError extends Error {}

/** Parses raw settings into a Config, with a readable message on the first bad value. */
export function loadConfig(raw: Record<string, unknown>): Config {
  // Workers vars may be booleans or numbers: compare everything as strings.
  const strings = Object.fromEntries(
    Object.entries(raw)
      .filter(([k, v]) => k.startsWith('HUB_') && v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  const r = reader(strings);
  const e = {
    HUB_DB: r.text('HUB_DB', './data/hub.sqlite'),
    HUB_PORT: r.whole('HUB_PORT', 0, 65535, 8787),
    HUB_NETWORKS: r.text('HUB_NETWORKS', './networks.yaml'),
    HUB_BASE_URL: r.url('HUB_BASE_URL', undefined),
    HUB_ADMIN_TOKEN: r.text('HUB_ADMIN_TOKEN', undefined),
    HUB_PULL_CRON: r.text('HUB_PULL_CRON', '*/30 * * * *'),
    HUB_DIGEST_CRON: r.text('HUB_DIGEST_CRON', '0 8 * * 1'),
    HUB_ALLOW_PRIVATE_HOSTS: r.flag('HUB_ALLOW_PRIVATE_HOSTS'),
    HUB_SMTP_URL: r.text('HUB_SMTP_URL', undefined),
    HUB_MAIL_FROM: r.text('HUB_MAIL_FROM', undefined),
    HUB_FETCH_TIMEOUT_MS: r.whole('HUB_FETCH_TIMEOUT_MS', 1, Infinity, 15_000),
    HUB_FETCH_MAX_BYTES: r.whole('HUB_FETCH_MAX_BYTES', 1, Infinity, 5 * 1024 * 1024),
    HUB_FETCH_CONCURRENCY: r.whole('HUB_FETCH_CONCURRENCY', 1, Infinity, 8),
    HUB_FETCH_PER_HOST: r.whole('HUB_FETCH_PER_HOST', 1, Infinity, 2),
    HUB_PARSE_THREADS: r.whole('HUB_PARSE_THREADS', 0, 16, undefined),
    HUB_SECRET: r.text('HUB_SECRET', undefined),
    HUB_MAIL_API_URL: r.url('HUB_MAIL_API_URL', 'https://api.resend.com/emails'),
    HUB_MAIL_API_KEY: r.text('HUB_MAIL_API_KEY', undefined),
    HUB_LOG_LEVEL: r.oneOf('HUB_LOG_LEVEL', LOG_LEVELS, 'info'),
    // CSP frame-ancestors sources: `*`, 'self', schemes, or origins, separated by spaces.
    HUB_EMBED_ANCESTORS: r.matching(
      'HUB_EMBED_ANCESTORS',
      /^[^;,\s][^;,]*$/,
      'a list of origins separated by spaces (no ; or ,)',
      '*',
    ),
    HUB_TRUST_PROXY: r.whole('HUB_TRUST_PROXY', 0, 16, 0),
    HUB_MAX_NEW_PER_PULL: r.whole('HUB_MAX_NEW_PER_PULL', 1, Infinity, 300),
    HUB_RETENTION_MONTHS: r.whole('HUB_RETENTION_MONTHS', 0, 1200, 0),
  };
  // One cron dialect on both runtimes (src/cron.ts), checked here: at start-up on Node, on
  // every invocation on Workers.
  for (const [name, expr] of [
    ['HUB_DIGEST_CRON', e.HUB_DIGEST_CRON],
    ['HUB_PULL_CRON', e.HUB_PULL_CRON],
  ] as const) {
    try {
      checkCronSetting(name, expr);
    } catch (err) {
      if (err instanceof CronError) throw new ConfigError(err.message);
      throw err;
    }
  }
  checkMailFrom(
    e.HUB_MAIL_FROM,
    e.HUB_SMTP_URL ? 'HUB_SMTP_URL' : e.HUB_MAIL_API_KEY ? 'HUB_MAIL_API_KEY' : null,
  );
  return {
    dbPath: e.HUB_DB,
    port: e.HUB_PORT,
    networksFile: e.HUB_NETWORKS,
    baseUrl: e.HUB_BASE_URL?.replace(/\/+$/, ''),
    adminToken: e.HUB_ADMIN_TOKEN,
    pullCron: e.HUB_PULL_CRON,
    digestCron: e.HUB_DIGEST_CRON,
    allowPrivateHosts: e.HUB_ALLOW_PRIVATE_HOSTS,
    smtpUrl: e.HUB_SMTP_URL,
    mailFrom: e.HUB_MAIL_FROM,
    fetch: {
      timeoutMs: e.HUB_FETCH_TIMEOUT_MS,
      maxBytes: e.HUB_FETCH_MAX_BYTES,
      concurrency: e.HUB_FETCH_CONCURRENCY,
      perHost: e.HUB_FETCH_PER_HOST,
    },
    parseThreads: e.HUB_PARSE_THREADS,
    secret: e.HUB_SECRET ?? e.HUB_ADMIN_TOKEN,
    mailApi: { url: e.HUB_MAIL_API_URL, key: e.HUB_MAIL_API_KEY },
    logLevel: e.HUB_LOG_LEVEL,
    embedAncestors: e.HUB_EMBED_ANCESTORS.trim().replace(/\s+/g, ' '),
    trustProxy: e.HUB_TRUST_PROXY,
    maxNewPerPull: e.HUB_MAX_NEW_PER_PULL,
    retentionMonths: e.HUB_RETENTION_MONTHS,
  };
}

/**
 * Once a mailer is configured, digests and confirmations need a sender the provider accepts:
 * a made-up default (`newsletter@localhost`) is refused by every API and most relays, and
 * that would only show once people subscribe.
 */
function checkMailFrom(from: string | undefined, mailer: string | null): void {
  if (!mailer) return;
  if (!from)
    throw new ConfigError(
      `HUB_MAIL_FROM is required once a mailer is configured (${mailer} is set): the sender of ` +
        'the newsletter, e.g. HUB_MAIL_FROM="Intercoop <lettre@example.org>".',
    );
  if (!/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(from.trim()))
    throw new ConfigError(
      `HUB_MAIL_FROM is not an address: "${from}" (expected lettre@example.org or ` +
        '"Intercoop <lettre@example.org>").',
    );
}
