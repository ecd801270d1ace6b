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
 * One thread per process, whatever the number of files. It starts with the first burst of
 * stores (wakeCheckpoints, from the group commit), not when a file opens: a thread holds a V8
 * isolate of its own (~10 MB), which a command that writes little (`networks list`, `parse`,
 * `serve` until its first pull) would hold for nothing. It stops with the last file closed, and
 * when the files have had no writes for IDLE_MS (serve between pulls). Single writes outside a
 * burst are checkpointed by their connection, as without the thread.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { threadsFollowTheirOwnHeapLimits } from './thread-heap-limits.ts';

export const CHECKPOINT_EVERY_MS = 100;
/** Frames (pages) after which the committing connection checkpoints itself: ~160 MB of log with
 * 8 KB pages (a file made before them: 4 KB pages, ~80 MB). */
export const BACKSTOP_FRAMES = 20_000;
/** The committing connection's own threshold without the thread (SQLite's default is 1,000). */
export const INLINE_FRAMES = 4_000;
/** No file's log grew for this long: the thread stops until the next burst of writes. */
export const IDLE_MS = 30_000;
let idleMs = IDLE_MS;

/** Tests use a short idle time; applies to threads started afterwards. */
export function setCheckpointIdleMs(ms: number): void {
  idleMs = ms;
}

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
const seen = new Map();
let lastChange = Date.now();
setInterval(() => {
  for (const [path, db] of files) {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      const state = r.log + ':' + r.checkpointed;
      if (seen.get(path) !== state || r.log !== r.checkpointed) lastChange = Date.now();
      seen.set(path, state);
    } catch {
      // Busy or locked (another process holds the file): the next round tries again.
      lastChange = Date.now();
    }
  }
  if (Date.now() - lastChange >= workerData.idleMs) parentPort.postMessage({ idle: true });
}, workerData.everyMs);
`;

interface WalConnection {
  pragma(source: string): unknown;
}

let thread: Worker | null = null;
/** The thread died of an error: connections checkpoint by themselves from then on. */
let failed = false;
const files = new Map<string, Set<WalConnection>>();

function startThread(): Worker {
  threadsFollowTheirOwnHeapLimits();
  const worker = new Worker(THREAD, {
    eval: true,
    // It runs a pragma every CHECKPOINT_EVERY_MS: a few kB of objects at a time.
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2 },
    workerData: {
      sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
      everyMs: CHECKPOINT_EVERY_MS,
      idleMs,
    },
  });
  // Never what keeps a process alive (a CLI command ends when its work does).
  worker.unref();
  worker.on('message', (m: { idle?: boolean }) => {
    if (m?.idle && thread === worker) sleep();
  });
  worker.on('error', (err) => {
    // The thread is gone: the connections checkpoint for themselves again.
    process.emitWarning(
      `SQLite checkpoint thread stopped (${String(err)}); checkpoints run on the main thread.`,
    );
    if (thread === worker) thread = null;
    failed = true; // not started again: it would likely fail the same way
    autocheckpointAt(INLINE_FRAMES);
  });
  return worker;
}

/** Every open connection checkpoints at `frames` frames of log by itself. */
function autocheckpointAt(frames: number): void {
  for (const connections of files.values())
    for (const c of connections) c.pragma(`wal_autocheckpoint = ${frames}`);
}

/** The files are idle: the thread stops, each connection checkpoints its own rare writes. */
function sleep(): void {
  const idle = thread;
  thread = null;
  autocheckpointAt(INLINE_FRAMES);
  void idle?.terminate();
}

/** A burst of writes begins (a group commit opens): the thread runs again if it slept. */
export function wakeCheckpoints(): void {
  if (thread || failed || !files.size) return;
  thread = startThread();
  for (const path of files.keys()) thread.postMessage({ open: path });
  autocheckpointAt(BACKSTOP_FRAMES);
}

/** Whether the checkpoint thread runs (tests). */
export function checkpointThreadRunning(): boolean {
  return thread !== null;
}

/**
 * Hands the checkpoints of `path` to the thread while `connection` is open; returns the
 * function to call before closing the connection.
 */
export function checkpointInBackground(path: string, connection: WalConnection): () => void {
  let connections = files.get(path);
  const opened = !connections;
  if (!connections) files.set(path, (connections = new Set()));
  connections.add(connection);
  if (thread) {
    if (opened) thread.postMessage({ open: path });
    connection.pragma(`wal_autocheckpoint = ${BACKSTOP_FRAMES}`);
  } else {
    // The next burst of stores starts the thread (a new file is a new attempt, even after a
    // thread that failed); until then the connection checkpoints by itself.
    failed = false;
  }
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
