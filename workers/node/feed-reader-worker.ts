/**
 * A feed reader thread: reads the documents the pool sends (ingest/feed-reader.ts), with every
 * item's fingerprint computed ahead, since this thread would otherwise be idle.
 */
import { parentPort } from 'node:worker_threads';
import { readFeed } from '../../src/ingest/feed-reader.ts';
import { IngestError } from '../../src/ingest/types.ts';
import type { ReadReply, ReadRequest } from './feed-reader-protocol.ts';

const port = parentPort;
if (!port)
  throw new Error('feed-reader-worker.ts runs as a worker thread (see feed-reader-pool.ts)');

port.on('message', async ({ id, text, url }: ReadRequest) => {
  let reply: ReadReply;
  try {
    reply = { id, feed: await readFeed(text, url, { fingerprints: true }) };
  } catch (err) {
    reply = {
      id,
      error:
        err instanceof IngestError
          ? { kind: err.kind, message: err.message }
          : { message: (err as Error)?.message ?? String(err) },
    };
  }
  port.postMessage(reply);
});
// Loaded: from now on a death is a document's doing, not a broken install (feed-reader-pool.ts).
port.postMessage({ ready: true } satisfies ReadReply);
