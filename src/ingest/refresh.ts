/**
 * Refreshes one source: fetch → decode and read (refresh/read-document.ts) → store → record
 * what happened on the source row (refresh/record.ts: validators, health, backoff). The one
 * place where the stages of the pipeline meet; each stage lives in its own module.
 *
 * Never throws for a member's fault: every failure becomes a recorded error on that source
 * and a report, so one broken feed never stops the others. Validators (ETag, Last-Modified)
 * are saved with the items, in the same transaction (store-batcher.ts), or after them: a failed
 * or lost store must not turn into a 304 later.
 */
import type { Deps } from '../deps.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { recordStatement } from './source-record.ts';
import { fetchDocument } from './fetch.ts';
import { READ_BYTES_PER_BYTE, StoreBatcher } from './store-batcher.ts';
import { upstreamStatements } from './store-upstream.ts';
import type { FetchOutcome, StoreResult } from './types.ts';
import {
  healthAfterFetch,
  retiredState,
  sourceReport,
  stateAfterDocument,
  warningOf,
} from './refresh/source-state.ts';
import { readDocument, type CalendarDocument, type FeedDocument } from './refresh/read-document.ts';
import { historyToRead, storeWithHistory, type HistoryStart } from './refresh/history.ts';
import { storeCalendarInTurn, storing, writeSourceState } from './refresh/storing.ts';
import { handRecord, recordFailureLater, recordFailureNow } from './refresh/record.ts';
import type { Answered, Refresh, Reported } from './refresh/run.ts';

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
): Promise<Reported> {
  const lane = batcher.lane();
  const started = Date.now();
  const now = deps.clock.now().getTime();
  try {
    return await refreshSource({ deps, source, lane, now, started, httpStatus: null });
  } finally {
    lane.end();
  }
}

/** The steps, straight through; a step that fails has its failure recorded instead. */
async function refreshSource(run: Refresh): Promise<Reported> {
  const { deps, source } = run;
  // The store is behind: wait before fetching (and below, before reading) rather than hold one
  // more document read.
  await run.lane.room();
  let fetched: FetchOutcome;
  try {
    // A history to resume (refresh/history.ts) is read with the feed: a 304 would put it off.
    const conditional = !source.historyResume;
    fetched = await fetchDocument(deps, {
      url: source.fetchUrl,
      etag: conditional ? source.etag : null,
      lastModified: conditional ? source.lastModified : null,
    });
  } catch (err) {
    return recordFailureNow(run, err);
  }
  const answered: Answered = {
    ...run,
    httpStatus: fetched.httpStatus,
    health: healthAfterFetch(source, fetched, run.now),
  };
  if (fetched.status === 'gone') return recordRetired(answered);
  if (fetched.status === 'not_modified') return recordNotModified(answered);
  let read: FeedDocument | CalendarDocument;
  try {
    // A document read holds ~3 times the size of its bytes (store-batcher.ts documentBytes).
    await run.lane.room(READ_BYTES_PER_BYTE * fetched.body.byteLength);
    read = await readDocument(deps, source, fetched);
  } catch (err) {
    return recordFailureNow(answered, err);
  }
  if (read.kind === 'calendar') return storeCalendar(answered, read);
  const history = historyToRead(source, read);
  if (history) return storeFeedWithHistory(answered, read, history);
  return storeFeed(answered, read);
}

function recordRetired(run: Answered): Promise<Reported> {
  return handRecord(run, retiredState(run.now), () =>
    sourceReport(run, { outcome: 'gone', httpStatus: 410, nextFetchAt: run.now }),
  );
}

function recordNotModified(run: Answered): Promise<Reported> {
  return handRecord(run, run.health, () =>
    sourceReport(run, {
      outcome: 'not_modified',
      httpStatus: run.httpStatus,
      nextFetchAt: run.health.nextFetchAt,
    }),
  );
}

/** Validators only with the items: the source's new state is written in the same batch. */
async function storeFeed(run: Answered, read: FeedDocument): Promise<Reported> {
  const { deps, source } = run;
  const { feed, upstream, validators, discoveredUrl } = read;
  const title = feed.title ?? read.linkTitle ?? null;
  // Not `feed` itself in the closures below: its items would be held until the commit.
  const readWarning = feed.warning;
  const handed = run.lane.store(
    {
      source,
      items: feed.items,
      release: feed.release,
      alongside: (result) => [
        ...(upstream ? upstreamStatements(deps, source, upstream) : []),
        ...recordStatement(
          deps.db,
          source.id,
          stateAfterDocument(source, run.health, {
            result,
            validators,
            warning: warningOf(readWarning, result),
            title,
            discoveredUrl,
          }),
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
        return storedReport(run, result, warningOf(readWarning, result), discoveredUrl);
      })
      .catch((err) => recordFailureLater(run, err)),
  };
}

/** Validators only once the pages are committed (a lost store must not become a 304). */
async function storeFeedWithHistory(
  run: Answered,
  read: FeedDocument,
  start: HistoryStart,
): Promise<Reported> {
  const title = read.feed.title ?? read.linkTitle ?? null;
  const { validators } = read;
  const readWarning = read.feed.warning;
  let result: StoreResult;
  let historyWarning: string | null;
  let historyResume: HistoryStart | null;
  try {
    const stored = await storeWithHistory(run.deps, run.source, run.lane, read, start);
    await storing(() => stored.committed);
    result = stored.result;
    historyWarning = stored.warning;
    historyResume = stored.resume;
  } catch (err) {
    return recordFailureNow(run, err);
  }
  const warning =
    [warningOf(readWarning, result), historyWarning].filter(Boolean).join(' ; ') || null;
  return handRecord(
    run,
    {
      ...stateAfterDocument(run.source, run.health, { result, validators, warning, title }),
      historyResume,
    },
    () => storedReport(run, result, warning),
  );
}

/**
 * A calendar is stored in its own turn, then the source's new state in a write of its own,
 * once the events are committed (a lost store must not turn into a 304 later).
 */
async function storeCalendar(run: Answered, read: CalendarDocument): Promise<Reported> {
  let stored: { value: StoreResult; committed: Promise<void> };
  try {
    stored = await storeCalendarInTurn(run.deps, run.source, read);
  } catch (err) {
    return recordFailureNow(run, err);
  }
  // Nothing of this source goes with the pull's batch: it need not wait for it.
  run.lane.end();
  const { title, validators } = read;
  const { value: result, committed } = stored;
  const recorded = async () => {
    await storing(() => committed);
    await writeSourceState(
      run.deps,
      run.source,
      stateAfterDocument(run.source, run.health, { result, validators, warning: null, title }),
    );
    return storedReport(run, result, null);
  };
  return { report: recorded().catch((err) => recordFailureLater(run, err)) };
}

function storedReport(
  run: Answered,
  result: StoreResult,
  warning: string | null,
  discoveredUrl?: string,
) {
  return sourceReport(run, {
    outcome: 'ok',
    httpStatus: run.httpStatus,
    nextFetchAt: run.health.nextFetchAt,
    ...result,
    truncated: result.truncated ?? null,
    warning,
    ...(discoveredUrl ? { url: discoveredUrl } : {}),
  });
}
