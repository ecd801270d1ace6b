/**
 * Another hub's feed, pulled for the first time: its older pages too (bounded), so a new
 * downstream hub starts with the upstream history rather than one page of it.
 */
import type { Deps } from '../../deps.ts';
import type { SourceRow } from '../../db/schema/sources.ts';
import { fetchDocument } from '../fetch.ts';
import type { Lane } from '../store-batcher.ts';
import { upstreamStatements } from '../store-upstream.ts';
import type { FetchOutcome, StoreResult } from '../types.ts';
import { readDocument, type FeedDocument } from './read-document.ts';
import { storeCalendarInTurn } from './storing.ts';

/** Pages of an upstream hub's history read on a first pull, after its first page. */
export const HISTORY_PAGES = 20;

/**
 * Where the history of a hub's feed goes on, when it is to be read now: on the source's first
 * success, and not for a feed an HTML page led to (that page is no hub's).
 */
export function historyToRead(source: SourceRow, read: FeedDocument): string | null {
  const next = read.upstream?.next;
  return next && !read.discoveredUrl && source.lastSuccessAt === null ? next : null;
}

/**
 * Stores an upstream hub's first page, then follows its history, page after page, each stored
 * with the pull's next batch; the sum of their results, and when all are committed.
 */
export async function storeWithHistory(
  deps: Deps,
  source: SourceRow,
  lane: Lane,
  first: FeedDocument,
  next: string,
): Promise<{ result: StoreResult; committed: Promise<void> }> {
  const storePage = (page: FeedDocument) =>
    lane.store(
      {
        source,
        items: page.feed.items,
        alongside: () => (page.upstream ? upstreamStatements(deps, source, page.upstream) : []),
      },
      false,
    ).stored;
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
    if (read.kind !== 'feed') {
      // A calendar is stored as one wherever the source serves it, then the history ends.
      await storeCalendarInTurn(deps, source, read);
      break;
    }
    const { value, committed } = await storePage(read);
    result.new += value.new;
    result.updated += value.updated;
    result.unchanged += value.unchanged;
    commits.push(committed);
    url = read.upstream?.next ?? null;
  }
  return { result, committed: Promise.all(commits).then(() => undefined) };
}
