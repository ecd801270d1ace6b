/**
 * What a refresh writes on its source's row (validators, health, backoff) and what it reports,
 * for each way a refresh ends: a document stored, a 304, a 410, a failure. Pure, but for the
 * report's duration (the time it is built at).
 */
import type { SourceRow } from '../../db/schema/sources.ts';
import type { SourceUpdate } from '../source-record.ts';
import { followRedirect, nextFetchAfterError, nextFetchAfterSuccess } from '../backoff.ts';
import { IngestError, type FetchOutcome, type SourceReport, type StoreResult } from '../types.ts';

/** A fetched document's validators, saved on the source once what it holds is stored. */
export type Validators = { etag: string | null; lastModified: string | null };

/** What is known of a refresh when it reports: its source, and when it began (Date.now()). */
export interface ReportBase {
  source: SourceRow;
  started: number;
}

/** A report: counts and error empty unless `fields` say otherwise; timed now. */
export function sourceReport(
  { source, started }: ReportBase,
  fields: Pick<SourceReport, 'outcome' | 'httpStatus' | 'nextFetchAt'> & Partial<SourceReport>,
): SourceReport {
  return {
    sourceId: source.id,
    networkSlug: source.networkSlug,
    url: source.fetchUrl,
    kind: source.kind,
    new: 0,
    updated: 0,
    unchanged: 0,
    errorKind: null,
    error: null,
    truncated: null,
    warning: null,
    ...fields,
    ms: Date.now() - started,
  };
}

/** A source's state after it answered, before what its document adds: when it is due again. */
export type Health = SourceUpdate & { nextFetchAt: number };

/** A source that answered (200 or 304): healthy again, its redirect followed, due later. */
export function healthAfterFetch(source: SourceRow, fetched: FetchOutcome, now: number): Health {
  return {
    ...followRedirect(source, fetched.permanentRedirect),
    lastStatus: fetched.httpStatus,
    lastFetchAt: now,
    lastSuccessAt: now,
    lastError: null,
    lastErrorKind: null,
    errorCount: 0,
    nextFetchAt: nextFetchAfterSuccess(now),
  };
}

/** HTTP 410 is the member saying "this feed is gone for good": stop pulling it, say so on /networks. */
export function retiredState(now: number): SourceUpdate {
  return {
    status: 'retired',
    lastStatus: 410,
    lastFetchAt: now,
    lastError: 'Flux retiré par son site (HTTP 410 Gone) : il n’est plus relevé.',
    lastErrorKind: 'http_error',
  };
}

/** What a stored document leaves on its source. */
export interface DocumentStored {
  result: StoreResult;
  validators: Validators;
  warning: string | null;
  /** The document's (or its discovered link's) title, kept when the source has none. */
  title: string | null;
  /** Set when an HTML page led to this feed: the source follows it from now on. */
  discoveredUrl?: string;
}

/** The source's new state after a document that was stored. */
export function stateAfterDocument(
  source: SourceRow,
  health: SourceUpdate,
  { result, validators, warning, title, discoveredUrl }: DocumentStored,
): SourceUpdate {
  return {
    ...health,
    ...validators,
    // Recorded at each read: a document that fits again clears it.
    truncatedKept: result.truncated?.kept ?? null,
    truncatedTotal: result.truncated?.total ?? null,
    // Likewise: a document well-formed again clears the warning.
    lastWarning: warning?.slice(0, 1000) ?? null,
    ...(discoveredUrl ? { fetchUrl: discoveredUrl, redirectUrl: null, redirectCount: 0 } : {}),
    ...(!source.title && title ? { title: title.slice(0, 300) } : {}),
    // A history left to resume that this document does not go on with (no longer a hub's feed):
    // dropped, or every later pull would be read in full for it.
    ...(source.historyResume ? { historyResume: null } : {}),
  };
}

/** The reader's warning (a malformed feed repaired) and the store's (the flood quota), joined. */
export function warningOf(readWarning: string | null, result: StoreResult): string | null {
  return [readWarning, result.warning].filter(Boolean).join(' ; ') || null;
}

/**
 * A failed refresh: the source's new state (its error, a longer backoff) and its report.
 * `httpStatus` is the source's answer when the failure came after it (a feed unreadable).
 */
export function failureState(
  base: ReportBase,
  now: number,
  httpStatus: number | null,
  err: unknown,
): { failure: IngestError; record: SourceUpdate; report: SourceReport } {
  const failure = asIngestError(err);
  const errorCount = base.source.errorCount + 1;
  const nextFetchAt = nextFetchAfterError(now, errorCount, failure.retryAfterMs);
  const record: SourceUpdate = {
    lastStatus: failure.status ?? httpStatus,
    lastFetchAt: now,
    lastError: failure.message.slice(0, 1000),
    lastErrorKind: failure.kind,
    errorCount,
    nextFetchAt,
  };
  const report = sourceReport(base, {
    outcome: 'error',
    httpStatus: record.lastStatus ?? null,
    errorKind: failure.kind,
    error: record.lastError!,
    nextFetchAt,
  });
  return { failure, record, report };
}

function asIngestError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  // A parser bug or an exotic document: recorded like any other failure, with its message.
  return new IngestError(
    'parse_error',
    `Lecture impossible : ${(err as Error)?.message ?? String(err)}`,
  );
}
