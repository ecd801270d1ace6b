/**
 * bench/store-writes: the store's writes alone, on a copy of a database a cold pull filled
 * (bench:ingest with HUB_BENCH_KEEP_DB=1). A cold pull's main thread spends a third of its time
 * in SQLite writes and their COMMITs, mixed there with reads, dedup and garbage collection:
 * this replays only the inserts of new stories, as the store writes them (db/bulk-insert.ts,
 * the connection's batch, group commits), so that a change to the schema, the statements or
 * the commit size shows in figures steady to a few per cent.
 *
 *   npm run bench:store-writes -- --db /tmp/hub-bench-ingest-…/hub.sqlite
 *     [--batches 40] [--per-commit 2] [--sources-per-batch 10] [--runs 3] [--by-table]
 *     [--pragma 'cache_spill=8000' …] [--sql 'drop index …' …] [--build-only]
 *     [--variant 'NAME=SQL;SQL…' …]
 *
 * New stories are copies of stored ones, ten sources' entries a batch (a pull's batch of
 * documents), each with a new id, guid, story and text key: their rows land where new stories'
 * land (item_keys keeps the original keys, at random places of the index; entries by source
 * together). `--per-commit` batches share one transaction (the group commit). Prints, per run:
 * main-thread CPU to build the statements, to run them (the connection's batch: SQLite's work
 * and binding the values), and to COMMIT (writing the WAL), and WAL pages per new story.
 * --by-table times each table's inserts apart (each in a savepoint of its own); --pragma and
 * --sql try a setting or a schema change on the copy; --build-only times building the statements
 * alone. The machine's other work shows in the
 * times (a few runs tell), not in the WAL pages, which are exact.
 * --variant (repeated) compares changes in one run instead: each variant's SQL (`PRAGMA …`
 * included) runs on a copy of its own, and the copies write the same stories a commit at a
 * time, taking turns, so that a loaded machine's other work falls on each alike (two copies
 * without changes differed by 2-5 % in write CPU on a machine at load 5-9, where separate runs
 * differed by 10-30 %). Texts and search texts are bound as UTF-8 bytes, as a pull binds them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDatabase, keptDatabase, numberOption } from './kept-database.ts';
import { threadCpuMs as cpuMs } from '../workers/node/thread-cpu.ts';
import { inArray } from 'drizzle-orm';
import type { Database } from 'better-sqlite3';
import { openSqlite } from '../workers/node/sqlite.ts';
import { bulkInserts, type InsertRow } from '../src/db/bulk-insert.ts';
import { insertKeyValues } from '../src/db/item-keys.ts';
import { insertTexts } from '../src/db/texts.ts';
import { entries, items, texts } from '../src/db/schema/items.ts';
import type { Statement } from '../src/db/client.ts';
import { newItemId } from '../src/ingest/dedupe/item-id.ts';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => numberOption(argv, name, fallback);
const source = keptDatabase(argv, 'bench:store-writes');
const BATCHES = arg('batches', 40);
const PER_COMMIT = arg('per-commit', 2);
const SOURCES_PER_BATCH = arg('sources-per-batch', 10);
const RUNS = arg('runs', 3);
/** --by-table: each table's inserts in a batch of their own, timed apart. */
const BY_TABLE = argv.includes('--by-table');

/**
 * --wal-by-table: the WAL frames each commit wrote, by the table or index their page belongs to
 * (dbstat), spilled pages written again counted each time.
 */
const WAL_BY_TABLE = argv.includes('--wal-by-table');

function countWalFrames(raw: Database, path: string, into: Map<string, number>): void {
  const pageSize = Number(raw.pragma('page_size', { simple: true }));
  const wal = readFileSync(`${path}-wal`);
  const owner = new Map<number, string>();
  for (const [page, name] of raw
    .prepare('select pageno, name from dbstat')
    .raw()
    .iterate() as Iterable<[number, string]>)
    owner.set(page, name);
  // A 32-byte header, then frames: a 24-byte header (the page number first) and the page.
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    const name = owner.get(wal.readUInt32BE(at)) ?? '(free list)';
    into.set(name, (into.get(name) ?? 0) + 1);
  }
}

/** Bytes the main thread wrote (Linux: /proc's per-thread io). */
function written(): number {
  const io = readFileSync(`/proc/self/task/${process.pid}/io`, 'utf8');
  return Number(/wchar: (\d+)/.exec(io)![1]);
}

let seq = 0;
const hex = () => {
  let s = '';
  for (let i = 0; i < 8; i++)
    s += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s;
};
const textKey = () => hex().slice(0, 22);

interface Batch {
  texts: Array<InsertRow<typeof texts>>;
  items: Array<InsertRow<typeof items>>;
  entries: Array<typeof entries.$inferInsert>;
  /** item_keys rows, flat (insertKeyValues). */
  keys: number[];
}

