/**
 * Refreshes one source: fetch → decode → (discover) → parse → store, then records what
 * happened on the source row (validators, health, backoff). The one place where the stages
 * of the pipeline meet; each stage lives in its own module.
 *
 * Never throws for a member's fault: every failure becomes a recorded error on that source
 * and a report, so one broken feed never stops the others. Validators (ETag, Last-Modified)
 * are saved only after the items are committed: a failed or lost store must not turn into a
 * 304 later.
 */
import { publicUrl } from '../public-url.ts';
import type { Deps } from '../deps.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { recordSource, type SourceUpdate } from './source-record.ts';
import { fetchDocument } from './fetch.ts';
import { decodeBody } from './decode.ts';
import { discoverFeeds } from './discover.ts';
import { isHtmlPage } from './parse-feed.ts';
import { storePreparedItems } from './store-feed.ts';
import { inlineFeedReader, type ReadFeed } from './feed-reader.ts';
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
import { storeUpstream } from './store-upstream.ts';
import { followRedirect, nextFetchAfterError, nextFetchAfterSuccess } from './backoff.ts';
import {
  IngestError,
  type ErrorKind,
  type FetchOutcome,
  type SourceReport,
  type StoreResult,
} from './types.ts';

/** What one document gave: counts and the title to remember when the source has none. */
interface Stored {
  result: StoreResult;
  title: string | null;
  /** What the recovering pass repaired in a malformed feed, for the source's warning. */
  warning?: string | null;
  /** Set when the document was an HTML page whose feed was discovered and read instead. */
  discoveredUrl?: string;
  validators: { etag: string | null; lastModified: string | null };
  /** Settles when the stored items are committed (a group commit may hold them a moment). */
  committed: Promise<void>;
  /** An upstream hub's next page (hubs of hubs), followed on a first pull. */
  next?: string | null;
}

/**
 * Refreshes a source in two steps. It resolves once the document is fetched and stored, when
 * a pull can give its turn to another source; `report` settles once the stored items are
 * committed and the source's new state is recorded. A group commit (SQLite) holds a store's
 * commit until the stores that follow have joined it: a pull that waited for each commit
 * before starting the next source would leave nothing to group.
 */
export async function refreshInTurn(
  deps: Deps,
  source: SourceRow,
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
  const failed = async (err: unknown): Promise<SourceReport> => {
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
    try {
      await update(deps, source.id, record);
    } catch (storeErr) {
      // The database itself refuses (locked, full): report it, the next pull retries the source.
      deps.log.error('cannot record source error', {
        sourceId: source.id,
        error: String(storeErr),
      });
    }
    deps.log.info('source failed', {
      sourceId: source.id,
      url: source.fetchUrl,
      kind: failure.kind,
      error: failure.message,
    });
    return report({
      outcome: 'error',
      httpStatus: record.lastStatus ?? null,
      errorKind: failure.kind,
      error: record.lastError!,
      nextFetchAt,
    });
  };
  try {
    const outcome: FetchOutcome = await fetchDocument(deps, {
      url: source.fetchUrl,
      etag: source.etag,
      lastModified: source.lastModified,
    });
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
      await update(deps, source.id, {
        status: 'retired',
        lastStatus: 410,
        lastFetchAt: now,
        lastError: 'Flux retiré par son site (HTTP 410 Gone) : il n’est plus relevé.',
        lastErrorKind: 'http_error',
      });
      return {
        report: Promise.resolve(report({ outcome: 'gone', httpStatus: 410, nextFetchAt: now })),
      };
    }
    if (outcome.status === 'not_modified') {
      // Through the store seam: the records of an all-304 pull share a few transactions (a
      // group commit on SQLite) instead of committing one by one. Reported once committed.
      const { committed } = await stage('storage_error', () =>
        deps.db.store(() => update(deps, source.id, health)),
      );
      const notModified = async () => {
        await stage('storage_error', () => committed);
        return report({
          outcome: 'not_modified',
          httpStatus: outcome.httpStatus,
          nextFetchAt: health.nextFetchAt!,
        });
      };
      return { report: notModified().catch(failed) };
    }
    const stored = await readDocument(deps, source, outcome);
    // Not `outcome` itself in the closure below: it holds the body until the commit.
    const httpStatus = outcome.httpStatus;
    const recorded = async (): Promise<SourceReport> => {
      // Validators only once the items are committed (a lost store must not turn into a 304).
      await stage('storage_error', () => stored.committed);
      await update(deps, source.id, {
        ...health,
        ...stored.validators,
        // Recorded at each read: a document that fits again clears it.
        truncatedKept: stored.result.truncated?.kept ?? null,
        truncatedTotal: stored.result.truncated?.total ?? null,
        // Likewise: a document well-formed again clears the warning.
        lastWarning: stored.warning?.slice(0, 1000) ?? null,
        ...(stored.discoveredUrl
          ? { fetchUrl: stored.discoveredUrl, redirectUrl: null, redirectCount: 0 }
          : {}),
        ...(!source.title && stored.title ? { title: stored.title.slice(0, 300) } : {}),
      });
      return report({
        outcome: 'ok',
        httpStatus,
        nextFetchAt: health.nextFetchAt!,
        ...stored.result,
        truncated: stored.result.truncated ?? null,
        warning: stored.warning ?? null,
        ...(stored.discoveredUrl ? { url: stored.discoveredUrl } : {}),
      });
    };
    return { report: recorded().catch(failed) };
  } catch (err) {
    return { report: failed(err) };
  }
}

