/**
 * bench/lookup-replay: the dedup candidate lookup alone (ingest/dedupe/lookup.ts), replayed on a
 * copy of a database a cold pull filled (bench:ingest with HUB_BENCH_KEEP_DB=1). In a pull the
 * lookup's reads are mixed with the store's writes, reading and garbage collection on the
 * main thread; this times them alone, in main-thread CPU, and prints a digest of what they
 * found, so that two revisions can be compared for speed and for exactly the same candidates.
 *
 *   npm run bench:lookup -- --db /tmp/hub-bench-ingest-…/hub.sqlite
 *     [--entries 2500] [--documents-per-batch 10] [--runs 3] [--repeat 5] [--out FILE]
 *
 * The last `--entries` entries stored (by id: a cold pull's last sources) are taken out of the
 * copy with their index keys, then looked up again as the pull stored them: documents by
 * source, ten a batch (store-batcher.ts), each batch's entries and keys put back after its
 * lookup, so the next batch finds them as a pull would. Inputs are made from the stored rows
 * (guid, canonical URL, fingerprint → index keys: the values the reading thread gave).
 * Prints per run the main-thread CPU inside lookupCandidates (each batch's least of `--repeat`
 * runs of its lookup, which only reads), and the digest of the rows and
 * documents found and the keys found too hot (the same digest from two revisions on one kept
 * database: the same candidates); --out writes them in full.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDatabase, keptDatabase, numberOption } from './kept-database.ts';
import { threadCpuMs as cpuMs } from '../workers/node/thread-cpu.ts';
import { openSqlite } from '../workers/node/sqlite.ts';
import { lookupCandidates, type LookupDocument } from '../src/ingest/dedupe/lookup.ts';
import { Matcher, type MatchInput } from '../src/ingest/dedupe/matcher.ts';
import { indexKeyNumbers } from '../src/ingest/dedupe/fingerprint.ts';
import { CANDIDATE_WINDOW_MS } from '../src/ingest/dedupe/similarity.ts';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => numberOption(argv, name, fallback);
const source = keptDatabase(argv, 'bench:lookup');
const ENTRIES = arg('entries', 2500);
const PER_BATCH = arg('documents-per-batch', 10);
const RUNS = arg('runs', 3);
/** Each batch's lookup is run this many times, its least CPU counted: steadier on a busy machine. */
const REPEAT = arg('repeat', 5);
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : null;

interface Stored {
  id: number;
  sourceId: number;
  guid: string | null;
  guidHash: string;
  canonicalUrl: string | null;
  titleKey: string;
  minhash: string;
  shingleCount: number;
  leadKey: string;
  leadProbes: string;
  publishedAt: number;
}

async function run(index: number): Promise<{ ms: number; digest: string; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-lookup-'));
  try {
    const path = join(dir, 'hub.sqlite');
    const original = join(dir, 'original.sqlite');
    for (const to of [path, original]) copyDatabase(source, to);
    const db = openSqlite(path);
    db.raw.pragma('foreign_keys = OFF');
    db.raw.prepare('attach database ? as original').run(original);
    const first = Number(db.raw.prepare('select max(id) from entries').pluck().get()) - ENTRIES + 1;
    const rows = db.raw
      .prepare(
        `select id, source_id as sourceId, guid, guid_hash as guidHash,
          canonical_url as canonicalUrl, title_key as titleKey, minhash,
          shingle_count as shingleCount, lead_key as leadKey, lead_probes as leadProbes,
          published_at as publishedAt
        from entries where id >= ? order by id`,
      )
      .all(first) as Stored[];
    // Their keys, by entry (one scan: item_keys is ordered by key).
    const keysByEntry = new Map<number, number[]>();
    for (const [key, entryId] of db.raw
      .prepare('select key, entry_id from item_keys where entry_id >= ?')
      .raw()
      .iterate(first) as Iterable<[number, number]>) {
      const list = keysByEntry.get(entryId);
      if (list) list.push(key);
      else keysByEntry.set(entryId, [key]);
    }
    db.raw.prepare('delete from item_keys where entry_id >= ?').run(first);
    db.raw.prepare('delete from entries where id >= ?').run(first);
    db.raw.pragma('wal_checkpoint(TRUNCATE)');
    // Documents: a source's entries, in the order of its first; batches of PER_BATCH.
    const bySource = new Map<number, Stored[]>();
    for (const r of rows) {
      const list = bySource.get(r.sourceId);
      if (list) list.push(r);
      else bySource.set(r.sourceId, [r]);
    }
    const documents = [...bySource.values()];
    const putBack = db.raw.prepare(
      'insert into entries select * from original.entries where id in (select value from json_each(?))',
    );
    const putBackKeys = db.raw.prepare(
      `insert into item_keys select k.* from json_each(?) j cross join original.item_keys k
        where k.key = j.value ->> '$[0]' and k.entry_id = j.value ->> '$[1]'`,
    );
    // The filter is built at the first lookup (outside the figures).
    await lookupCandidates(db, [], CANDIDATE_WINDOW_MS);
    let ms = 0;
    const lines: string[] = [];
    for (let b = 0; b < documents.length; b += PER_BATCH) {
      const batch = documents.slice(b, b + PER_BATCH);
      const lookups: LookupDocument[] = batch.map((list) => ({
        sourceId: list[0]!.sourceId,
        inputs: Matcher.lookupOf(
          list.map((r) => ({ ...r, indexKeys: indexKeyNumbers(r) }) as unknown as MatchInput),
        ),
      }));
      let least = Number.POSITIVE_INFINITY;
      let result: Awaited<ReturnType<typeof lookupCandidates>> | undefined;
      for (let r = 0; r < REPEAT; r++) {
        const t0 = cpuMs();
        result = await lookupCandidates(db, lookups, CANDIDATE_WINDOW_MS);
        least = Math.min(least, cpuMs() - t0);
      }
      ms += least;
      const { found, hotKeys } = result!;
      for (const { row, docs } of found.slice().sort((x, y) => x.row.id - y.row.id))
        lines.push(`${b} ${JSON.stringify(row)} ${docs.slice().sort((x, y) => x - y)}`);
      lines.push(`${b} hot ${[...hotKeys].sort((x, y) => x - y)}`);
      const ids = JSON.stringify(batch.flat().map((r) => r.id));
      putBack.run(ids);
      const keys: Array<[number, number]> = [];
      for (const r of batch.flat())
        for (const key of keysByEntry.get(r.id) ?? []) {
          keys.push([key, r.id]);
          db.indexKeys!.written(key);
        }
      putBackKeys.run(JSON.stringify(keys));
    }
    db.close();
    const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
    console.log(
      `run ${index + 1}: ${documents.length} documents, ${rows.length} entries, ` +
        `lookup CPU ${ms.toFixed(0)} ms, ${lines.length} rows, digest ${digest}`,
    );
    return { ms, digest, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (let i = 0; i < RUNS; i++) results.push(await run(i));
const sorted = results.map((r) => r.ms).sort((x, y) => x - y);
console.log(
  `lookup CPU: best ${sorted[0]!.toFixed(0)} ms, median ${sorted[sorted.length >> 1]!.toFixed(0)} ms`,
);
if (out) writeFileSync(out, `${results[0]!.lines.join('\n')}\n`);
