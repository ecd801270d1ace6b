/**
 * Group commit for a SQLite file: the documents a pull stores one after the other share one
 * transaction, committed once no store has followed for IDLE_MS, or once it has been open for
 * MAX_OPEN_MS.
 *
 * Why: a story's dedup keys (item_keys) are random, so every stored document dirtied one page
 * of that index per key, and every commit wrote each of those pages to the WAL (then the
 * checkpoint wrote them again): 16 pages per item at 500 sources. Twenty documents in one
 * commit share most of those pages: 6 pages per item.
 *
 * What it must not cost is durability as the pull reports it. A store's `committed` settles
 * when its transaction does, and refresh.ts saves the source's validators and reports the
 * document only after that: a process killed with a transaction open loses documents it had
 * not reported yet, and the next pull fetches them again. Other writes made on the connection
 * while the transaction is open (between two stores) join it and commit with it; those that
 * come before an email leaves (a digest delivery's state, a subscription request) or before a
 * request is answered (src/app.ts) commit it at once (Database.durably in src/db/client.ts).
 *
 * Two connections to one file in one process (tests that play two processes) never group:
 * one would hold the write lock across awaits while SQLite's busy wait of the other blocks
 * the thread that would commit it.
 */
import { wakeCheckpoints } from './checkpointer.ts';
import { threadCpuMs } from './thread-cpu.ts';
import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { CommitGroup } from '../../src/db/client.ts';

/**
 * A store that follows within this delay joins the open transaction. In a cold pull stores
 * come every 30–50 ms, as fast as the reading thread reads: 100 ms gives groups of ~13
 * documents at 500 sources (10 ms gave 1.6). A pull commits at once after its last store.
 */
export const IDLE_MS = 100;
/** Other processes wait on the write lock at most this long (plus the store running then). */
export const MAX_OPEN_MS = 500;

/**
 * What this process's group commits did (bench/ingest prints it): how many, the CPU-bound time
 * their COMMITs took, and how long the write lock was held from BEGIN to the end of COMMIT (the
 * wait another process's writer may see); once a benchmark sets `timed`, the main thread's CPU
 * in them (`cpuMs`: the wall time grows with the machine's load, the CPU time much less).
 */
export const commitFigures = {
  commits: 0,
  commitMs: 0,
  heldMs: 0,
  longestHeldMs: 0,
  timed: false,
  cpuMs: 0,
};

/** Connections of this process per file. */
const openPerFile = new Map<string, number>();

export interface GroupCommit extends CommitGroup {
  /** Commits what is open and forgets the connection (before closing it). */
  close(): void;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export function groupCommit(
  raw: BetterSqlite3.Database,
  path: string,
  delays = { idleMs: IDLE_MS, maxOpenMs: MAX_OPEN_MS },
): GroupCommit {
  const file = path === ':memory:' ? null : resolve(path);
  if (file) openPerFile.set(file, (openPerFile.get(file) ?? 0) + 1);
  const alone = () => file === null || openPerFile.get(file) === 1;

  let open = false;
  /** Set while BEGIN waits for another process's lock: stores that come meanwhile wait too. */
  let opening: Promise<void> | undefined;
  let openedAt = 0;
  /** performance.now() at BEGIN, for commitFigures. */
  let heldSince = 0;
  let running = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiters: Waiter[] = [];

  const settle = (err?: unknown) => {
    const settling = waiters;
    waiters = [];
    for (const w of settling) {
      if (err === undefined) w.resolve();
      else w.reject(err);
    }
  };

  /** SQLite rolls a transaction back by itself on some errors (disk full, I/O). */
  const lostTransaction = () =>
    new Error(
      'Transaction annulée par SQLite (disque plein ou erreur d’écriture) : les ' +
        'documents qu’elle contenait seront relevés à nouveau.',
    );

  function commit(): void {
    clearTimeout(timer);
    timer = undefined;
    if (!open) return;
    open = false;
    if (!raw.inTransaction) return settle(lostTransaction());
    try {
      const t0 = performance.now();
      const cpu0 = commitFigures.timed ? threadCpuMs() : 0;
      raw.exec('COMMIT');
      if (commitFigures.timed) commitFigures.cpuMs += threadCpuMs() - cpu0;
      const t1 = performance.now();
      commitFigures.commits++;
      commitFigures.commitMs += t1 - t0;
      commitFigures.heldMs += t1 - heldSince;
      commitFigures.longestHeldMs = Math.max(commitFigures.longestHeldMs, t1 - heldSince);
      settle();
    } catch (err) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      settle(err);
    }
  }

  /**
   * BEGIN IMMEDIATE, waiting for another process's write lock without blocking the thread:
   * SQLite's own busy wait (busy_timeout) sleeps in the thread, and another process's group may
   * hold the lock for MAX_OPEN_MS; `serve` keeps answering meanwhile. Gives up, as SQLite would,
   * after the connection's busy_timeout.
   */
  async function begin(): Promise<void> {
    const patience = Number(raw.pragma('busy_timeout', { simple: true }));
    const started = Date.now();
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      raw.pragma('busy_timeout = 0');
      try {
        raw.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - started >= patience)
          throw err;
      } finally {
        raw.pragma(`busy_timeout = ${patience}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  return {
    async run<T>(work: () => Promise<T>) {
      // Another transaction of this connection (none spans an await today) or another
      // connection to the file in this process: the work commits as it goes.
      if (!alone() || (!open && !opening && raw.inTransaction)) {
        commit();
        return { value: await work(), committed: Promise.resolve() };
      }
      if (!open) {
        // Records that do not take the store turn (a source's 304) may come while another
        // one's BEGIN is under way: they join the same transaction rather than begin again.
        opening ??= begin()
          .then(() => {
            wakeCheckpoints();
            open = true;
            openedAt = Date.now();
            heldSince = performance.now();
          })
          .finally(() => {
            opening = undefined;
          });
        await opening;
      }
      clearTimeout(timer);
      running++;
      try {
        const value = await work();
        // Committed during the work (a flush before sending an email): what came after it was
        // written outside any transaction, so committed as it went.
        if (!open) return { value, committed: Promise.resolve() };
        const committed = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
        // Read by whoever awaits it; a rejection nobody awaits must not end the process.
        committed.catch(() => undefined);
        if (!raw.inTransaction) {
          open = false;
          settle(lostTransaction());
        }
        return { value, committed };
      } finally {
        running--;
        if (open && running === 0) {
          if (Date.now() - openedAt >= delays.maxOpenMs) commit();
          else timer = setTimeout(commit, delays.idleMs);
        }
      }
    },
    flush: commit,
    commitHeld() {
      if (!open) return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      commit();
      return done;
    },
    close() {
      commit();
      if (!file) return;
      const left = (openPerFile.get(file) ?? 1) - 1;
      if (left) openPerFile.set(file, left);
      else openPerFile.delete(file);
    },
  };
}
