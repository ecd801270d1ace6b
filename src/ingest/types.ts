/**
 * Contracts between the stages of the pull pipeline (fetch → decode → parse → store).
 * Each stage lives in its own module; refresh.ts is the one place that joins them.
 */
import type { Enclosure } from '../db/schema/items.ts';

export type { Enclosure };

/** One news item as read from a member feed: sanitised HTML, absolute URLs, dates as found (null when missing or invalid). */
export interface ParsedItem {
  guid: string | null;
  url: string | null;
  title: string | null;
  published: Date | null;
  updated: Date | null;
  author: string | null;
  summary: string | null;
  contentHtml: string | null;
  /**
   * The plain text of contentHtml as htmlToText(contentHtml, { blocks: '\n' }) reads it, when
   * the reader collected it while sanitising (sanitizeHtmlWithText): deduplication's text
   * without a second HTML parse.
   */
  contentText?: string;
  categories: string[];
  enclosures: Enclosure[];
}

export interface ParsedFeed {
  kind: 'feed';
  format: 'rss' | 'rdf' | 'atom' | 'json';
  title: string | null;
  link: string | null;
  items: ParsedItem[];
  /**
   * Set when the document was malformed and read by the recovering pass (every item kept):
   * what was wrong, for the source's warning.
   */
  warning?: string;
}

/** Why a fetch or a parse failed, recorded on the source (sources.last_error_kind). */
export type ErrorKind =
  | 'blocked_host'
  | 'invalid_url'
  | 'dns'
  | 'network'
  | 'timeout'
  | 'too_large'
  | 'http_error'
  | 'redirect_loop'
  | 'decode_error'
  | 'parse_error'
  /** Reading the document took longer than READ_BUDGET_MS (ingest/read-budget.ts). */
  | 'read_timeout'
  | 'not_a_feed'
  | 'storage_error';

/** A failure with a kind and a message a coordinator can read. */
export class IngestError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
    /** From Retry-After on 429/503. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** A database failure as a source's report gives it: a storage error (IngestErrors pass as they are). */
export function storageError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  return new IngestError(
    'storage_error',
    `Enregistrement impossible : ${(err as Error)?.message ?? String(err)}`,
  );
}

/**
 * A document read only in part because it exceeded a cap: `kept` of its `total` events or
 * items were stored (always the same ones for the same document: the nearest in time first).
 */
export interface Truncation {
  kept: number;
  total: number;
}

/** What the store did with one document's items (or events). */
export interface StoreResult {
  new: number;
  updated: number;
  unchanged: number;
  /** Set when a cap cut the document short; the source then says "ok, tronqué : N sur M". */
  truncated?: Truncation;
  /** Why, when the store itself held entries back (the flood quota), for the source's warning. */
  warning?: string;
}

/** What `intercoop parse` prints (INTERFACE.md): dates are ISO 8601 with offset, null where absent. */
export interface ParseOutput {
  kind: 'feed' | 'calendar';
  title: string | null;
  link: string | null;
  /** A malformed feed read by the recovering pass: what was wrong (feeds only). */
  warning?: string | null;
  items: Array<{
    id: string | null;
    url: string | null;
    title: string | null;
    published: string | null;
    updated: string | null;
    author: string | null;
    summary: string | null;
    content_html: string | null;
    categories: string[];
    enclosures: Enclosure[];
  }>;
  events: Array<{
    uid: string;
    title: string | null;
    start: string;
    end: string | null;
    all_day: boolean;
    timezone: string | null;
    location: string | null;
    url: string | null;
    description: string | null;
    rrule: string | null;
  }>;
}

/** What refresh asks the fetcher for: the URL and the validators from the last success. */
export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  /** Overrides config.fetch.timeoutMs / maxBytes (tests, `parse`). */
  timeoutMs?: number;
  maxBytes?: number;
}

/** Validators and redirect facts common to every answer. */
interface FetchAnswer {
  /** HTTP status of the final response. */
  httpStatus: number;
  /** URL of the final response, after redirects. */
  url: string;
  /**
   * Where the chain of redirects ends when every hop was permanent (301/308), else null:
   * refresh records it and adopts it once it has been seen on consecutive fetches.
   */
  permanentRedirect: string | null;
  etag: string | null;
  lastModified: string | null;
}

/**
 * Outcome of one fetch. Every failure (blocked host, timeout, too large, HTTP 4xx/5xx other
 * than 410, redirect loop, network) is thrown as an IngestError instead.
 */
export type FetchOutcome =
  | (FetchAnswer & { status: 'ok'; body: Uint8Array; contentType: string | null })
  | (FetchAnswer & { status: 'not_modified' })
  | (FetchAnswer & { status: 'gone' });

/** How one source's refresh went, for the CLI summary, the admin API and the pulls table. */
export interface SourceReport {
  sourceId: number;
  networkSlug: string;
  url: string;
  kind: 'feed' | 'calendar' | 'site';
  outcome: 'ok' | 'not_modified' | 'gone' | 'error';
  httpStatus: number | null;
  new: number;
  updated: number;
  unchanged: number;
  errorKind: ErrorKind | null;
  error: string | null;
  /** Set when the document was stored in part (a cap): outcome stays 'ok'. */
  truncated: Truncation | null;
  /** Set when a malformed document was read by the recovering pass: outcome stays 'ok'. */
  warning: string | null;
  /** When the source is due again (epoch ms): backoff after errors. */
  nextFetchAt: number;
  ms: number;
}

/** One run of pull (ingest/pull.ts). */
export interface PullSummary {
  pullId: number;
  trigger: string;
  startedAt: number;
  finishedAt: number;
  sources: number;
  ok: number;
  notModified: number;
  failed: number;
  newItems: number;
  updatedItems: number;
  reports: SourceReport[];
}
