/**
 * Refreshes one source: fetch → decode → (discover) → parse → store, then records what
 * happened on the source row (validators, health, backoff). The one place where the stages
 * of the pipeline meet; each stage lives in its own module.
 *
 * Never throws for a member's fault: every failure becomes a recorded error on that source
 * and a report, so one broken feed never stops the others. Validators (ETag, Last-Modified)
 * are saved with the items, in the same transaction (store-batcher.ts), or after them: a failed
 * or lost store must not turn into a 304 later.
 */
import { publicUrl } from '../public-url.ts';
import type { Deps } from '../deps.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { recordSource, recordStatement, type SourceUpdate } from './source-record.ts';
import { fetchDocument } from './fetch.ts';
import { decodeBody } from './decode.ts';
import { discoverFeeds } from './discover.ts';
import { isHtmlPage } from './parse-feed.ts';
import { inlineFeedReader, type ReadFeed } from './feed-reader.ts';
import { StoreBatcher, type Lane } from './store-batcher.ts';
import { yieldToEventLoop } from './yield.ts';
import { serialized } from './serialize.ts';
import { storeInTurn } from './store-lease.ts';
import {
  calendarReadOptions,
  isCalendar,
  storeCalendar,
  storeParsedCalendar,
} from '../agenda/store-calendar.ts';
import { readUpstream, type Upstream } from './upstream.ts';
import { upstreamStatements } from './store-upstream.ts';
import { followRedirect, nextFetchAfterError, nextFetchAfterSuccess } from './backoff.ts';
import {
  IngestError,
  storageError,
  type FetchOutcome,
  type SourceReport,
  type StoreResult,
} from './types.ts';

/** A calendar, stored as it was read: counts and the title to remember. */
interface StoredCalendar {
  kind: 'calendar';
  result: StoreResult;
  title: string | null;
  validators: Validators;
  /** Settles when the stored events are committed (a group commit may hold them a moment). */
  committed: Promise<void>;
}

/** A feed document read, to be stored with the pull's batch (store-batcher.ts). */
interface ReadDocument {
  kind: 'feed';
  feed: ReadFeed;
  upstream: Upstream | null;
  validators: Validators;
  /** Set when the document was an HTML page whose feed was discovered and read instead. */
  discoveredUrl?: string;
  /** The discovered link's title, for a feed without one. */
  linkTitle?: string | null;
}

type Validators = { etag: string | null; lastModified: string | null };

/** Heap bytes of a read feed per byte fetched: 374 KB for a bench:ingest feed of 125 KB. */
const READ_BYTES_PER_BYTE = 3;

/**
 * Refreshes a source in two steps. It resolves once the document is fetched, read and handed
 * to the pull's store batch (`batcher`; a batch of its own when absent), when a pull can give
 * its turn to another source; `report` settles once the stored items and the source's new
 * state, written together, are committed.
 */
export async function refreshInTurn(
  deps: Deps,
  source: SourceRow,
  batcher: StoreBatcher = new StoreBatcher(deps),
): Promise<{ report: Promise<SourceReport> }> {
  const lane = batcher.lane();
  try {
    return await refreshThrough(deps, source, lane);
  } finally {
    lane.end();
  }
}

