/**
 * The store step of a pull, a batch of documents at a time. Each source of the pull fetches
 * and reads its document, then hands it here with the record of its new state; the documents
 * handed meanwhile are stored together (store-feed.ts storeDocuments: a few reads and one
 * write for the whole batch, in one store turn), their sources' records written in the same
 * transaction. A source with nothing to store (304, an error) hands its record alone: it goes
 * with the next batch's write.
 *
 * Why batches: on Workers every D1 query is a subrequest, which Cloudflare caps per
 * invocation; a queue invocation pulls ten sources, and storing them one by one cost about
 * five queries each. Node takes the same path: fewer, larger reads and writes cost it less.
 *
 * When a batch goes: once no source of the pull is still fetching or reading (all have handed
 * theirs), or once MAX_DOCUMENTS documents (MAX_ITEMS items, MAX_BYTES bytes) wait, or, where
 * the database says so (Database.storesWhenFree: SQLite), as soon as no batch is being stored,
 * with the documents handed meanwhile; one batch is stored at a
 * time per batcher, and all stores of a database are ordered (serialized, store turns). A
 * source's hand-off is accepted at once while the batch has room, so the pull starts its next
 * source; when it is full, the hand-off waits until the batch is taken. And a source waits
 * before fetching and before reading while the documents waiting for a batch and those being
 * read reach MAX_BYTES (Lane.room): the store behind, reading pauses rather than hold documents
 * (~3 times the size of their bytes), so a pull holds about two batches of read documents, one
 * being stored and one waiting, a batch being at most MAX_DOCUMENTS documents, MAX_ITEMS items
 * or MAX_BYTES bytes.
 *
 * A batch whose store fails is stored again one document at a time, so that the document at
 * fault gets its own recorded error and the others go on.
 */
import type { Deps } from '../deps.ts';
import type { Statement } from '../db/client.ts';
import { storeDocuments, type StoreDocument } from './store-feed.ts';
import { serialized } from './serialize.ts';
import { storeInTurn } from './store-lease.ts';
import { storageError, type StoreResult } from './types.ts';

/** Documents per batch: a Workers queue batch (wrangler.toml max_batch_size). */
export const MAX_DOCUMENTS = 10;
/** Items per batch, so that a few huge feeds do not make one huge batch. */
export const MAX_ITEMS = 5000;
/**
 * Bytes of read documents (documentBytes) per batch, and waiting for one. Counts alone let big
 * feeds pile up: ten documents of a few MB each (HUB_FETCH_MAX_BYTES is 5 MB) waiting while
 * ten more are stored, and every source of the pull holding one more it could not hand over.
 * A bench:ingest document (50 stories, 125 KB fetched) is ~0.4 MB: ten still make a batch.
 */
export const MAX_BYTES = 4 * 1024 * 1024;

/**
 * Heap bytes of a read feed per byte fetched: 374 KB for a bench:ingest feed of 125 KB. What a
 * source asks Lane.room for before reading a fetched document.
 */
export const READ_BYTES_PER_BYTE = 3;

/** Bytes a read item holds besides the texts counted: fields, fingerprint, objects. */
const ITEM_OVERHEAD = 200;

/**
 * What a read document holds in memory, roughly: its items' texts at two bytes a character
 * (V8 keeps Latin-1 text at one, which leaves room for what is not counted) and a fixed share
 * per item. A bench:ingest document, 50 stories, measures 374 KB on the heap and counts 376.
 * A text read on another thread may be its UTF-8 bytes (db/text-value.ts): their length is
 * counted as characters, off the heap but memory all the same (a byte per character mostly).
 */
export function documentBytes(document: StoreDocument): number {
  let chars = 0;
  for (const item of document.items)
    chars +=
      (item.title?.length ?? 0) +
      (item.summary?.length ?? 0) +
      (item.contentHtml?.length ?? 0) +
      (item.searchText?.length ?? 0) +
      (item.url?.length ?? 0) +
      (item.guid?.length ?? 0);
  return 2 * chars + ITEM_OVERHEAD * document.items.length;
}

