import type { Config } from './env.ts';
import type { Database } from './db/client.ts';
import type { FeedReader } from './ingest/feed-reader.ts';
import type { ResponseCache } from './publish/cache.ts';
import { withoutCredentials } from './public-url.ts';

/** Time, injectable so tests and the digest can travel. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Resolves a host name to IP addresses (for the private-address guard). */
export interface Resolver {
  /** Empty when the runtime cannot resolve (Workers): only literal addresses are checked then. */
  lookup(host: string): Promise<string[]>;
}

export interface MailMessage {
  to: string;
  /** Sender; the mailer's configured sender (HUB_MAIL_FROM) when absent. */
  from?: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * Why a message did not leave:
 * - `temporary`: try again later (4xx SMTP, dropped connection, 429/5xx API, a refused message);
 * - `recipient`: this address is refused for good (5xx to RCPT TO, unknown mailbox): it bounces;
 * - `configuration`: the hub's own mail settings are refused (revoked key, unverified sender,
 *   failed SMTP login): every message would fail alike, so the run stops and nobody is marked.
 */
export type SendFailure = 'temporary' | 'recipient' | 'configuration';

/** Outcome of one delivery. */
export type SendResult =
  | { ok: true; messageId?: string }
  | { ok: false; failure: SendFailure; error: string };

/** A message as the demo's mail catcher kept it. */
export interface CaughtMail {
  id: number;
  at: number;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** Read side of an in-process mail catcher. */
export interface Mailbox {
  /** Newest first. */
  list(): CaughtMail[];
  get(id: number): CaughtMail | null;
}

export interface Mailer {
  send(message: MailMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

/**
 * Orders the store steps of every process or invocation writing to one database: dedup reads
 * what is stored, decides, then writes, so two stores interleaving would each keep a story both
 * relay. Workers: a Durable Object (workers/cloudflare/store-turns.ts), no polling. Absent:
 * the lease row of ingest/store-lease.ts (Node: several processes on one SQLite file).
 */
export interface StoreTurns {
  /** Runs `store` once no other store of this database runs; its value or its error. */
  run<T>(store: () => Promise<T>): Promise<T>;
}

/** Hands due sources to whatever pulls them: a Queue on Workers, a pool in-process on Node. */
export interface PullDispatcher {
  /** `trigger` names the run in `pulls` (cron, admin): how /healthz and the console show it. */
  dispatch(sourceIds: number[], trigger?: string): Promise<void>;
}

/**
 * The address of the client that sent a request, for per-client limits. Only the runtime knows
 * which part of a request can be trusted: Cloudflare's own `CF-Connecting-IP` on Workers (set by
 * the edge, never by the client), the socket on Node (or a trusted proxy's X-Forwarded-For
 * entry, HUB_TRUST_PROXY). '' when unknown. `env` is the runtime's per-request bindings (Hono's
 * `c.env`).
 */
export type ClientAddress = (request: Request, env: unknown) => string;

export interface Logger {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/**
 * JSON log lines written by `write`. Every line goes through `withoutCredentials`: a source's
 * URL, an error quoting it or the SMTP URL never carries its password into the logs.
 */
export function jsonLogger(
  write: (level: 'info' | 'warn' | 'error', line: string) => void,
): Logger {
  const line =
    (level: 'info' | 'warn' | 'error') => (msg: string, data?: Record<string, unknown>) =>
      write(level, withoutCredentials(JSON.stringify({ level, msg, ...data })));
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

export const consoleLogger: Logger = jsonLogger((level, text) =>
  level === 'info'
    ? console.log(text)
    : level === 'warn'
      ? console.warn(text)
      : console.error(text),
);

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';

/** The console logger without the levels below `level` (HUB_LOG_LEVEL). */
export function leveledLogger(level: LogLevel, base: Logger = consoleLogger): Logger {
  const rank = { info: 0, warn: 1, error: 2, silent: 3 }[level];
  return {
    info: rank <= 0 ? base.info : silentLogger.info,
    warn: rank <= 1 ? base.warn : silentLogger.warn,
    error: rank <= 2 ? base.error : silentLogger.error,
  };
}

/** Everything a handler or a job needs, built once per runtime (workers/node, workers/cloudflare). */
export interface Deps {
  config: Config;
  db: Database;
  clock: Clock;
  /** The platform fetch, which the member fetcher (ingest/fetch.ts) uses as it is. */
  fetch: typeof fetch;
  resolver: Resolver;
  mailer: Mailer | null;
  dispatcher: PullDispatcher;
  /** Who sent a request (per-client rate limits); see ClientAddress. */
  clientAddress: ClientAddress;
  log: Logger;
  /**
   * Where rendered feeds are kept between requests (see publish/cache.ts): the Cache API on
   * Workers, an in-memory LRU on Node. Absent or null: every request renders.
   */
  responseCache?: ResponseCache | null;
  /** Reads feed documents for the pull (see ingest/feed-reader.ts); absent: in line. */
  feedReader?: FeedReader;
  /** Whose turn it is to store (see StoreTurns); absent: the database's lease row. */
  storeTurns?: StoreTurns;
  /**
   * The federation file (Node: HUB_NETWORKS), read by the console to warn when a changed file
   * is about to replace its edits. Absent where the hub has no file (Workers).
   */
  federationFile?: { read(): Promise<string | null> };
  /** The demo's mail catcher (src/demo/mailbox.ts): /demo/mailbox shows it. Absent outside the demo. */
  mailbox?: Mailbox;
}