async function refreshThrough(
  deps: Deps,
  source: SourceRow,
  lane: Lane,
): Promise<{ report: Promise<SourceReport> }> {
  const started = Date.now();
  const now = deps.clock.now().getTime();
  // Every outcome's report: counts and error empty unless said otherwise.
  const report = (
    fields: Pick<SourceReport, 'outcome' | 'httpStatus' | 'nextFetchAt'> & Partial<SourceReport>,
  ): SourceReport => ({
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
  });
  let lastStatus: number | null = null;
  const failure = (err: unknown) => {
    const failure = asIngestError(err);
    const errorCount = source.errorCount + 1;
    const nextFetchAt = nextFetchAfterError(now, errorCount, failure.retryAfterMs);
    const record: SourceUpdate = {
      lastStatus: failure.status ?? lastStatus,
      lastFetchAt: now,
      lastError: failure.message.slice(0, 1000),
      lastErrorKind: failure.kind,
      errorCount,
      nextFetchAt,
    };
    deps.log.info('source failed', {
      sourceId: source.id,
      url: source.fetchUrl,
      kind: failure.kind,
      error: failure.message,
    });
    return {
      record,
      value: report({
        outcome: 'error',
        httpStatus: record.lastStatus ?? null,
        errorKind: failure.kind,
        error: record.lastError!,
        nextFetchAt,
      }),
    };
  };
  const cannotRecord = (storeErr: unknown) =>
    // The database itself refuses (locked, full): report it, the next pull retries the source.
    deps.log.error('cannot record source error', { sourceId: source.id, error: String(storeErr) });
  /** A failure once the source has handed its last: recorded on its own. */
  const failedLater = async (err: unknown): Promise<SourceReport> => {
    const { record, value } = failure(err);
    try {
      await update(deps, source.id, record);
    } catch (storeErr) {
      cannotRecord(storeErr);
    }
    return value;
  };
  /** The source's record handed to the batch, last; its report once committed. */
  const handRecord = async (
    values: SourceUpdate,
    value: () => SourceReport,
    onError: (err: unknown) => Promise<SourceReport> = failedLater,
  ): Promise<{ report: Promise<SourceReport> }> => {
    const handed = lane.record(source, recordStatement(deps.db, source.id, values));
    await handed.accepted;
    return {
      report: handed.stored.then((s) => storing(() => s.committed)).then(value, onError),
    };
  };
  /** A failure before the source's last hand-off: its record goes with the batch. */
  const failedNow = (err: unknown) => {
    const { record, value } = failure(err);
    return handRecord(
      record,
      () => value,
      async (storeErr) => {
        cannotRecord(storeErr);
        return value;
      },
    );
  };

  // The store is behind: wait before fetching (and below, before reading) rather than hold one
  // more document read.
  await lane.room();
  let outcome: FetchOutcome;
  try {
    outcome = await fetchDocument(deps, {
      url: source.fetchUrl,
      etag: source.etag,
      lastModified: source.lastModified,
    });
  } catch (err) {
    return failedNow(err);
  }
  lastStatus = outcome.httpStatus;
  const redirect = followRedirect(source, outcome.permanentRedirect);
  const health: SourceUpdate = {
    ...redirect,
    lastStatus: outcome.httpStatus,
    lastFetchAt: now,
    lastSuccessAt: now,
    lastError: null,
    lastErrorKind: null,
    errorCount: 0,
    nextFetchAt: nextFetchAfterSuccess(now),
  };
  if (outcome.status === 'gone') {
    // HTTP 410 is the member saying "this feed is gone for good": stop pulling it, say so on /networks.
    return handRecord(
      {
        status: 'retired',
        lastStatus: 410,
        lastFetchAt: now,
        lastError: 'Flux retiré par son site (HTTP 410 Gone) : il n’est plus relevé.',
        lastErrorKind: 'http_error',
      },
      () => report({ outcome: 'gone', httpStatus: 410, nextFetchAt: now }),
    );
  }
  if (outcome.status === 'not_modified') {
    const httpStatus = outcome.httpStatus;
    return handRecord(health, () =>
      report({ outcome: 'not_modified', httpStatus, nextFetchAt: health.nextFetchAt! }),
    );
  }
  // Not `outcome` itself in the closures below: it holds the body until the commit.
  const httpStatus = outcome.httpStatus;
  let read: ReadDocument | StoredCalendar;
  try {
    // A document read holds ~3 times the size of its bytes (store-batcher.ts documentBytes).
    await lane.room(READ_BYTES_PER_BYTE * outcome.body.byteLength);
    read = await readDocument(deps, source, outcome);
  } catch (err) {
    return failedNow(err);
  }
  /** The source's new state after a document that gave `result`. */
  const recordOf = (
    result: StoreResult,
    validators: Validators,
    warning: string | null,
    title: string | null,
    discoveredUrl?: string,
  ): SourceUpdate => ({
    ...health,
    ...validators,
    // Recorded at each read: a document that fits again clears it.
    truncatedKept: result.truncated?.kept ?? null,
    truncatedTotal: result.truncated?.total ?? null,
    // Likewise: a document well-formed again clears the warning.
    lastWarning: warning?.slice(0, 1000) ?? null,
    ...(discoveredUrl ? { fetchUrl: discoveredUrl, redirectUrl: null, redirectCount: 0 } : {}),
    ...(!source.title && title ? { title: title.slice(0, 300) } : {}),
  });
  const reportOf = (result: StoreResult, warning: string | null, discoveredUrl?: string) =>
    report({
      outcome: 'ok',
      httpStatus,
      nextFetchAt: health.nextFetchAt!,
      ...result,
      truncated: result.truncated ?? null,
      warning,
      ...(discoveredUrl ? { url: discoveredUrl } : {}),
    });

  if (read.kind === 'calendar') {
    // Stored in its own turn: validators once its events are committed (a lost store must
    // not turn into a 304 later), in a write of their own.
    const calendar = read;
    lane.end();
    const recorded = async () => {
      await storing(() => calendar.committed);
      await update(
        deps,
        source.id,
        recordOf(calendar.result, calendar.validators, null, calendar.title),
      );
      return reportOf(calendar.result, null);
    };
    return { report: recorded().catch(failedLater) };
  }

  const { feed, upstream, validators, discoveredUrl } = read;
  const title = feed.title ?? read.linkTitle ?? null;
  // The reader's (a malformed feed repaired) and the store's (the flood quota).
  const warningOf = (result: StoreResult) =>
    [feed.warning, result.warning].filter(Boolean).join(' ; ') || null;
  const alongsideUpstream = () => (upstream ? upstreamStatements(deps, source, upstream) : []);

  // Another hub's feed, pulled for the first time: its older pages too (bounded), so a new
  // downstream hub starts with the upstream history rather than one page of it.
  if (upstream?.next && !discoveredUrl && source.lastSuccessAt === null) {
    let result: StoreResult;
    try {
      const stored = await withHistory(deps, source, lane, read, upstream.next);
      // Validators only once the pages are committed (a lost store must not become a 304).
      await storing(() => stored.committed);
      result = stored.result;
    } catch (err) {
      return failedNow(err);
    }
    return handRecord(recordOf(result, validators, warningOf(result), title), () =>
      reportOf(result, warningOf(result)),
    );
  }

  // Validators only with the items: the source's new state is written in the same batch.
  const handed = lane.store(
    {
      source,
      items: feed.items,
      alongside: (result) => [
        ...alongsideUpstream(),
        ...recordStatement(
          deps.db,
          source.id,
          recordOf(result, validators, warningOf(result), title, discoveredUrl),
        ),
      ],
    },
    true,
  );
  await handed.accepted;
  return {
    report: handed.stored
      .then(async ({ value: result, committed }) => {
        await storing(() => committed);
        return reportOf(result, warningOf(result), discoveredUrl);
      })
      .catch(failedLater),
  };
}

