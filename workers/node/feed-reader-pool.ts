/**
 * Feed and calendar documents read on other threads: parsing, normalising and fingerprinting
 * a document is about half of a cold pull's CPU, all of it pure, while the main thread's share
 * is SQLite. With a thread reading the next documents, the main thread only stores
 * (bench:ingest), and however long a hostile document takes, the HTTP server keeps answering.
 *
 * Threads start on the first read (a command that pulls nothing starts none) and keep the
 * process alive only while they have work. A thread that dies (a document exhausting its
 * memory limit, a crash) fails its document as parse_error, and a new one takes its place.
 * A thread still reading a document after its budget (READ_BUDGET_MS for a calendar,
 * FEED_READ_BUDGET_MS for a feed) is terminated, the
 * document fails as 'read_timeout' ("Lecture trop longue"), and a new thread takes its place.
 */
import { Worker } from 'node:worker_threads';
import {
  readDocumentBytes,
  readFeed,
  type DocumentRead,
  type FeedReader,
  type ReadFeed,
} from '../../src/ingest/feed-reader.ts';
import { parseCalendar, type ParsedCalendar } from '../../src/agenda/parse-calendar.ts';
import { FEED_READ_BUDGET_MS, READ_BUDGET_MS, readTooLong } from '../../src/ingest/read-budget.ts';
import { IngestError } from '../../src/ingest/types.ts';
import type { ReadReply, ReadRequest } from './feed-reader-protocol.ts';
import { threadsFollowTheirOwnHeapLimits } from './thread-heap-limits.ts';
import { nodeUtf8Decoder } from './utf8-decoder.ts';
import { releaseTexts } from './packed-texts.ts';

/** Above what the largest document the fetcher accepts (HUB_FETCH_MAX_BYTES) needs, by far. */
const THREAD_HEAP_MB = 384;

/** A request before the pool numbers it (each member of the union without its id). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ReadRequest>;

type Read = ReadFeed | ParsedCalendar | DocumentRead;

interface Task {
  id: number;
  request: Request;
  resolve(value: Read): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  task: Task | null;
  /**
   * The document it reads after `task`, sent ahead: the thread starts it as soon as it is done
   * with `task`, even while the main thread is busy storing (its reply waits in the port).
   */
  next: Task | null;
  /** Stops the thread when its task runs past the budget. */
  timer: ReturnType<typeof setTimeout> | null;
  /** Stops the thread once it has had nothing to read for a while. */
  idleTimer: ReturnType<typeof setTimeout> | null;
  /** Its script loaded (it said so): a death before that is the pool's, not a document's. */
  ready: boolean;
}

/** The thread's script: the bundle's copy beside this module, or the TypeScript source. */
function threadScript(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./feed-reader-worker-dev.mjs', import.meta.url)
    : new URL('./feed-reader-worker.mjs', import.meta.url);
}

export interface FeedReaderPoolOptions {
  /** Bounds each thread's heap: a document that needs more fails alone (tests use a small one). */
  threadHeapMb?: number;
  /** The threads' script (tests point it at a missing file). */
  script?: URL;
  /** Told once if threads cannot start, when the pool falls back to reading in line. */
  onFallback?: (why: string) => void;
  /** How long one document may be read before its thread is stopped (tests use a short one). */
  budgetMs?: number;
  /** The same for a feed (tests use a short one). */
  feedBudgetMs?: number;
  /** How long a thread may wait for work before it is stopped (tests use a short one). */
  idleMs?: number;
}

/**
 * A reading thread holds 15–25 MB; between scheduled pulls (every 30 minutes by default) it
 * would hold them for nothing. Restarting one costs ~50 ms at the next pull.
 */
export const IDLE_MS = 30_000;

/**
 * A feed as the main thread keeps it: its texts views of `packed`, freed once they are stored
 * (ReadFeed.release); its items' key numbers in arrays of doubles (doubleKeys).
 */
function received(feed: ReadFeed, packed: ArrayBuffer | undefined): ReadFeed {
  if (packed) feed.release = () => releaseTexts(packed);
  const { items } = feed;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.keyNumbers) item.keyNumbers = doubleKeys(item.keyNumbers);
  }
  return feed;
}

/**
 * A copy of an item's index key numbers in the kind of array the main thread makes of them
 * (indexKeyNumbers pushes them: packed, unboxed doubles), of their exact size (a slice of it).
 * A message gives an array of numbers back holey, each number past 2³¹ an object of its own:
 * 520 bytes for an item's 20 keys, against 216, held until its batch is written (long enough
 * to be copied into the old generation), and a second kind of array for the matcher and the
 * lookup to read beside the keys computed here from stored rows.
 */
