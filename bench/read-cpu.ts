/**
 * bench/read-cpu: the reading thread's CPU per item, by a git revision (the old code) and by the
 * working tree (the new), in one process, rounds interleaved (old, new, old, new...), so that a
 * loaded machine slows both alike. Each round reads bench:ingest's feeds as the reading thread
 * does (workers/node/feed-reader-worker.ts): readDocumentBytes with fingerprints, the plain texts
 * dropped, the large texts packed (packed-texts.ts), and the reply posted with its buffer
 * transferred (to a port closed at once: it is serialized here, never read). Prints the CPU of
 * this thread per item (best and median of the rounds, and the median ratio of the two sides
 * within a round); the process's CPU too, which adds V8's compiler and collector threads.
 * `--only old|new`: that side alone, for a count of instructions outside (valgrind): the
 * difference between two counts of rounds is what those rounds took, whatever the load.
 * Usage: node --import tsx bench/read-cpu.ts [--against REV (main)] [--sources 60] [--rounds 8]
 *   [--only old|new]
 */
import { MessageChannel } from 'node:worker_threads';
import { unpackOldRevision } from './old-revision.ts';
import * as NR from '../src/ingest/feed-reader.ts';
import * as NP from '../src/ingest/parse-feed.ts';
import { nodeUtf8Decoder } from '../workers/node/utf8-decoder.ts';
import { packTexts } from '../workers/node/packed-texts.ts';
import { threadCpuMs } from '../workers/node/thread-cpu.ts';
import { renderSource } from './ingest/federation.ts';
import { KeptTextBytes } from '../src/ingest/kept-text-bytes.ts';

const argv = process.argv;
const option = (name: string, fallback: number) =>
  argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback;
const sources = option('--sources', 60);
const rounds = option('--rounds', 8);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;

const { against, load, loadFile, remove } = unpackOldRevision('read-cpu', argv, ['src', 'workers']);
const OR = await load<typeof NR>('ingest/feed-reader.ts');
const OP = await load<typeof NP>('ingest/parse-feed.ts');
const OT = await loadFile<{ packTexts: typeof packTexts }>('workers/node/packed-texts.ts');
await OP.loadFeedParsers();
await NP.loadFeedParsers();

const enc = new TextEncoder();
const docs: Array<{ bytes: Uint8Array; contentType: string }> = [];
for (let i = 0; i < sources; i++) {
  const feed = renderSource(() => 'http://127.0.0.1:8080', i, 50, 250, Date.UTC(2026, 10, 1));
  docs.push({ bytes: enc.encode(feed.body), contentType: feed.contentType });
}

/** The new side's, as the reading thread keeps one (feed-reader-worker.ts). */
const keptTexts = new KeptTextBytes();

type Reader = typeof NR;
/** One round over every document; returns the items read. */
async function round(
  reader: Reader,
  pack: typeof packTexts,
  keptTexts?: KeptTextBytes,
): Promise<number> {
  let items = 0;
  for (const { bytes, contentType } of docs) {
    const url = 'http://127.0.0.1:8080/feed';
    keptTexts?.reset();
    const document = await reader.readDocumentBytes(bytes, contentType, url, {
      htmlIsText: false,
      fingerprints: true,
      utf8: nodeUtf8Decoder,
      keptTexts,
    });
    if (document.kind !== 'feed') throw new Error('not a feed');
    reader.withoutPlainText(document.feed);
    const packed = pack(document.feed.items, keptTexts);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage({ id: 1, document, packed: packed ?? undefined }, packed ? [packed] : []);
    port1.close();
    port2.close();
    items += document.feed.items.length;
  }
  return items;
}

const times: Record<'old' | 'new', { thread: number[]; process: number[] }> = {
  old: { thread: [], process: [] },
  new: { thread: [], process: [] },
};
let items = 0;
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 ? (['new', 'old'] as const) : (['old', 'new'] as const)) {
    if (only && side !== only) continue;
    const t0 = threadCpuMs();
    const p0 = process.cpuUsage();
    items = await (side === 'old' ? round(OR, OT.packTexts) : round(NR, packTexts, keptTexts));
    const p = process.cpuUsage(p0);
    times[side].thread.push(((threadCpuMs() - t0) * 1000) / items);
    times[side].process.push((p.user + p.system) / items);
  }
}
remove();

const fmt = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return `best ${sorted[0]!.toFixed(1)} median ${sorted[sorted.length >> 1]!.toFixed(1)}`;
};
console.log(`${items} items (${sources} bench feeds) x ${rounds} rounds, us of CPU per item`);
if (only) {
  console.log(`${only}: thread ${fmt(times[only as 'old' | 'new'].thread)}`);
  process.exit(0);
}
// Each round's two sides ran back to back: their ratio is the least disturbed by the load.
const ratios = times.new.thread.map((t, r) => t / times.old.thread[r]!).sort((a, b) => a - b);
for (const side of ['old', 'new'] as const)
  console.log(
    `${side === 'old' ? `old (${against})` : 'new (working tree)'}: thread ${fmt(times[side].thread)};` +
      ` process ${fmt(times[side].process)}`,
  );
console.log(
  `new / old, thread, by round: median ${ratios[ratios.length >> 1]!.toFixed(3)}` +
    ` (${ratios[0]!.toFixed(3)} to ${ratios[ratios.length - 1]!.toFixed(3)})`,
);
