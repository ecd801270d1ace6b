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
  categories: string[];
  enclosures: Enclosure[];
}

export interface ParsedFeed {
  kind: 'feed';
  format: 'rss' | 'rdf' | 'atom' | 'json';
  title: string | null;
  link: string | null;
  items: ParsedItem[];
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

/** What the store did with one document's items (or events). */
export interface StoreResult {
  new: number;
  updated: number;
  unchanged: number;
}

/** What `intercoop parse` prints (INTERFACE.md): dates are ISO 8601 with offset, null where absent. */
export interface ParseOutput {
  kind: 'feed' | 'calendar';
  title: string | null;
  link: string | null;
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