function doubleKeys(keys: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < keys.length; i++) out.push(keys[i]!);
  return out.slice();
}

/** Reads a request on this thread (the fallback when threads cannot start). */
function readHere(request: Request): Promise<Read> {
  if (request.kind === 'feed') return readFeed(request.text, request.url);
  if (request.kind === 'document')
    return readDocumentBytes(request.body, request.contentType, request.url, {
      htmlIsText: request.htmlIsText,
      utf8: nodeUtf8Decoder,
    });
  return Promise.resolve().then(() =>
    parseCalendar(request.text, { ...request.options, now: new Date(request.options.now) }),
  );
}

/**
 * `size` threads at most. Should threads fail to start at all (a script missing from a broken
 * install), documents are read in line instead: slower, never a pull that fails for it.
 */
export function feedReaderPool(
  size: number,
  options: FeedReaderPoolOptions = {},
): FeedReader & { close(): Promise<void>; running(): number } {
  const heapMb = options.threadHeapMb ?? THREAD_HEAP_MB;
  const script = options.script ?? threadScript();
  const threads: Thread[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;
  let inline = false;
  const budgetMs = options.budgetMs ?? READ_BUDGET_MS;
  const feedBudgetMs = options.feedBudgetMs ?? FEED_READ_BUDGET_MS;
  const budgetOf = (task: Task) => (task.request.kind === 'calendar' ? budgetMs : feedBudgetMs);
  const readInline = (task: Task) => void readHere(task.request).then(task.resolve, task.reject);

  const idleMs = options.idleMs ?? IDLE_MS;
  /** A thread without work for idleMs is stopped: serve keeps no reader between pulls. */
  const retireWhenIdle = (thread: Thread) => {
    if (thread.idleTimer) return;
    thread.idleTimer = setTimeout(() => {
      thread.idleTimer = null;
      const i = threads.indexOf(thread);
      if (i === -1 || thread.task) return;
      threads.splice(i, 1); // before it exits: its exit is then no death to report
      void thread.worker.terminate();
    }, idleMs);
    thread.idleTimer.unref();
  };

  const spawn = (): Thread => {
    // A 12 MB young generation (4 MB semi-spaces, half the main thread's). Re-measured once the
    // thread sent large texts as transferred bytes (issue 19), interleaved with 24 MB on a
    // loaded machine: the cold pull's peak RSS 177-178 -> 166-176 MB at 250 sources (5 runs
    // each), 184-189 -> 176-178 MB at 1,000 (3 each); hub CPU within noise (250: 9.5-12.1 vs
    // 10.0-11.1 s; 1,000: 2.24-2.33 vs 2.22-2.38 times the main thread's). An earlier session,
    // before that change, had measured ~1 s more of ~16 s. These limits hold only once the flags
    // are cleared (thread-heap-limits.ts).
    const resourceLimits = { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 12 };
    threadsFollowTheirOwnHeapLimits();
    const thread: Thread = {
      worker: new Worker(script, { resourceLimits }),
      task: null,
      next: null,
      timer: null,
      idleTimer: null,
      ready: false,
    };
    thread.worker.unref();
    thread.worker.on('message', (reply: ReadReply) => {
      if ('ready' in reply) {
        thread.ready = true;
        // The budget counts reading, not the thread's start.
        if (thread.task && !thread.timer) startTimer(thread);
        return;
      }
      const task = thread.task;
      if (!task || task.id !== reply.id) return;
      thread.task = thread.next;
      thread.next = null;
      if (thread.timer) clearTimeout(thread.timer);
      thread.timer = null;
      // The next document is being read already: its budget runs from now.
      if (thread.task && thread.ready) startTimer(thread);
      // Feeds come without their fingerprints' plain texts (computed back if asked for:
      // feed-reader.ts plainTextOf), their large texts as bytes (packed-texts.ts).
      if ('feed' in reply) task.resolve(received(reply.feed, reply.packed));
      else if ('calendar' in reply) task.resolve(reply.calendar);
      else if ('document' in reply) {
        if (reply.document.kind === 'feed') received(reply.document.feed, reply.packed);
        task.resolve(reply.document);
      } else
        task.reject(
          new IngestError(
            reply.error.kind ?? 'parse_error',
            reply.error.kind ? reply.error.message : `Lecture impossible : ${reply.error.message}`,
          ),
        );
      dispatch();
    });
    const died = (why: string, documentsFault: boolean) => {
      const i = threads.indexOf(thread);
      if (i === -1) return;
      threads.splice(i, 1);
      const task = thread.task;
      thread.task = null;
      requeueNext(thread);
      if (thread.timer) clearTimeout(thread.timer);
      if (!thread.ready && !documentsFault && !inline) {
        inline = true;
        options.onFallback?.(why);
      }
      if (task) {
        if (inline) readInline(task);
        else task.reject(new IngestError('parse_error', `Lecture impossible : ${why}`));
      }
      dispatch();
    };
    thread.worker.on('error', (err: Error & { code?: string }) => {
      const oom = err?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      died(
        oom
          ? `le document demande plus de ${heapMb} Mo de mémoire pour être lu`
          : (err?.message ?? String(err)),
        oom,
      );
    });
    thread.worker.on('exit', (code) =>
      died(`le lecteur de flux s’est arrêté (code ${code})`, false),
    );
    threads.push(thread);
    return thread;
  };

  /** A read past its budget: the thread is stopped (the only way to interrupt it) and replaced. */
  const overrun = (thread: Thread) => {
    const i = threads.indexOf(thread);
    if (i === -1 || !thread.task) return;
    threads.splice(i, 1);
    const task = thread.task;
    thread.task = null;
    requeueNext(thread);
    thread.timer = null;
    void thread.worker.terminate();
    task.reject(readTooLong(budgetOf(task)));
    dispatch();
  };

  /** A document sent ahead to a thread that stops goes back first in line, for another. */
  const requeueNext = (thread: Thread) => {
    if (thread.next) queue.unshift(thread.next);
    thread.next = null;
  };

  const startTimer = (thread: Thread) => {
    if (!thread.task) return;
    thread.timer = setTimeout(() => overrun(thread), budgetOf(thread.task));
  };

  const enqueue = (request: Request) =>
    new Promise<Read>((resolve, reject) => {
      queue.push({ id: nextId++, request, resolve, reject });
      dispatch();
    });

  const dispatch = () => {
    if (inline) for (const task of queue.splice(0)) readInline(task);
    while (queue.length && !closed) {
      const idle = threads.find((t) => !t.task) ?? (threads.length < size ? spawn() : null);
      if (!idle) break;
      const task = queue.shift()!;
      idle.task = task;
      if (idle.idleTimer) clearTimeout(idle.idleTimer);
      idle.idleTimer = null;
      idle.worker.ref(); // work pending: the process waits for it
      if (idle.ready) startTimer(idle);
      idle.worker.postMessage({ id: task.id, ...task.request } as ReadRequest);
    }
    // Every thread busy: each gets its next document ahead (one), so that it goes on reading
    // while the main thread stores rather than waiting for the store's end to be sent one.
    for (const thread of threads) {
      if (!queue.length || closed) break;
      if (!thread.task || thread.next || !thread.ready) continue;
      const task = queue.shift()!;
      thread.next = task;
      thread.worker.postMessage({ id: task.id, ...task.request } as ReadRequest);
    }
    for (const t of threads)
      if (!t.task) {
        t.worker.unref();
        retireWhenIdle(t);
      }
  };

  return {
    offThread: true,
    read(text, url) {
      if (closed) return Promise.reject(new Error('feed reader pool closed'));
      if (inline) return readFeed(text, url);
      return enqueue({ kind: 'feed', text, url }) as Promise<ReadFeed>;
    },
    readBytes(body, contentType, url, { htmlIsText }) {
      if (closed) return Promise.reject(new Error('feed reader pool closed'));
      // A message carries a view's whole buffer: a body that is a slice of a larger one (a
      // network chunk) goes as a copy of its own bytes.
      const bytes = body.byteLength === body.buffer.byteLength ? body : body.slice();
      const request: Request = { kind: 'document', body: bytes, contentType, url, htmlIsText };
      if (inline) return readHere(request) as Promise<DocumentRead>;
      return enqueue(request) as Promise<DocumentRead>;
    },
    readCalendar(text, calendarOptions) {
      if (closed) return Promise.reject(new Error('feed reader pool closed'));
      const request: Request = {
        kind: 'calendar',
        text,
        options: { ...calendarOptions, now: calendarOptions.now.getTime() },
      };
      if (inline) return readHere(request) as Promise<ParsedCalendar>;
      return enqueue(request) as Promise<ParsedCalendar>;
    },
    running: () => threads.length,
    async close() {
      closed = true;
      for (const t of threads) if (t.idleTimer) clearTimeout(t.idleTimer);
      for (const task of queue.splice(0)) task.reject(new Error('feed reader pool closed'));
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
}
