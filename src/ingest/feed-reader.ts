/**
 * Reading a feed document: parse it, then normalise its items for the store. Pure CPU work on
 * one document, so a runtime with threads to spare can do it elsewhere while the main thread
 * stores the previous document (Node: workers/node/feed-reader-pool.ts); the default reads in
 * line, as Workers do.
 */
import { isHtmlPage, parseFeed } from './parse-feed.ts';
import { decodeBody, type Utf8Decoder } from './decode.ts';
import { readUpstream, type Upstream } from './upstream.ts';
import {
  looksLikeCalendar,
  parseCalendar,
  type ParseCalendarOptions,
  type ParsedCalendar,
} from '../agenda/parse-calendar.ts';
import { prepareItems, type PreparedItem } from './dedupe/prepare.ts';
import { htmlToText } from '../shared/html-to-text.ts';
import { stripBodyRelay } from './dedupe/text.ts';
import type { Fingerprint } from './dedupe/fingerprint.ts';
import { textOf } from '../db/text-value.ts';
import type { KeptTextBytes } from './kept-text-bytes.ts';

/** A read feed document: what the source learns (its title) and what the store takes. */
export interface ReadFeed {
  title: string | null;
  /** What the recovering pass repaired in a malformed document (ParsedFeed.warning), else null. */
  warning: string | null;
  items: PreparedItem[];
  /**
   * Set by a reader that lends the items memory of its own (Node: the buffer of the texts read
   * on a thread, workers/node/packed-texts.ts): frees it at once, where the runtime would
   * otherwise keep it until its next full collection. Called once the items are stored (or
   * failed for good: StoreDocument.release); their texts read empty afterwards.
   */
  release?: () => void;
}

/**
 * A fetched document read from its bytes (FeedReader.readBytes): a feed, read, with what it
 * says of an upstream hub; or the decoded text of what is not read as a feed here (a calendar,
 * an HTML page whose feed is to be discovered), for the caller to go on with.
 */
export type DocumentRead =
  | { kind: 'feed'; feed: ReadFeed; upstream: Upstream | null }
  | { kind: 'text'; text: string };

export interface FeedReader {
  /**
   * True when reading happens off the main thread: refresh then reads before taking its turn
   * to store (serialize.ts), so reading one document overlaps with storing another.
   */
  readonly offThread: boolean;
  /** Throws IngestError like parseFeed. */
  read(text: string, url: string): Promise<ReadFeed>;
  /**
   * Reads a calendar document (agenda/parse-calendar.ts). Off the main thread, a read past
   * READ_BUDGET_MS is stopped and rejected as 'read_timeout' (ingest/read-budget.ts).
   */
  readCalendar(text: string, options: ParseCalendarOptions): Promise<ParsedCalendar>;
  /**
   * Off the main thread: decodes the fetched bytes where they are read (readDocumentBytes).
   * Sending a document's bytes to a thread costs a small fraction of sending its decoded text,
   * and decoding leaves the main thread too. Absent: the caller decodes and calls `read`.
   */
  readBytes?(
    body: Uint8Array,
    contentType: string | null,
    url: string,
    options: { htmlIsText: boolean },
  ): Promise<DocumentRead>;
}

/**
 * Decodes a fetched body (decode.ts) and reads it when it is a feed. A calendar, and an HTML
 * page when `htmlIsText` (the first hop, whose page may link to its feed), come back as text.
 * `utf8`: the runtime's decoder of valid UTF-8, when it has a faster one (decode.ts).
 * `keptTexts`: see readFeed. Throws IngestError like decodeBody and parseFeed.
 */
export async function readDocumentBytes(
  body: Uint8Array,
  contentType: string | null,
  url: string,
  options: {
    htmlIsText: boolean;
    fingerprints?: boolean;
    utf8?: Utf8Decoder;
    keptTexts?: KeptTextBytes;
  },
): Promise<DocumentRead> {
  const text = decodeBody(body, contentType, options.utf8);
  if (looksLikeCalendar(text) || (options.htmlIsText && isHtmlPage(text)))
    return { kind: 'text', text };
  const feed = await readFeed(text, url, {
    fingerprints: options.fingerprints,
    keptTexts: options.keptTexts,
  });
  return { kind: 'feed', feed, upstream: readUpstream(text) };
}

/**
 * The read itself. `fingerprints` computes every item's dedup fingerprint ahead: worth it
 * off the main thread only (in line, the store computes them for new entries alone).
 * `keptTexts` keeps the items' summaries and contents as UTF-8, as hashing them encoded them
 * (prepareItems), for a reader that sends them as bytes.
 */
export async function readFeed(
  text: string,
  url: string,
  options: { fingerprints?: boolean; keptTexts?: KeptTextBytes } = {},
): Promise<ReadFeed> {
  const feed = await parseFeed(text, url);
  return {
    title: feed.title,
    warning: feed.warning ?? null,
    items: await prepareItems(feed.items, options),
  };
}

/**
 * A feed read on a thread, as it is sent to the main thread: each fingerprint without its plain
 * text (Fingerprint.text), about a third of what a read document weighs. The main thread needs
 * it only for an excerpt check, rare; the search text made of it travels already made.
 * plainTextOf computes it back when asked.
 */
export function withoutPlainText(feed: ReadFeed): ReadFeed {
  for (const item of feed.items) if (item.fp) item.fp.text = undefined;
  return feed;
}

/**
 * An item's fingerprint text (`fp`, its fingerprint as the store uses it): as computed, or for
 * an item read on a thread (withoutPlainText), computed back once, from the sanitised HTML the
 * item carries (its text as htmlToText reads it back, which the sanitiser's own text equals:
 * sanitized-text.ts), relay marks stripped, the text fingerprintAndFold made. A function of
 * the module rather than a getter set on each item: a closure and an accessor per read item
 * made every one of them outlive the storing thread's young collections.
 */
export function plainTextOf(item: PreparedItem, fp: Fingerprint): string {
  if (fp.text !== undefined) return fp.text;
  const text = stripBodyRelay(
    htmlToText(textOf(item.contentHtml ?? item.summary) ?? '', { blocks: '\n' }),
  );
  if (fp === item.fp) fp.text = text;
  return text;
}

export const inlineFeedReader: FeedReader = {
  offThread: false,
  read: (text, url) => readFeed(text, url),
  readCalendar: async (text, options) => parseCalendar(text, options),
};
