/**
 * A new SQLite file gets 8 KB pages (workers/node/sqlite.ts: fewer WAL frames per commit, fewer
 * overflow pages for stories' texts); a file made with 4 KB pages, as every hub's before,
 * opens as it is, keeps its page size and its rows, and takes new writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqlite, PAGE_SIZE } from '../../workers/node/sqlite.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const newPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'page-size-'));
  dirs.push(dir);
  return join(dir, 'hub.sqlite');
};
const pageSize = (db: { raw: BetterSqlite3.Database }) =>
  Number(db.raw.pragma('page_size', { simple: true }));

describe('SQLite page size', () => {
  it('gives a new file 8 KB pages, in WAL mode, and keeps them when it is opened again', () => {
    expect(PAGE_SIZE).toBe(8192);
    const path = newPath();
    const db = openSqlite(path);
    expect(pageSize(db)).toBe(8192);
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openSqlite(path);
    expect(pageSize(again)).toBe(8192);
    again.close();
  });

  it('opens a file made with 4 KB pages as it is: same page size, rows kept, writes taken', () => {
    const path = newPath();
    // A file from before: 4 KB pages, WAL, a row of its own.
    const old = new BetterSqlite3(path);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("create table kept (x text); insert into kept values ('avant')");
    old.close();

    const db = openSqlite(path); // applies the hub's migrations to it
    expect(pageSize(db)).toBe(4096);
    db.raw.prepare('insert into kept values (?)').run('après');
    db.close();
    const again = openSqlite(path);
    expect(pageSize(again)).toBe(4096);
    expect(again.raw.prepare('select x from kept order by rowid').pluck().all()).toEqual([
      'avant',
      'après',
    ]);
    expect(again.raw.prepare('select count(*) from sources').pluck().get()).toBe(0);
    expect(again.raw.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });
});