/**
 * Decodes a fetched body and reads it as a feed; a calendar is stored at once (in its turn);
 * an HTML page leads to its feed.
 */
async function readDocument(
  deps: Deps,
  source: SourceRow,
  outcome: FetchOutcome & { status: 'ok' },
  hops = 0,
): Promise<ReadDocument | StoredCalendar> {
  const reader = deps.feedReader ?? inlineFeedReader;
  const validators = { etag: outcome.etag, lastModified: outcome.lastModified };
  // Stories' relative links are resolved against the feed's address without its user-info: a
  // private feed's password would otherwise be copied into every link (WHATWG resolution).
  const base = publicUrl(outcome.url);
  // Off the main thread, the bytes are decoded where the feed is read (FeedReader.readBytes):
  // a calendar or an HTML page comes back as text for the steps below.
  const bytesRead =
    reader.readBytes && source.kind !== 'calendar'
      ? await reader.readBytes(outcome.body, outcome.contentType, base, { htmlIsText: hops === 0 })
      : null;
  if (bytesRead?.kind === 'feed')
    return { kind: 'feed', feed: bytesRead.feed, upstream: bytesRead.upstream, validators };
  const text =
    bytesRead?.kind === 'text' ? bytesRead.text : decodeBody(outcome.body, outcome.contentType);
  if (source.kind === 'calendar' || isCalendar(text)) {
    // Off the main thread (Node), a calendar is read before its turn, within the read budget.
    const readAhead = reader.offThread
      ? await reader.readCalendar(text, await calendarReadOptions(deps))
      : null;
    const { value: result, committed } = await serialized(deps.db, () =>
      storeTurn(deps, () =>
        readAhead
          ? storeParsedCalendar(deps, source, readAhead)
          : storeCalendar(deps, source, text),
      ),
    );
    return { kind: 'calendar', result, title: calendarName(text), validators, committed };
  }
  if (hops === 0 && isHtmlPage(text)) {
    // A site address (or a feed URL that now serves its home page): follow <link rel="alternate">.
    const found = discoverFeeds(text, outcome.url);
    const wanted = found.find((f) => f.kind === 'feed') ?? found[0];
    if (!wanted) {
      throw new IngestError(
        'not_a_feed',
        'Page HTML sans lien vers un flux (<link rel="alternate" ' +
          'type="application/rss+xml">) : indiquez l’adresse du flux.',
      );
    }
    const next: FetchOutcome = await fetchDocument(deps, { url: wanted.url });
    if (next.status !== 'ok')
      throw new IngestError(
        'http_error',
        `Flux découvert (${wanted.url}) indisponible (HTTP ${next.httpStatus}).`,
        next.httpStatus,
      );
    const read = await readDocument(deps, source, next, hops + 1);
    return read.kind === 'feed'
      ? { ...read, linkTitle: wanted.title, discoveredUrl: wanted.url }
      : { ...read, title: read.title ?? wanted.title };
  }
  const feed = await reader.read(text, base);
  // Reading and storing are each a long synchronous stretch: let waiting requests in between.
  await yieldToEventLoop();
  return { kind: 'feed', feed, upstream: readUpstream(text), validators };
}