/** What a hand-off gives back. */
export interface Handed<T> {
  /** Settles when the batch has room for it (the source may go on with other work). */
  accepted: Promise<void>;
  /** Settles once stored; `committed` once the transaction holding it has committed. */
  stored: Promise<{ value: T; committed: Promise<void> }>;
}

interface Job {
  document: StoreDocument;
  /** documentBytes(document), counted once. */
  bytes: number;
  /** The source hands nothing after this one. */
  last: boolean;
  accept: () => void;
  resolve: (stored: { value: StoreResult; committed: Promise<void> }) => void;
  reject: (err: unknown) => void;
}

/** A source's way into the batcher: working until its last hand-off. */
export interface Lane {
  /** A document to store, with what to write along with it (StoreDocument.alongside). */
  store(document: StoreDocument, last: boolean): Handed<StoreResult>;
  /** Statements to write with the next batch (the source's record): always its last hand-off. */
  record(source: StoreDocument['source'], statements: Statement[]): Handed<StoreResult>;
  /** The source hands nothing more (whatever happened): the batch need not wait for it. */
  end(): void;
  /**
   * Settles once the documents waiting to be stored, with those being read, leave room for
   * `bytes` more (documentBytes, estimated), which are then counted for this source until its
   * next hand-off. A source waits here before fetching (0) and before reading (its fetched
   * bytes' worth) while the store is behind, rather than read a document only to hold it.
   */
  room(bytes?: number): Promise<void>;
}

export class StoreBatcher {
  /** Sources that have begun and not made their last hand-off. */
  private working = 0;
  private pending: Job[] = [];
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: Array<() => void> = [];
  /** Bytes of documents being read, counted ahead of their hand-off (Lane.room). */
  private reading = 0;
  private roomWaiters: Array<{ bytes: number; admit: () => void }> = [];

  constructor(private deps: Deps) {}

  /** A source begins: the batcher waits for its hand-off before storing a partial batch. */
  lane(): Lane {
    this.working++;
    let open = true;
    /** What this source counts in `reading` (Lane.room), until its next hand-off. */
    let counted = 0;
    const uncount = () => {
      this.reading -= counted;
      counted = 0;
    };
    const hand = (document: StoreDocument, last: boolean): Handed<StoreResult> => {
      if (!open) throw new Error('a lane hands nothing after its last hand-off');
      open = !last;
      uncount();
      const handed = this.hand(document, last);
      this.admit();
      return handed;
    };
    return {
      store: hand,
      record: (source, statements) =>
        hand({ source, items: [], alongside: () => statements }, true),
      end: () => {
        uncount();
        this.admit();
        if (!open) return;
        open = false;
        this.working--;
        this.schedule();
      },
      room: (bytes = 0) => {
        uncount();
        return new Promise<void>((resolve) => {
          this.roomWaiters.push({
            bytes,
            admit: () => {
              counted = bytes;
              resolve();
            },
          });
          this.admit();
        });
      },
    };
  }

