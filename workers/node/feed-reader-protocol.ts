/** Messages between the feed reader pool and its threads (feed-reader-pool.ts, feed-reader-worker.ts). */
import type { ErrorKind } from '../../src/ingest/types.ts';
import type { ReadFeed } from '../../src/ingest/feed-reader.ts';

export interface ReadRequest {
  id: number;
  text: string;
  url: string;
}

export type ReadReply =
  /** Sent once, when the thread's script has loaded. */
  | { ready: true }
  | { id: number; feed: ReadFeed }
  /** An IngestError (kind set) or anything else thrown (kind absent), as plain data. */
  | { id: number; error: { kind?: ErrorKind; message: string } };
