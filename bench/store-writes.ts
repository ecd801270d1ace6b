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
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDatabase, keptDatabase, numberOption } from './kept-database.ts';
import { threadCpuMs as cpuMs } from '../workers/node/thread-cpu.ts';
import { inArray } from 'drizzle-orm';
import type { Database } from 'better-sqlite3';
import { openSqlite } from '../workers/node/sqlite.ts';
import { bulkInserts } from '../src/db/bulk-insert.ts';
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
  texts: Array<typeof texts.$inferInsert>;
  items: Array<typeof items.$inferInsert>;
  entries: Array<typeof entries.$inferInsert>;
  /** item_keys rows, flat (insertKeyValues). */
  keys: number[];
}

async function run(index: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-store-writes-'));
  try {
    const path = join(dir, 'hub.sqlite');
    copyDatabase(source, path);
    const db = openSqlite(path);
    // Checkpoints between commits, outside the figures (a thread makes them in a pull).
    db.raw.pragma('wal_autocheckpoint = 0');
    db.raw.pragma('wal_checkpoint(TRUNCATE)');
    argv.forEach((a, i) => a === '--pragma' && db.raw.pragma(argv[i + 1]!));
    // --sql 'drop index …': try a schema change on the copy, before the figures.
    argv.forEach((a, i) => a === '--sql' && db.raw.exec(argv[i + 1]!));
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
        if (text) batch.texts.push({ ...text, key: key! });
        batch.items.push({ ...itemRows.get(r.itemId)!, id: itemId, textKey: key });
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
    const stories = batches.reduce((n, b) => n + b.entries.length, 0);
    const keys = batches.reduce((n, b) => n + b.keys.length / 3, 0);
    if (argv.includes('--build-only')) {
      // The statements alone, five times over: what building them costs, apart from SQLite.
      const t0 = cpuMs();
      for (let k = 0; k < 5; k++)
        for (const batch of batches) {
          insertTexts(db, batch.texts);
          bulkInserts(db, items, batch.items);
          bulkInserts(db, entries, batch.entries);
          insertKeyValues(db, batch.keys);
        }
      console.log(`build only: ${(((cpuMs() - t0) / 5 / stories) * 1000).toFixed(2)} µs per story`);
      db.close();
      return;
    }
    // PERF_CTL=path: perf record --control=fifo:path -D -1 sees the timed part alone.
    const perf = process.env.PERF_CTL;
    if (perf) writeFileSync(perf, 'enable\n');
    let peakRss = 0;
    let build = 0;
    let write = 0;
    const byTable = new Map<string, number>();
    const walByTree = new Map<string, number>();
    // Each commit's frames alone in the WAL: the checkpoint after it truncates the file.
    if (WAL_BY_TABLE) db.raw.pragma('wal_checkpoint(TRUNCATE)');
    let commit = 0;
    let bytes = 0;
    for (let b = 0; b < batches.length; b += PER_COMMIT) {
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
            byTable.set(table, (byTable.get(table) ?? 0) + cpuMs() - s0);
          }
        else await db.batch(statements.flatMap(([, part]) => part));
        const t2 = cpuMs();
        build += t1 - t0;
        write += t2 - t1;
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const t3 = cpuMs();
      db.raw.exec('COMMIT');
      commit += cpuMs() - t3;
      bytes += written() - w0;
      // The checkpoint is outside the figures, and outside perf's samples too.
      if (perf) writeFileSync(perf, 'disable\n');
      if (WAL_BY_TABLE) countWalFrames(db.raw, path, walByTree);
      db.raw.pragma(WAL_BY_TABLE ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(RESTART)');
      if (perf) writeFileSync(perf, 'enable\n');
    }
    if (perf) writeFileSync(perf, 'disable\n');
    const pageSize = Number(db.raw.pragma('page_size', { simple: true }));
    const pages = bytes / (pageSize + 24);
    const per = (ms: number) => `${((ms / stories) * 1000).toFixed(1)} µs`;
    console.log(
      `run ${index + 1}: ${stories} stories (${keys} keys) in ${batches.length} batches, ` +
        `${Math.ceil(batches.length / PER_COMMIT)} commits — build ${per(build)}, ` +
        `write ${per(write)}, COMMIT ${per(commit)} per story; ` +
        `${(pages / stories).toFixed(2)} WAL pages per story; ` +
        `RSS before COMMIT ${(peakRss / 1024 / 1024).toFixed(0)} MB at most`,
    );
    if (BY_TABLE)
      console.log(
        `  write by table: ${[...byTable].map(([t, ms]) => `${t} ${per(ms)}`).join(', ')}`,
      );
    if (WAL_BY_TABLE)
      console.log(
        `  WAL pages per story by table or index: ${[...walByTree]
          .sort((a, b) => b[1] - a[1])
          .map(([t, n]) => `${t} ${(n / stories).toFixed(2)}`)
          .join(', ')}`,
      );
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (let i = 0; i < RUNS; i++) await run(i);
