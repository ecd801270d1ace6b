/**
 * bench/read-identity: reading a fetched document (readDocumentBytes as the reading thread calls
 * it: decode, parse, sanitise, prepare, fingerprint) by a git revision (the old code) against the
 * working tree (the new), and decodeBody alone, over a broad corpus: every result must be the
 * same, as what is read is stored and its hashes compared across pulls. Prints the differences
 * (the first three of each kind) and exits 1 when there is one.
 * Corpus: bench:ingest's feeds (RSS, Atom, JSON Feed), every file under test/ and the feeds
 * written in test files (each undeclared, declared UTF-8 and declared ISO-8859-1, read as a feed
 * and as a first hop), seeded mutations of them (bytes flipped, invalid UTF-8 sequences put in,
 * BOMs, Latin-1 re-encoding, cuts mid-sequence), random byte strings around UTF-8's edges.
 * Both sides get the reading thread's options (workers/node/feed-reader-worker.ts); decodeBody
 * is also compared without the runtime's UTF-8 decoder (the Workers path).
 * Usage: node --import tsx bench/read-identity.ts [--against REV (main)] [--quick]
 */
import { readFileSync } from 'node:fs';
import { filesUnder, unpackOldRevision } from './old-revision.ts';
import * as NR from '../src/ingest/feed-reader.ts';
import * as ND from '../src/ingest/decode.ts';
import * as NP from '../src/ingest/parse-feed.ts';
import * as NF from '../src/ingest/dedupe/fingerprint.ts';
import { nodeUtf8Decoder } from '../workers/node/utf8-decoder.ts';
import { renderSource } from './ingest/federation.ts';
import { prng } from './prng.ts';

const { against, quick, load, remove } = unpackOldRevision('read-identity');
const OR = await load<typeof NR>('ingest/feed-reader.ts');
const OD = await load<typeof ND>('ingest/decode.ts');
const OP = await load<typeof NP>('ingest/parse-feed.ts');
await OP.loadFeedParsers();
await NP.loadFeedParsers();

let diffs = 0;
let checks = 0;
const shown = new Map<string, number>();

function same(what: string, a: string, b: string, input: string): void {
  checks++;
  if (a === b) return;
  diffs++;
  const n = (shown.get(what) ?? 0) + 1;
  shown.set(what, n);
  if (n > 3) return;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  console.log(
    `DIFF ${what} (first at ${at})\n  input ${input.slice(0, 200)}\n` +
      `  old ${JSON.stringify(a.slice(Math.max(0, at - 80), at + 120))}\n` +
      `  new ${JSON.stringify(b.slice(Math.max(0, at - 80), at + 120))}`,
  );
}

function replacer(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && 'keyNumbers' in v) return withoutKeyNumbers(v);
  if (v instanceof Date) return `date:${v.getTime()}`;
  if (v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Int32Array)
    return Array.from(v);
  return v;
}

/**
 * An item's keyNumbers (computed ahead with its fingerprint since issue 19, absent before):
 * held to indexKeyNumbers of its fingerprint here, then left out of the comparison.
 */
function withoutKeyNumbers(v: object): object {
  const { keyNumbers, ...rest } = v as { keyNumbers: unknown; fp?: NF.Fingerprint };
  const expected = rest.fp ? NF.indexKeyNumbers(rest.fp) : undefined;
  same('keyNumbers', JSON.stringify(expected), JSON.stringify(keyNumbers), JSON.stringify(rest.fp));
  return rest;
}

/** A call's outcome as text: its value as JSON, or its error's class, kind and message. */
async function outcome(run: () => unknown): Promise<string> {
  try {
    const value = await run();
    return typeof value === 'string' ? `'${value}` : `=${JSON.stringify(value, replacer)}`;
  } catch (err) {
    const e = err as { name?: string; kind?: string; message?: string };
    return `!${e?.name}:${e?.kind}:${e?.message}`;
  }
}

const TYPES = [
  null,
  'application/xml; charset=utf-8',
  'text/xml; charset=ISO-8859-1',
  'application/feed+json',
];

async function compareDocument(bytes: Uint8Array, contentType: string | null, label: string) {
  for (const htmlIsText of [false, true]) {
    const options = { htmlIsText, fingerprints: true, utf8: nodeUtf8Decoder };
    const url = 'https://exemple.org/flux/';
    const o = await outcome(() => OR.readDocumentBytes(bytes, contentType, url, options));
    const n = await outcome(() => NR.readDocumentBytes(bytes, contentType, url, options));
    same(`readDocumentBytes(htmlIsText ${htmlIsText})`, o, n, `${label} ${contentType}`);
  }
  compareDecode(bytes, contentType, label);
}

function compareDecode(bytes: Uint8Array, contentType: string | null, label: string): void {
  const input = `${label} ${contentType} ${Array.from(bytes.subarray(0, 40)).join(',')}`;
  const o = syncOutcome(() => OD.decodeBody(bytes, contentType));
  same(
    'decodeBody',
    o,
    syncOutcome(() => ND.decodeBody(bytes, contentType)),
    input,
  );
  same(
    'decodeBody(node utf8)',
    o,
    syncOutcome(() => ND.decodeBody(bytes, contentType, nodeUtf8Decoder)),
    input,
  );
}

function syncOutcome(run: () => string): string {
  try {
    return `'${run()}`;
  } catch (err) {
    const e = err as { name?: string; kind?: string; message?: string };
    return `!${e?.name}:${e?.kind}:${e?.message}`;
  }
}

