/**
 * Another hub's feed, pulled for the first time: its older pages too (bounded), so a new
 * downstream hub starts with the upstream history rather than one page of it.
 *
 * History is a bonus, as in feed readers following RFC 5005 archives: a page that cannot be
 * fetched (timeout, refused, 5xx, too big, gone) or that is no feed (an HTML page, a calendar,
 * a document no reader can read) ends it; the pages before it stay stored, the source's pull
 * is a success, and the source carries a warning saying where and why the history stopped.
 * A failure that may pass (a timeout, a connection, a 5xx) is tried again from that page at
 * the source's next pulls, HISTORY_RETRIES times at most, within the same HISTORY_PAGES; one
 * that will not (a 4xx, too big, no feed) is not.
 */
import type { Deps } from '../../deps.ts';
import type { SourceRow } from '../../db/schema/sources.ts';
import { publicUrl } from '../../public-url.ts';
import { fetchDocument } from '../fetch.ts';
import { READ_BYTES_PER_BYTE, type Lane } from '../store-batcher.ts';
import { upstreamStatements } from '../store-upstream.ts';
import { IngestError, type FetchOutcome, type StoreResult } from '../types.ts';
import { readDocument, type FeedDocument } from './read-document.ts';

/** Pages of an upstream hub's history read on a first pull, after its first page. */
export const HISTORY_PAGES = 20;

/** Later pulls that resume a history stopped by a failure that may pass, at most. */
export const HISTORY_RETRIES = 3;

/**
 * Where a history is read from: a page's address, its number (the feed is page 1), and which
 * retry reads it (0 on the first pull).
 */
export type HistoryStart = NonNullable<SourceRow['historyResume']>;

/**
 * Where the history of a hub's feed goes on, when it is to be read now: on the source's first
 * success, or where a failure that may pass stopped it (SourceRow.historyResume); not for a
 * feed an HTML page led to (that page is no hub's).
 */
export function historyToRead(source: SourceRow, read: FeedDocument): HistoryStart | null {
  if (read.discoveredUrl) return null;
  const next = read.upstream?.next;
  if (next && source.lastSuccessAt === null) return { url: next, page: 2, tries: 0 };
  return source.historyResume ?? null;
}

/** The pages stored, summed; when all are committed; why the history stopped early, if it did. */
export interface HistoryStored {
  result: StoreResult;
  committed: Promise<void>;
  /** French first, English second; null when the history was read to its end or its bound. */
  warning: string | null;
  /** Where the next pull resumes the history, when a failure that may pass stopped it. */
  resume: HistoryStart | null;
}

/**
 * Stores an upstream hub's first page, then follows its history, page after page, each stored
 * with the pull's next batch. Throws only when storing fails (the database's fault): a history
 * page that fails ends the history with a warning.
 */
export async function storeWithHistory(
  deps: Deps,
  source: SourceRow,
  lane: Lane,
  first: FeedDocument,
  start: HistoryStart,
): Promise<HistoryStored> {
  const commits: Promise<void>[] = [];
  const storePage = async (page: FeedDocument) => {
    const { value, committed } = await lane.store(
      {
        source,
        items: page.feed.items,
        release: page.feed.release,
        alongside: () => (page.upstream ? upstreamStatements(deps, source, page.upstream) : []),
      },
      false,
    ).stored;
    // Awaited together at the end; handled now, so a commit failing while a later page is being
    // fetched is never an unhandled rejection.
    committed.catch(() => undefined);
    commits.push(committed);
    return value;
  };
  const result = { ...(await storePage(first)) };
  const seen = new Set([source.fetchUrl]);
  let warning: string | null = null;
  let resume: HistoryStart | null = null;
  let url: string | null = start.url;
  // Page 1 is the feed's own address; its history is pages 2 to HISTORY_PAGES + 1.
  for (let page = start.page; url && page <= HISTORY_PAGES + 1 && !seen.has(url); page++) {
    seen.add(url);
    const read = await readHistoryPage(deps, source, lane, url);
    if (read instanceof IngestError) {
      // The next pull is retry number tries + 1 (a first pull is retry 0), within the bound.
      const tries = start.tries + 1;
      resume = mayPass(read) && tries <= HISTORY_RETRIES ? { url, page, tries } : null;
      warning = historyStopped(page, url, read, resume);
      break;
    }
    const value = await storePage(read);
    result.new += value.new;
    result.updated += value.updated;
    result.unchanged += value.unchanged;
    url = read.upstream?.next ?? null;
  }
  return { result, committed: Promise.all(commits).then(() => undefined), warning, resume };
}

/** A failure a later pull may not meet: the server slow, unreachable or failing for now. */
function mayPass(err: IngestError): boolean {
  if (err.kind === 'timeout' || err.kind === 'network' || err.kind === 'dns') return true;
  return err.kind === 'http_error' && (err.status === 429 || (err.status ?? 0) >= 500);
}

/** A history page read as a feed, or why it cannot be one (never thrown: history is a bonus). */
async function readHistoryPage(
  deps: Deps,
  source: SourceRow,
  lane: Lane,
  url: string,
): Promise<FeedDocument | IngestError> {
  try {
    // The store behind, a page waits like any document of the pull (store-batcher.ts, Lane.room):
    // before it is fetched and before it is read, rather than be read only to be held. A page is
    // stored before the next is asked for, but without this each page was fetched and read
    // whatever the pull's other sources already held: one more document past the bound.
    await lane.room();
    const fetched: FetchOutcome = await fetchDocument(deps, { url });
    if (fetched.status !== 'ok')
      return new IngestError('http_error', `HTTP ${fetched.httpStatus}`, fetched.httpStatus);
    await lane.room(READ_BYTES_PER_BYTE * fetched.body.byteLength);
    // hops = 1: an HTML page is not followed to the feed it links to, it is no history page.
    const read = await readDocument(deps, source, fetched, 1);
    if (read.kind === 'feed') return read;
    return new IngestError('not_a_feed', 'un agenda (iCalendar), pas une page du flux');
  } catch (err) {
    if (err instanceof IngestError) return err;
    return new IngestError('parse_error', (err as Error)?.message ?? String(err));
  }
}

/** The source's warning: where the history stopped and why (the reason is the fetch's, French). */
function historyStopped(
  page: number,
  url: string,
  why: IngestError,
  resume: HistoryStart | null,
): string {
  const at = publicUrl(url);
  const reason = why.message.slice(0, 300);
  const [fr, en] = resume
    ? [
        `nouvel essai à la prochaine récupération (${resume.tries} sur ${HISTORY_RETRIES})`,
        `retried on the next pull (${resume.tries} of ${HISTORY_RETRIES})`,
      ]
    : ['les pages plus anciennes ne sont pas relevées', 'older pages are not read'];
  return (
    `historique du hub interrompu à la page ${page} (${at}) : ${reason} ; ${fr}` +
    ` / hub history stopped at page ${page} (${why.kind}); ${en}`
  );
}