/** Decodes a fetched body and stores it as a calendar or a feed; an HTML page leads to its feed. */
async function readDocument(
  deps: Deps,
  source: SourceRow,
  outcome: FetchOutcome & { status: 'ok' },
  hops = 0,
): Promise<Stored> {
  const reader = deps.feedReader ?? inlineFeedReader;
  const validators = { etag: outcome.etag, lastModified: outcome.lastModified };
  // Stories' relative links are resolved against the feed's address without its user-info: a
  // private feed's password would otherwise be copied into every link (WHATWG resolution).
  const base = publicUrl(outcome.url);
  // Off the main thread, the bytes are decoded where the feed is read (FeedReader.readBytes):
  // a calendar or an HTML page comes back as text for the steps below.
  const read =
    reader.readBytes && source.kind !== 'calendar'
      ? await reader.readBytes(outcome.body, outcome.contentType, base, { htmlIsText: hops === 0 })
      : null;
  if (read?.kind === 'feed')
    return storeFeed(deps, source, read.feed, read.upstream, validators, hops);
  const text = read?.kind === 'text' ? read.text : decodeBody(outcome.body, outcome.contentType);
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
    return { result, title: calendarName(text), validators, committed };
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
    const stored = await readDocument(deps, source, next, hops + 1);
    return { ...stored, title: stored.title ?? wanted.title, discoveredUrl: wanted.url };
  }
  // Read off the main thread: before this document's turn, while another one is stored.
  const readAhead = reader.offThread ? await reader.read(text, base) : null;
  return storeFeed(deps, source, readAhead, readUpstream(text), validators, hops, () =>
    reader.read(text, base),
  );
}

/**
 * Stores a feed document in its turn: `feed` read ahead (off the main thread), else read by
 * `readInTurn` once the turn has come (in line).
 */
async function storeFeed(
  deps: Deps,
  source: SourceRow,
  readAhead: ReadFeed | null,
  upstream: Upstream | null,
  validators: Stored['validators'],
  hops: number,
  readInTurn?: () => Promise<ReadFeed>,
): Promise<Stored> {
  const first = serialized(deps.db, async (): Promise<Stored> => {
    const feed = readAhead ?? (await readInTurn!());
    // Reading and storing are each a long synchronous stretch: let waiting requests in between.
    await yieldToEventLoop();
    const { value: result, committed } = await storeTurn(deps, async () => {
      const stored = await storePreparedItems(deps, source, feed.items);
      if (upstream) await storeUpstream(deps, source, upstream);
      return stored;
    });
    return {
      result,
      title: feed.title,
      // The reader's (a malformed feed repaired) and the store's (the flood quota).
      warning: [feed.warning, result.warning].filter(Boolean).join(' ; ') || null,
      validators,
      committed,
      next: upstream?.next ?? null,
    };
  });
  // Another hub's feed, pulled for the first time: its older pages too (bounded), so a new
  // downstream hub starts with the upstream history rather than one page of it.
  return upstream?.next && hops === 0 && source.lastSuccessAt === null
    ? withHistory(deps, source, await first, upstream.next)
    : first;
}

/** Pages of an upstream hub's history read on a first pull, after its first page. */
export const HISTORY_PAGES = 20;

async function withHistory(
  deps: Deps,
  source: SourceRow,
  first: Stored,
  next: string,
): Promise<Stored> {
  const result = { ...first.result };
  const commits = [first.committed];
  const seen = new Set([source.fetchUrl]);
  let url: string | null = next;
  for (let page = 0; url && page < HISTORY_PAGES && !seen.has(url); page++) {
    seen.add(url);
    const outcome: FetchOutcome = await fetchDocument(deps, { url });
    // History is a bonus: a page that fails ends it, the first page stays stored.
    if (outcome.status !== 'ok') break;
    const stored = await readDocument(deps, source, outcome, 1);
    result.new += stored.result.new;
    result.updated += stored.result.updated;
    result.unchanged += stored.result.unchanged;
    commits.push(stored.committed);
    url = stored.next ?? null;
  }
  return { ...first, result, committed: Promise.all(commits).then(() => undefined) };
}

/** A store in its turn (store-lease.ts), through the database's write seam (Database.store). */
function storeTurn<T>(
  deps: Deps,
  store: () => Promise<T>,
): Promise<{ value: T; committed: Promise<void> }> {
  return stage('storage_error', () => deps.db.store(() => storeInTurn(deps, store)));
}

/** Runs a stage, labelling unexpected failures with the stage's kind. */
async function stage<T>(kind: ErrorKind, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError(
      kind,
      `Enregistrement impossible : ${(err as Error)?.message ?? String(err)}`,
    );
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
  await stage('storage_error', () => recordSource(deps.db, id, values));
}
