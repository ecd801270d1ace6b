/**
 * WAL checkpoints run in a thread (workers/node/checkpointer.ts) during bursts of stores: the
 * database file takes the pages written through the hub's connection although that connection,
 * whose own threshold is then far (BACKSTOP_FRAMES), never checkpointed them itself. Without a
 * burst there is no thread: opening a file starts none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openSqlite } from '../../workers/node/sqlite.ts';
import {
  BACKSTOP_FRAMES,
  CHECKPOINT_EVERY_MS,
  checkpointInBackground,
  checkpointThreadRunning,
  INLINE_FRAMES,
  IDLE_MS,
  setCheckpointIdleMs,
} from '../../workers/node/checkpointer.ts';

const opened: Array<{ close(): void }> = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

describe('background WAL checkpoints', () => {
  it('copy committed pages into the database file without the writing connection doing it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hub-ckpt-')), 'hub.sqlite');
    const db = openSqlite(path);
    opened.push(db);
    // Opened, nothing stored yet: no thread, the connection checkpoints by itself.
    expect(checkpointThreadRunning()).toBe(false);
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(INLINE_FRAMES);
    const before = statSync(path).size;
    // ~8 MB in 2,000 pages, stored as a pull stores (a group commit): far below the
    // connection's own threshold.
    db.raw.exec('create table filler (x blob)');
    const insert = db.raw.prepare('insert into filler values (randomblob(4000))');
    const { committed } = await db.commitGroup!.run(async () => {
      for (let i = 0; i < 2000; i++) insert.run();
    });
    await committed;
    expect(checkpointThreadRunning()).toBe(true);
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_FRAMES);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(8_000_000);
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before + 8_000_000), {
      timeout: 50 * CHECKPOINT_EVERY_MS,
      interval: 20,
    });
  });

  it('a second connection to the same file, then both closed: each still reads and writes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hub-ckpt-')), 'hub.sqlite');
    const a = openSqlite(path);
    const b = openSqlite(path);
    a.raw.exec('create table t (x)');
    b.raw.prepare('insert into t values (1)').run();
    a.close();
    b.raw.prepare('insert into t values (2)').run();
    expect(b.raw.prepare('select count(*) n from t').get()).toEqual({ n: 2 });
    b.close();
    const c = openSqlite(path);
    opened.push(c);
    expect(c.raw.prepare('select count(*) n from t').get()).toEqual({ n: 2 });
  });

  it('stops when the files have had no writes for a while; the next group commit wakes it', async () => {
    setCheckpointIdleMs(400);
    try {
      const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'hub-ckpt-')), 'hub.sqlite'));
      opened.push(db);
      db.raw.exec('create table t (x)');
      await (await db.commitGroup!.run(async () => {})).committed;
      expect(checkpointThreadRunning()).toBe(true);
      await vi.waitFor(() => expect(checkpointThreadRunning()).toBe(false), {
        timeout: 5000,
        interval: 20,
      });
      // Asleep, the connection checkpoints its own rare writes.
      expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(INLINE_FRAMES);
      // A burst of stores (a group commit opening) wakes it.
      const { committed } = await db.commitGroup!.run(async () => {
        db.raw.prepare('insert into t values (1)').run();
      });
      await committed;
      expect(checkpointThreadRunning()).toBe(true);
      expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_FRAMES);
    } finally {
      setCheckpointIdleMs(IDLE_MS);
    }
  });

  // Last: it leaves the process's thread stopped (the next file opened would start another).
  it('a thread that stops hands the checkpoints back to the connections', async () => {
    const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'hub-ckpt-')), 'hub.sqlite'));
    opened.push(db);
    await (await db.commitGroup!.run(async () => {})).committed;
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_FRAMES);
    // A file the thread cannot open makes it throw: as a thread whose better-sqlite3 is broken would.
    const pragmas: string[] = [];
    const stop = checkpointInBackground(join(tmpdir(), 'hub-ckpt-missing', 'none', 'hub.sqlite'), {
      pragma: (source: string) => pragmas.push(source),
    });
    try {
      await vi.waitFor(
        () => expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(INLINE_FRAMES),
        { timeout: 5000, interval: 20 },
      );
      expect(pragmas).toEqual([
        `wal_autocheckpoint = ${BACKSTOP_FRAMES}`,
        `wal_autocheckpoint = ${INLINE_FRAMES}`,
      ]);
    } finally {
      stop();
    }
  });
});
