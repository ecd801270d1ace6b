/**
 * A reader thread: reads the documents the pool sends, feeds (ingest/feed-reader.ts, with
 * every item's fingerprint computed ahead, since this thread would otherwise be idle) and
 * calendars (agenda/parse-calendar.ts). The pool terminates it if a read runs past its budget.
 */
import { parentPort } from 'node:worker_threads';
import {
  readDocumentBytes,
  readFeed,
  withoutPlainText,
  type DocumentRead,
  type ReadFeed,
} from '../../src/ingest/feed-reader.ts';
import { loadFeedParsers } from '../../src/ingest/parse-feed.ts';
import { parseCalendar } from '../../src/agenda/parse-calendar.ts';
import { IngestError } from '../../src/ingest/types.ts';
import type { ReadReply, ReadRequest } from './feed-reader-protocol.ts';
import { nodeUtf8Decoder } from './utf8-decoder.ts';
import { packTexts } from './packed-texts.ts';
import { KeptTextBytes } from '../../src/ingest/kept-text-bytes.ts';

const port = parentPort;
if (!port)
  throw new Error('feed-reader-worker.ts runs as a worker thread (see feed-reader-pool.ts)');

// This thread's job is parsing: the parsers the serving thread loads only on use, it loads first
// (documents the pool sends meanwhile wait in the port's queue until the listener is attached).
await loadFeedParsers();
/** The texts' UTF-8 as a document's hashing encoded them, for packTexts (one document at a time). */
const keptTexts = new KeptTextBytes();
const read = async (request: ReadRequest): Promise<void> => {
  const { id } = request;
  keptTexts.reset();
  let reply: ReadReply;
  // The buffer of a read feed's texts (packed-texts.ts), moved to the main thread with the reply.
  const transfer: ArrayBuffer[] = [];
  /** A read feed, lighter: without its fingerprints' plain texts, its large texts packed. */
  const lighter = (feed: ReadFeed): ReadFeed => {
    withoutPlainText(feed);
    const packed = packTexts(feed.items, keptTexts);
    if (packed) transfer.push(packed);
    return feed;
  };
  try {
    reply =
      request.kind === 'calendar'
        ? {
            id,
            calendar: parseCalendar(request.text, {
              ...request.options,
              now: new Date(request.options.now),
            }),
          }
        : request.kind === 'document'
          ? {
              id,
              document: lighterDocument(
                await readDocumentBytes(request.body, request.contentType, request.url, {
                  htmlIsText: request.htmlIsText,
                  fingerprints: true,
                  utf8: nodeUtf8Decoder,
                  keptTexts,
                }),
                lighter,
              ),
            }
          : {
              id,
              feed: lighter(
                await readFeed(request.text, request.url, { fingerprints: true, keptTexts }),
              ),
            };
  } catch (err) {
    transfer.length = 0;
    reply = {
      id,
      error:
        err instanceof IngestError
          ? { kind: err.kind, message: err.message }
          : { message: (err as Error)?.message ?? String(err) },
    };
  }
  // The buffer goes with the reply, for the pool to free once the items are stored.
  if (transfer.length && ('feed' in reply || 'document' in reply)) reply.packed = transfer[0];
  port.postMessage(reply, transfer);
};

// One document at a time, in the order sent: the pool sends the next one ahead (and times each
// read from the previous one's reply), so reads must not interleave at their awaits.
let reading: Promise<void> = Promise.resolve();
port.on('message', (request: ReadRequest) => {
  reading = reading.then(() => read(request));
});
/** A read document's feed made lighter (a text comes back as it is). */
function lighterDocument(
  document: DocumentRead,
  lighter: (feed: ReadFeed) => ReadFeed,
): DocumentRead {
  if (document.kind === 'feed') lighter(document.feed);
  return document;
}

// Loaded: from now on a death is a document's doing, not a broken install (feed-reader-pool.ts).
port.postMessage({ ready: true } satisfies ReadReply);