/** One copy of the database being written: a variant (--variant) or the copy of a run. */
interface Copy {
  name: string;
  dir: string;
  path: string;
  db: ReturnType<typeof openSqlite>;
  build: number;
  write: number;
  commit: number;
  bytes: number;
  peakRss: number;
  byTable: Map<string, number>;
  walByTree: Map<string, number>;
}

/** A copy of the kept database, with the settings and schema changes given to try. */
function openCopy(name: string, sqls: string[]): Copy {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-store-writes-'));
  const path = join(dir, 'hub.sqlite');
  copyDatabase(source, path);
  const db = openSqlite(path);
  // Checkpoints between commits, outside the figures (a thread makes them in a pull).
  db.raw.pragma('wal_autocheckpoint = 0');
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  argv.forEach((a, i) => a === '--pragma' && db.raw.pragma(argv[i + 1]!));
  // --sql 'drop index …': try a schema change on the copy, before the figures.
  argv.forEach((a, i) => a === '--sql' && db.raw.exec(argv[i + 1]!));
  for (const sql of sqls) db.raw.exec(sql);
  const copy = { name, dir, path, db, build: 0, write: 0, commit: 0, bytes: 0, peakRss: 0 };
  return { ...copy, byTable: new Map(), walByTree: new Map() };
}

/** The large texts as a pull binds them: UTF-8 bytes made on the reading thread. */
const utf8 = (text: string | null) => (text === null ? null : new TextEncoder().encode(text));

/** New stories made from the stored ones (see the module doc), ten sources a batch. */
async function buildBatches(db: Copy['db']): Promise<Batch[]> {
  const sourceIds = (
    db.raw.prepare('select distinct source_id from entries order by source_id').raw().all() as [
      number,
    ][]
  ).map(([id]) => id);
  let nextId = Number(db.raw.prepare('select max(id) from entries').pluck().get()) + 1;
  const now = Date.now();
  const batches: Batch[] = [];
  // Index keys by entry, in one scan (the index is by key).
  const keysOf = new Map<number, Array<{ key: number; publishedAt: number }>>();
  for (const [key, publishedAt, entryId] of db.raw
    .prepare('select key, published_at, entry_id from item_keys')
    .raw()
    .iterate() as Iterable<[number, number, number]>) {
    let list = keysOf.get(entryId);
    if (!list) keysOf.set(entryId, (list = []));
    list.push({ key, publishedAt });
  }
  for (let b = 0; b < BATCHES; b++) {
    const ids = sourceIds.slice(b * SOURCES_PER_BATCH, (b + 1) * SOURCES_PER_BATCH);
    if (!ids.length) break;
    const rows = await db.orm.select().from(entries).where(inArray(entries.sourceId, ids));
    const batch: Batch = { texts: [], items: [], entries: [], keys: [] };
    const itemIds = [...new Set(rows.map((r) => r.itemId))];
    const itemRows = new Map(
      (await db.orm.select().from(items).where(inArray(items.id, itemIds))).map((r) => [r.id, r]),
    );
    const textKeys = rows.flatMap((r) => (r.textKey ? [r.textKey] : []));
    const textRows = new Map(
      (await db.orm.select().from(texts).where(inArray(texts.key, textKeys))).map((r) => [
        r.key,
        r,
      ]),
    );
    for (const r of rows) {
      const id = nextId++;
      const itemId = newItemId(now + seq++);
      const text = r.textKey ? textRows.get(r.textKey) : undefined;
      const key = text ? textKey() : null;
      if (text)
        batch.texts.push({
          key: key!,
          summary: utf8(text.summary),
          contentHtml: utf8(text.contentHtml),
        });
      const item = itemRows.get(r.itemId)!;
      batch.items.push({ ...item, id: itemId, textKey: key, searchText: utf8(item.searchText)! });
      batch.entries.push({
        ...r,
        id,
        itemId,
        guidHash: hex(),
        guid: r.guid === null ? null : `${r.guid}#${id}`,
        canonicalUrl: r.canonicalUrl === null ? null : `${r.canonicalUrl}#${id}`,
        textKey: key,
        firstSeenAt: now,
      });
      for (const k of keysOf.get(r.id) ?? []) batch.keys.push(k.key, k.publishedAt, id);
    }
    batches.push(batch);
  }
  return batches;
}

/**
 * Writes the batches into each copy, a commit (PER_COMMIT batches) at a time, the copies taking
 * turns in a rotating order: the machine's other work then falls on each copy alike.
 */