/** The Node decoder against the WHATWG one, fatal: the same text, or undefined where it throws. */
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function compareUtf8(bytes: Uint8Array): void {
  let expected: string | undefined;
  try {
    expected = fatal.decode(bytes);
  } catch {
    expected = undefined;
  }
  const got = nodeUtf8Decoder(bytes);
  checks++;
  if (got === expected) return;
  same('nodeUtf8Decoder', String(expected), String(got), Array.from(bytes).join(','));
}

/** Invalid or edge UTF-8 put into documents. */
const EDGES = [
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xc2],
  [0xc2, 0x80],
  [0xdf, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xe0, 0xa0, 0x80],
  [0xed, 0x9f, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xef, 0xbf, 0xbd],
  [0xef, 0xbf, 0xbe],
  [0xef, 0xbb, 0xbf],
  [0xf0, 0x80, 0x80, 0x80],
  [0xf0, 0x90, 0x80, 0x80],
  [0xf4, 0x8f, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0x00],
  [0x1b],
];

function mutations(bytes: Uint8Array, rand: () => number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  for (let k = 0; k < count; k++) {
    const kind = Math.floor(rand() * 6);
    if (kind === 0) {
      const m = bytes.slice();
      for (let f = 1 + Math.floor(rand() * 4); f > 0; f--)
        m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      out.push(m);
    } else if (kind === 1) {
      const at = Math.floor(rand() * bytes.length);
      out.push(Uint8Array.from([...bytes.subarray(0, at), ...pick(EDGES), ...bytes.subarray(at)]));
    } else if (kind === 2) {
      const bom = pick([
        [0xef, 0xbb, 0xbf],
        [0xff, 0xfe],
        [0xfe, 0xff],
        [0xef, 0xbb],
      ]);
      out.push(Uint8Array.from([...bom, ...bytes]));
    } else if (kind === 3) {
      // Latin-1: each character as one byte where it fits (a Latin-1 document, or part of one).
      const text = new TextDecoder().decode(bytes);
      const cut = rand() < 0.5 ? text.length : Math.floor(rand() * text.length);
      const latin = Uint8Array.from(
        [...text.slice(0, cut)].map((c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f)),
      );
      out.push(Uint8Array.from([...latin, ...new TextEncoder().encode(text.slice(cut))]));
    } else if (kind === 4) {
      out.push(bytes.subarray(0, Math.floor(rand() * bytes.length)));
    } else {
      out.push(bytes.subarray(Math.floor(rand() * Math.min(bytes.length, 64))));
    }
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const rand = prng(22);
  const enc = new TextEncoder();

  // Random byte strings near UTF-8's edges, inside ASCII and French text.
  const pool = [0x41, 0x20, 0x3c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2];
  pool.push(0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xff);
  for (let k = 0; k < (quick ? 30_000 : 300_000); k++) {
    const length = 1 + Math.floor(rand() * 7);
    const core = Array.from({ length }, () =>
      rand() < 0.8 ? pool[Math.floor(rand() * pool.length)]! : Math.floor(rand() * 256),
    );
    const head = rand() < 0.5 ? [] : [...enc.encode('é <p>x')];
    const tail = rand() < 0.5 ? [] : [...enc.encode('</p>’')];
    const bytes = Uint8Array.from([...head, ...core, ...tail]);
    compareUtf8(bytes);
    if (k % 10 === 0) compareDecode(bytes, TYPES[k % TYPES.length]!, 'random');
  }
  console.log(`random bytes done, ${checks} checks, ${diffs} diffs`);

  // bench:ingest's feeds, whole and mutated.
  const base = () => 'http://127.0.0.1:8080';
  const sources = quick ? 30 : 150;
  const benchDocs: Uint8Array[] = [];
  for (let i = 0; i < sources; i++) {
    const feed = renderSource(base, i, 50, 250, Date.UTC(2026, 10, 1));
    const bytes = enc.encode(feed.body);
    benchDocs.push(bytes);
    await compareDocument(bytes, feed.contentType, `bench ${i}`);
  }
  for (const [i, bytes] of benchDocs.slice(0, quick ? 6 : 30).entries())
    for (const m of mutations(bytes, rand, 5)) await compareDocument(m, null, `bench ${i} mutated`);
  console.log(`bench feeds done, ${checks} checks, ${diffs} diffs`);

  // Every file under test/, and the feeds written in test files' template strings.
  const docs: Array<[string, Uint8Array]> = [];
  for (const file of filesUnder('test')) {
    const bytes = new Uint8Array(readFileSync(file));
    docs.push([file, bytes]);
    if (!file.endsWith('.ts')) continue;
    const text = new TextDecoder().decode(bytes);
    for (const m of text.matchAll(/`([^`]{20,})`/g))
      if (/<rss|<feed|<rdf:RDF|jsonfeed|<html/i.test(m[1]!))
        docs.push([`${file} (string)`, enc.encode(m[1]!)]);
  }
  for (const [label, bytes] of docs) {
    for (const type of TYPES) await compareDocument(bytes, type, label);
    for (const m of mutations(bytes, rand, quick ? 1 : 3)) await compareDocument(m, null, label);
  }
  console.log(`${docs.length} test documents done, ${checks} checks, ${diffs} diffs`);
  console.log(
    `read-identity against ${against}: ${checks} checks, ${diffs} differences, ` +
      `${Math.round((Date.now() - t0) / 1000)} s`,
  );
  remove();
  process.exit(diffs ? 1 : 0);
}

await main();
