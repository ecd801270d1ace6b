/**
 * WAL checkpoints of the hub's SQLite files, run from a thread of their own.
 *
 * SQLite copies the write-ahead log back into the database file when a commit finds the log
 * long enough (wal_autocheckpoint), on the committing thread — ours, the one that also serves
 * pages and stores documents. Each checkpoint copies pages and syncs two files: a third of the
 * time a cold pull spent writing (bench/ingest). Here a thread with its own connection makes a
 * PASSIVE checkpoint every CHECKPOINT_EVERY_MS; passive checkpoints never block a writer or a
 * reader, and durability is unchanged (synchronous=NORMAL: the log is synced before it is copied,
 * the file after). The committing connection keeps a far autocheckpoint as a backstop, for when
 * the thread falls behind or is gone.
 *
 * One thread per process, whatever the number of files; it stops with the last file closed.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

export const CHECKPOINT_EVERY_MS = 100;
/** Frames (pages) after which the committing connection checkpoints itself: ~80 MB of log. */
export const BACKSTOP_FRAMES = 20_000;
/** The committing connection's own threshold without the thread (SQLite's default is 1,000). */
export const INLINE_FRAMES = 4_000;

// Plain CommonJS evaluated in the thread: nothing to bundle or to find on disk.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const files = new Map();
parentPort.on('message', (m) => {
  if (m.open) files.set(m.open, new Database(m.open, { fileMustExist: true }));
  if (m.close) {
    files.get(m.close)?.close();
    files.delete(m.close);
  }
});
setInterval(() => {
  for (const db of files.values()) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or locked (another process holds the file): the next round tries again.
    }
  }
}, workerData.everyMs);
`;

interface WalConnection {
  pragma(source: string): unknown;
}

let thread: Worker | null = null;
const files = new Map<string, Set<WalConnection>>();

function startThread(): Worker {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
      everyMs: CHECKPOINT_EVERY_MS,
    },
  });
  // Never what keeps a process alive (a CLI command ends when its work does).
  worker.unref();
  worker.on('error', (err) => {
    // The thread is gone: the connections checkpoint for themselves again.
    process.emitWarning(
      `SQLite checkpoint thread stopped (${String(err)}); checkpoints run on the main thread.`,
    );
    if (thread === worker) thread = null;
    for (const connections of files.values())
      for (const c of connections) c.pragma(`wal_autocheckpoint = ${INLINE_FRAMES}`);
  });
  return worker;
}

/**
 * Hands the checkpoints of `path` to the thread while `connection` is open; returns the
 * function to call before closing the connection.
 */
export function checkpointInBackground(path: string, connection: WalConnection): () => void {
  thread ??= startThread();
  let connections = files.get(path);
  if (!connections) {
    files.set(path, (connections = new Set()));
    thread.postMessage({ open: path });
  }
  connections.add(connection);
  connection.pragma(`wal_autocheckpoint = ${BACKSTOP_FRAMES}`);
  return () => {
    if (!connections.delete(connection) || connections.size) return;
    files.delete(path);
    if (!thread) return;
    thread.postMessage({ close: path });
    if (!files.size) {
      // Let it close the last file, then end it: no timer left behind in an idle process.
      const ending = thread;
      thread = null;
      setTimeout(() => void ending.terminate(), CHECKPOINT_EVERY_MS).unref();
    }
  };
}
