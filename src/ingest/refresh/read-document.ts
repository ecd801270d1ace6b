/**
 * The read step of a refresh: a fetched body decoded and read, as a feed or as a calendar; an
 * HTML page leads to the feed it links to. Nothing is stored here.
 */
import type { Deps } from '../../deps.ts';
import type { SourceRow } from '../../db/schema/sources.ts';
import type { ParsedCalendar } from '../../agenda/parse-calendar.ts';
import { calendarReadOptions, isCalendar } from '../../agenda/store-calendar.ts';
import { publicUrl } from '../../public-url.ts';
import { fetchDocument } from '../fetch.ts';
import { decodeBody } from '../decode.ts';
import { discoverFeeds } from '../discover.ts';
import { isHtmlPage } from '../parse-feed.ts';
import { inlineFeedReader, type ReadFeed } from '../feed-reader.ts';
import { readUpstream, type Upstream } from '../upstream.ts';
import { yieldToEventLoop } from '../yield.ts';
import { IngestError, type FetchOutcome } from '../types.ts';
import type { Validators } from './source-state.ts';

/** A feed document read, to be stored with the pull's batch (store-batcher.ts). */
export interface FeedDocument {
  kind: 'feed';
  feed: ReadFeed;
  upstream: Upstream | null;
  validators: Validators;
  /** Set when the document was an HTML page whose feed was discovered and read instead. */
  discoveredUrl?: string;
  /** The discovered link's title, for a feed without one. */
  linkTitle?: string | null;
}

/** A calendar, to be stored in a turn of its own (storing.ts storeCalendarInTurn). */
export interface CalendarDocument {
  kind: 'calendar';
  text: string;
  /** Read already, on a reader thread; null when it is read as it is stored. */
  readAhead: ParsedCalendar | null;
  /** Its X-WR-CALNAME, or the title of the link it was discovered by. */
  title: string | null;
  validators: Validators;
}

/** Decodes a fetched body and reads it; `hops` counts the HTML pages followed to get here. */
export async function readDocument(
  deps: Deps,
  source: SourceRow,
  fetched: FetchOutcome & { status: 'ok' },
  hops = 0,
): Promise<FeedDocument | CalendarDocument> {
  const reader = deps.feedReader ?? inlineFeedReader;
  const validators = { etag: fetched.etag, lastModified: fetched.lastModified };
  // Stories' relative links are resolved against the feed's address without its user-info: a
  // private feed's password would otherwise be copied into every link (WHATWG resolution).
  const base = publicUrl(fetched.url);
  // Off the main thread, the bytes are decoded where the feed is read (FeedReader.readBytes):
  // a calendar or an HTML page comes back as text for the steps below.
  const bytesRead =
    reader.readBytes && source.kind !== 'calendar'
      ? await reader.readBytes(fetched.body, fetched.contentType, base, { htmlIsText: hops === 0 })
      : null;
  if (bytesRead?.kind === 'feed')
    return { kind: 'feed', feed: bytesRead.feed, upstream: bytesRead.upstream, validators };
  const text =
    bytesRead?.kind === 'text' ? bytesRead.text : decodeBody(fetched.body, fetched.contentType);
  if (source.kind === 'calendar' || isCalendar(text)) {
    // Off the main thread (Node), a calendar is read before its turn, within the read budget;
    // in line, it is read in its turn, as it is stored.
    const readAhead = reader.offThread
      ? await reader.readCalendar(text, await calendarReadOptions(deps))
      : null;
    return { kind: 'calendar', text, readAhead, title: calendarName(text), validators };
  }
  if (hops === 0 && isHtmlPage(text)) return readLinkedFeed(deps, source, text, fetched.url);
  const feed = await reader.read(text, base);
  // Reading and storing are each a long synchronous stretch: let waiting requests in between.
  await yieldToEventLoop();
  return { kind: 'feed', feed, upstream: readUpstream(text), validators };
}

/**
 * A site address (or a feed URL that now serves its home page): the feed its
 * <link rel="alternate"> names, fetched and read.
 */
async function readLinkedFeed(
  deps: Deps,
  source: SourceRow,
  page: string,
  pageUrl: string,
): Promise<FeedDocument | CalendarDocument> {
  const found = discoverFeeds(page, pageUrl);
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
  const read = await readDocument(deps, source, next, 1);
  return read.kind === 'feed'
    ? { ...read, linkTitle: wanted.title, discoveredUrl: wanted.url }
    : { ...read, title: read.title ?? wanted.title };
}

function calendarName(text: string): string | null {
  const m = text.slice(0, 8192).match(/^X-WR-CALNAME[^:\r\n]*:(.+)$/m);
  return m ? m[1]!.trim().replace(/\\([,;\\])/g, '$1') : null;
}