/** Pages of an upstream hub's history read on a first pull, after its first page. */
export const HISTORY_PAGES = 20;

/**
 * Stores an upstream hub's first page, then follows its history, page after page, each stored
 * with the pull's next batch; the sum of their results, and when all are committed.
 */
async function withHistory(
  deps: Deps,
  source: SourceRow,
  lane: Lane,
  first: ReadDocument,
  next: string,
): Promise<{ result: StoreResult; committed: Promise<void> }> {
  const storePage = async (page: ReadDocument) => {
    const handed = lane.store(
      {
        source,
        items: page.feed.items,
        alongside: () => (page.upstream ? upstreamStatements(deps, source, page.upstream) : []),
      },
      false,
    );
    return handed.stored;
  };
  const stored = await storePage(first);
  const result = { ...stored.value };
  const commits = [stored.committed];
  const seen = new Set([source.fetchUrl]);
  let url: string | null = next;
  for (let page = 0; url && page < HISTORY_PAGES && !seen.has(url); page++) {
    seen.add(url);
    const outcome: FetchOutcome = await fetchDocument(deps, { url });
    // History is a bonus: a page that fails ends it, the first page stays stored.
    if (outcome.status !== 'ok') break;
    const read = await readDocument(deps, source, outcome, 1);
    if (read.kind !== 'feed') break;
    const { value, committed } = await storePage(read);
    result.new += value.new;
    result.updated += value.updated;
    result.unchanged += value.unchanged;
    commits.push(committed);
    url = read.upstream?.next ?? null;
  }
  return { result, committed: Promise.all(commits).then(() => undefined) };
}

/** A store in its turn (store-lease.ts), through the database's write seam (Database.store). */
function storeTurn<T>(
  deps: Deps,
  store: () => Promise<T>,
): Promise<{ value: T; committed: Promise<void> }> {
  return storing(() => deps.db.store(() => storeInTurn(deps, store)));
}

/** Runs a storing step, reporting an unexpected failure as a storage error. */
async function storing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw storageError(err);
  }
}

function asIngestError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  // A parser bug or an exotic document: recorded like any other failure, with its message.
  return new IngestError(
    'parse_error',
    `Lecture impossible : ${(err as Error)?.message ?? String(err)}`,
  );
}

function calendarName(text: string): string | null {
  const m = text.slice(0, 8192).match(/^X-WR-CALNAME[^:\r\n]*:(.+)$/m);
  return m ? m[1]!.trim().replace(/\\([,;\\])/g, '$1') : null;
}

/** Records the source's new state; a database refusal is a storage error, not the member's. */
async function update(deps: Deps, id: number, values: SourceUpdate): Promise<void> {
  await storing(() => recordSource(deps.db, id, values));
}
