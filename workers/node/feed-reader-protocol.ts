/** Messages between the feed reader pool and its threads (feed-reader-pool.ts, feed-reader-worker.ts). */
import type { ErrorKind } from '../../src/ingest/types.ts';
import type { DocumentRead, ReadFeed } from '../../src/ingest/feed-reader.ts';
import type { ParsedCalendar } from '../../src/agenda/parse-calendar.ts';

/** Calendar reading options as plain data (`now` as epoch ms). */
export interface CalendarRequestOptions {
  now: number;
  hubTimezone: string;
  pastMs?: number;
  aheadMs?: number;
  maxEvents?: number;
  maxOccurrencesPerEvent?: number;
}

export type ReadRequest =
  | { id: number; kind: 'feed'; text: string; url: string }
  | { id: number; kind: 'calendar'; text: string; options: CalendarRequestOptions }
  /** A fetched body as bytes, decoded on the thread (FeedReader.readBytes). */
  | {
      id: number;
      kind: 'document';
      body: Uint8Array;
      contentType: string | null;
      url: string;
      htmlIsText: boolean;
    };

export type ReadReply =
  /** Sent once, when the thread's script has loaded. */
  | { ready: true }
  /** `packed`: the buffer of the feed's texts, transferred (packed-texts.ts). */
  | { id: number; feed: ReadFeed; packed?: ArrayBuffer }
  | { id: number; calendar: ParsedCalendar }
  | { id: number; document: DocumentRead; packed?: ArrayBuffer }
  /** An IngestError (kind set) or anything else thrown (kind absent), as plain data. */
  | { id: number; error: { kind?: ErrorKind; message: string } };