async function writeAll(copies: Copy[], batches: Batch[]): Promise<void> {
  // PERF_CTL=path: perf record --control=fifo:path -D -1 sees the timed part alone.
  const perf = process.env.PERF_CTL;
  if (perf) writeFileSync(perf, 'enable\n');
  // Each commit's frames alone in the WAL: the checkpoint after it truncates the file.
  if (WAL_BY_TABLE) for (const c of copies) c.db.raw.pragma('wal_checkpoint(TRUNCATE)');
  let turn = 0;
  for (let b = 0; b < batches.length; b += PER_COMMIT, turn++) {
    for (let k = 0; k < copies.length; k++) {
      const c = copies[(k + turn) % copies.length]!;
      const { db } = c;
      const w0 = written();
      db.raw.exec('BEGIN IMMEDIATE');
      for (const batch of batches.slice(b, b + PER_COMMIT)) {
        const t0 = cpuMs();
        const statements: Array<[string, Statement[]]> = [
          ['texts', insertTexts(db, batch.texts)],
          ['items', bulkInserts(db, items, batch.items)],
          ['entries', bulkInserts(db, entries, batch.entries)],
          ['item_keys', insertKeyValues(db, batch.keys)],
        ];
        const t1 = cpuMs();
        if (BY_TABLE)
          for (const [table, part] of statements) {
            const s0 = cpuMs();
            await db.batch(part);
            c.byTable.set(table, (c.byTable.get(table) ?? 0) + cpuMs() - s0);
          }
        else await db.batch(statements.flatMap(([, part]) => part));
        const t2 = cpuMs();
        c.build += t1 - t0;
        c.write += t2 - t1;
      }
      c.peakRss = Math.max(c.peakRss, process.memoryUsage().rss);
      const t3 = cpuMs();
      db.raw.exec('COMMIT');
      c.commit += cpuMs() - t3;
      c.bytes += written() - w0;
      // The checkpoint is outside the figures, and outside perf's samples too.
      if (perf) writeFileSync(perf, 'disable\n');
      if (WAL_BY_TABLE) countWalFrames(db.raw, c.path, c.walByTree);
      db.raw.pragma(WAL_BY_TABLE ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(RESTART)');
      if (perf) writeFileSync(perf, 'enable\n');
    }
  }
  if (perf) writeFileSync(perf, 'disable\n');
}

function report(label: string, c: Copy, batches: Batch[]): void {
  const stories = batches.reduce((n, b) => n + b.entries.length, 0);
  const keys = batches.reduce((n, b) => n + b.keys.length / 3, 0);
  const pageSize = Number(c.db.raw.pragma('page_size', { simple: true }));
  const pages = c.bytes / (pageSize + 24);
  const per = (ms: number) => `${((ms / stories) * 1000).toFixed(1)} µs`;
  console.log(
    `${label}: ${stories} stories (${keys} keys) in ${batches.length} batches, ` +
      `${Math.ceil(batches.length / PER_COMMIT)} commits — build ${per(c.build)}, ` +
      `write ${per(c.write)}, COMMIT ${per(c.commit)} per story; ` +
      `${(pages / stories).toFixed(2)} WAL pages per story; ` +
      `RSS before COMMIT ${(c.peakRss / 1024 / 1024).toFixed(0)} MB at most`,
  );
  if (BY_TABLE)
    console.log(
      `  write by table: ${[...c.byTable].map(([t, ms]) => `${t} ${per(ms)}`).join(', ')}`,
    );
  if (WAL_BY_TABLE)
    console.log(
      `  WAL pages per story by table or index: ${[...c.walByTree]
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${(n / stories).toFixed(2)}`)
        .join(', ')}`,
    );
}

function close(c: Copy): void {
  c.db.close();
  rmSync(c.dir, { recursive: true, force: true });
}

async function run(index: number): Promise<void> {
  const copy = openCopy('', []);
  try {
    const batches = await buildBatches(copy.db);
    if (argv.includes('--build-only')) {
      const stories = batches.reduce((n, b) => n + b.entries.length, 0);
      // The statements alone, five times over: what building them costs, apart from SQLite.
      const t0 = cpuMs();
      for (let k = 0; k < 5; k++)
        for (const batch of batches) {
          insertTexts(copy.db, batch.texts);
          bulkInserts(copy.db, items, batch.items);
          bulkInserts(copy.db, entries, batch.entries);
          insertKeyValues(copy.db, batch.keys);
        }
      console.log(`build only: ${(((cpuMs() - t0) / 5 / stories) * 1000).toFixed(2)} µs per story`);
      return;
    }
    await writeAll([copy], batches);
    report(`run ${index + 1}`, copy, batches);
  } finally {
    close(copy);
  }
}

/** --variant 'NAME=SQL;SQL…', repeated: each on a copy of its own, written in turns. */
const variants = argv.flatMap((a, i) => (a === '--variant' ? [argv[i + 1]!] : []));
if (variants.length) {
  const copies = variants.map((v) => {
    const at = v.indexOf('=');
    const name = at < 0 ? v : v.slice(0, at);
    return openCopy(
      name,
      at < 0
        ? []
        : v
            .slice(at + 1)
            .split(';')
            .filter(Boolean),
    );
  });
  try {
    // The same new stories for every copy, made from the first one.
    const batches = await buildBatches(copies[0]!.db);
    await writeAll(copies, batches);
    for (const c of copies) report(c.name, c, batches);
  } finally {
    copies.forEach(close);
  }
} else for (let i = 0; i < RUNS; i++) await run(i);