  /** Settles once every document handed so far is stored. */
  idle(): Promise<void> {
    if (!this.running && !this.pending.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private hand(document: StoreDocument, last: boolean): Handed<StoreResult> {
    let accept!: () => void;
    const accepted = new Promise<void>((resolve) => (accept = resolve));
    let resolve!: Job['resolve'];
    let reject!: Job['reject'];
    const stored = new Promise<{ value: StoreResult; committed: Promise<void> }>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const full = this.full();
    this.pending.push({ document, bytes: documentBytes(document), last, accept, resolve, reject });
    this.working--;
    if (!full) accept();
    this.schedule();
    return { accepted, stored };
  }

  /**
   * Lets waiting sources go on, in order, while the documents waiting to be stored and those
   * being read are under MAX_BYTES (a document larger than that is read when none are).
   */
  private admit(): void {
    let bytes = this.reading;
    for (const job of this.pending) bytes += job.bytes;
    while (this.roomWaiters.length && bytes < MAX_BYTES) {
      const waiter = this.roomWaiters.shift()!;
      this.reading += waiter.bytes;
      bytes += waiter.bytes;
      waiter.admit();
    }
  }

  private full(): boolean {
    let documents = 0;
    let items = 0;
    let bytes = 0;
    for (const job of this.pending) {
      if (job.document.items.length) documents++;
      items += job.document.items.length;
      bytes += job.bytes;
    }
    return documents >= MAX_DOCUMENTS || items >= MAX_ITEMS || bytes >= MAX_BYTES;
  }

  /**
   * Looks at the batch after the current turn of the event loop: a source that has just
   * handed its document lets the pull start the next one, which is working by then.
   */
  private schedule(): void {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 0);
  }

  private flush(): void {
    if (this.running) return;
    if (!this.pending.length) {
      for (const wake of this.idleWaiters.splice(0)) wake();
      return;
    }
    // More documents are coming and the batch has room: wait for them.
    if (!this.deps.db.storesWhenFree && this.working > 0 && !this.full()) return;
    const batch: Job[] = [];
    let documents = 0;
    let items = 0;
    let bytes = 0;
    while (this.pending.length) {
      const next = this.pending[0]!;
      const size = next.document.items.length;
      if (
        batch.length &&
        size &&
        (documents >= MAX_DOCUMENTS || items + size > MAX_ITEMS || bytes + next.bytes > MAX_BYTES)
      )
        break;
      const job = this.pending.shift()!;
      if (size) documents++;
      items += size;
      bytes += job.bytes;
      batch.push(job);
    }
    for (const job of batch) job.accept();
    if (!this.full()) for (const job of this.pending) job.accept();
    this.admit();
    this.running = this.store(batch).finally(() => {
      this.running = null;
      this.flush();
    });
  }

  /** Stores a batch; when it fails, each of its documents alone (see module doc). */
  private async store(batch: Job[]): Promise<void> {
    try {
      const { value, committed } = await this.write(batch.map((j) => j.document));
      this.settle(batch, (job, i) => job.resolve({ value: value[i]!, committed }));
    } catch (err) {
      if (batch.length === 1 || !documentsFault(err))
        return this.settle(batch, (job) => job.reject(storageError(err)));
      for (const job of batch) {
        try {
          const { value, committed } = await this.write([job.document]);
          this.settle([job], (j) => j.resolve({ value: value[0]!, committed }));
        } catch (alone) {
          this.settle([job], (j) => j.reject(storageError(alone)));
        }
      }
    }
  }

  /**
   * A source whose hand-off was not its last is working again once it is stored. Its items are
   * written or failed for good: what their texts hold is freed (StoreDocument.release).
   */
  private settle(jobs: Job[], each: (job: Job, i: number) => void): void {
    jobs.forEach((job, i) => {
      if (!job.last) this.working++;
      job.document.release?.();
      each(job, i);
    });
  }

  /**
   * One write: in a store turn when there are items (dedup reads what is stored), else the
   * records alone, which need no turn.
   */
  private async write(
    documents: StoreDocument[],
  ): Promise<{ value: StoreResult[]; committed: Promise<void> }> {
    const { deps } = this;
    const items = documents.some((d) => d.items.length);
    const { value, committed } = await serialized(deps.db, () =>
      deps.db.store(() =>
        items
          ? storeInTurn(deps, () => storeDocuments(deps, documents))
          : storeDocuments(deps, documents),
      ),
    );
    // Handled by every source, each reporting it: never an unhandled rejection meanwhile.
    committed.catch(() => undefined);
    return { value, committed: committed.catch((err) => Promise.reject(storageError(err))) };
  }
}

/**
 * Whether a failed write may be one document's doing (a value too big, a constraint it
 * breaks) rather than the database's (locked, full, unreachable): only then are the batch's
 * documents stored again one by one. A database refusing every write is not asked again per
 * document: each would wait out the lock anew (SQLite), or spend subrequests (D1).
 */
function documentsFault(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return /constraint|too ?big|too large|too many|mismatch|malformed|datatype/i.test(
    `${String(code ?? '')} ${String(message ?? err)}`,
  );
}
