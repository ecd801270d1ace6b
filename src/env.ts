import { z } from 'zod';
import { checkCronSetting, CronError } from './cron.ts';

/**
 * Settings, read once from the runtime's environment (process.env on Node, `[vars]` on
 * Workers). Nothing else in the hub reads the environment: everything gets a Config.
 */
const flag = z
  .string()
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  HUB_DB: z.string().default('./data/hub.sqlite'),
  HUB_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HUB_NETWORKS: z.string().default('./networks.yaml'),
  HUB_BASE_URL: z.string().url().optional(),
  HUB_ADMIN_TOKEN: z.string().min(1).optional(),
  HUB_PULL_CRON: z.string().default('*/30 * * * *'),
  HUB_DIGEST_CRON: z.string().default('0 8 * * 1'),
  HUB_ALLOW_PRIVATE_HOSTS: flag,
  HUB_SMTP_URL: z.string().optional(),
  HUB_MAIL_FROM: z.string().optional(),
  HUB_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  HUB_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  HUB_FETCH_CONCURRENCY: z.coerce.number().int().positive().default(8),
  HUB_FETCH_PER_HOST: z.coerce.number().int().positive().default(2),
  HUB_PARSE_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  HUB_SECRET: z.string().optional(),
  HUB_MAIL_API_URL: z.string().url().default('https://api.resend.com/emails'),
  HUB_MAIL_API_KEY: z.string().min(1).optional(),
  HUB_LOG_LEVEL: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
  // CSP frame-ancestors sources: `*`, 'self', schemes, or origins, separated by spaces.
  HUB_EMBED_ANCESTORS: z
    .string()
    .regex(/^[^;,\s][^;,]*$/, 'a list of origins separated by spaces (no ; or ,)')
    .default('*'),
  HUB_TRUST_PROXY: z.coerce.number().int().min(0).max(16).default(0),
  HUB_MAX_NEW_PER_PULL: z.coerce.number().int().min(1).default(300),
  HUB_RETENTION_MONTHS: z.coerce.number().int().min(0).max(1200).default(0),
});

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
  const parsed = schema.safeParse(strings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid setting ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
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
