/**
 * bench/fold-identity: the dedup fingerprint path of a git revision (the old code) against the
 * working tree's (the new), over a broad corpus: every output must be the same, byte for byte,
 * as signatures, keys and folded texts are stored and compared across pulls. Prints the
 * differences (the first three of each function) and exits 1 when there is one.
 * Corpus: bench:ingest's feeds (250 x 50 items), bench:dedup's, every file under test/ (whole,
 * line by line, feeds parsed), random texts from a fixed seed (accents, ligatures, emoji, CJK,
 * RTL, combining marks, lone surrogates, uniform BMP code units, up to 25,000 characters),
 * URLs built from edge parts, random hash arrays.
 * Usage: node --import tsx bench/fold-identity.ts [--against REV (main)] [--quick] (a tenth;
 * the full run takes 10-15 min on a loaded 2-core machine)
 */
import { readFileSync } from 'node:fs';
import { filesUnder, unpackOldRevision } from './old-revision.ts';
import * as NT from '../src/ingest/dedupe/text.ts';
import * as NF from '../src/ingest/dedupe/fingerprint.ts';
import * as NM from '../src/ingest/dedupe/minhash.ts';
import * as NW from '../src/ingest/dedupe/folded-words.ts';
import * as NS from '../src/ingest/dedupe/search-text.ts';
import * as NP from '../src/ingest/dedupe/prepare.ts';
import * as NU from '../src/ingest/canonical-url.ts';
import * as NR from '../src/ingest/feed-reader.ts';
import { hex32 } from '../src/shared/hash.ts';
import { parseFeed } from '../src/ingest/parse-feed.ts';
import { renderSource } from './ingest/federation.ts';
import { buildCorpus } from './dedup-corpus.ts';
import { prng } from './prng.ts';
import type { ParsedItem } from '../src/ingest/types.ts';

const { quick, load, remove } = unpackOldRevision('fold-identity');
const OT = await load<typeof NT>('ingest/dedupe/text.ts');
const OF = await load<typeof NF>('ingest/dedupe/fingerprint.ts');
const OM = await load<typeof NM>('ingest/dedupe/minhash.ts');
const OW = await load<typeof NW>('ingest/dedupe/folded-words.ts');
const OS = await load<typeof NS>('ingest/dedupe/search-text.ts');
const OP = await load<typeof NP>('ingest/dedupe/prepare.ts');
const OU = await load<typeof NU>('ingest/canonical-url.ts');
const OR = await load<typeof NR>('ingest/feed-reader.ts');

let diffs = 0;
let checks = 0;
const shown = new Map<string, number>();

function same(what: string, a: unknown, b: unknown, input: unknown): void {
  checks++;
  // A string as itself (prefixed: never equal to a JSON text), anything else as JSON.
  const sa = typeof a === 'string' ? `'${a}` : JSON.stringify(a, replacer);
  const sb = typeof b === 'string' ? `'${b}` : JSON.stringify(b, replacer);
  if (sa === sb) return;
  diffs++;
  const n = (shown.get(what) ?? 0) + 1;
  shown.set(what, n);
  if (n <= 3)
    console.log(
      `DIFF ${what}\n  input ${JSON.stringify(input)?.slice(0, 300)}\n  old ${sa?.slice(0, 300)}\n  new ${sb?.slice(0, 300)}`,
    );
}

function replacer(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && 'keyNumbers' in v) return withoutKeyNumbers(v);
  if (v instanceof Uint32Array || v instanceof Int32Array || v instanceof Uint16Array)
    return Array.from(v);
  if (v instanceof Set) return [...v];
  if (v instanceof Date) return v.getTime();
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

/** Everything foldWords gives, copied (its arrays are reused by the next call). */
function snapWords(W: typeof NW, w: ReturnType<typeof NW.foldWords>) {
  if (!w) return null;
  return {
    count: w.count,
    complete: w.complete,
    length: w.length,
    chars: String.fromCharCode(...w.chars.subarray(0, w.length)),
    start: Array.from(w.start.subarray(0, w.count)),
    end: Array.from(w.end.subarray(0, w.count)),
    hash: Array.from(w.hash.subarray(0, w.count)),
    starts: [...w.sentenceStarts],
    runs: w.count
      ? [W.hashWordRun(w, 0, Math.min(8, w.count)), W.hashWordRun(w, w.count - 1, w.count)]
      : [],
  };
}

/** Per-text functions. */
function compareText(t: string): void {
  same('foldText', OT.foldText(t), NT.foldText(t), t);
  same('words', OT.words(t), NT.words(t), t);
  same('words5', OT.words(t, 5), NT.words(t, 5), t);
  same('titleKey', OT.titleKey(t), NT.titleKey(t), t);
  same('serialMarks', OT.serialMarks(t), NT.serialMarks(t), t);
  same('serialMarksOfKey-raw', OT.serialMarksOfKey(t), NT.serialMarksOfKey(t), t);
  const f = OT.foldText(t);
  same('serialMarksOfKey', OT.serialMarksOfKey(f), NT.serialMarksOfKey(f), t);
  same('stripTitleRelay', OT.stripTitleRelay(t), NT.stripTitleRelay(t), t);
  same('stripBodyRelay', OT.stripBodyRelay(t), NT.stripBodyRelay(t), t);
  same('looksLikeRelay', OT.looksLikeRelay(t, t), NT.looksLikeRelay(t, t), t);
  same('sentenceStarts', OF.sentenceStarts(t), NF.sentenceStarts(t), t);
  same(
    'foldWords',
    snapWords(OW, OW.foldWords(t, 3000, 1500)),
    snapWords(NW, NW.foldWords(t, 3000, 1500)),
    t,
  );
  {
    // The folded text as the old code made it from its fold, and as the new one does.
    const ow = OW.foldWords(t, 3000, 1500);
    const os = ow ? OT.codesToString(ow.chars, ow.length) : null;
    const nw = NW.foldWords(t, 3000, 1500);
    same('foldedText', os, nw ? NW.foldedText(nw) : null, t);
  }
  same(
    'foldWords-small',
    snapWords(OW, OW.foldWords(t, 7, 20)),
    snapWords(NW, NW.foldWords(t, 7, 20)),
    t,
  );
  same('searchText', OS.searchTextOf(t, t), NS.searchTextOf(t, t), t);
  same('canonicalUrl', OU.canonicalUrl(t), NU.canonicalUrl(t), t);
  const ws = OT.words(t);
  same('shingleHashes', OM.shingleHashes(ws), NM.shingleHashes(ws), t);
}

/** Per-item functions: prepare, fingerprint, keys, search text. */
function compareItem(item: ParsedItem): void {
  const op = OP.prepareEntry(item);
  const np = NP.prepareEntry(item);
  same('prepareEntry', op, np, item);
  if (!op) return;
  for (const ct of [undefined, op.contentHtml && item.contentText]) {
    const o = OF.fingerprintAndFold(op.title, op.contentHtml, op.summary, ct);
    const n = NF.fingerprintAndFold(op.title, op.contentHtml, op.summary, ct);
    // foldedTitle (when a revision has it) is checked against foldText, not against the other.
    same('fingerprintAndFold', { ...o, foldedTitle: 0 }, { ...n, foldedTitle: 0 }, item);
    if (n.foldedTitle !== null) same('foldedTitle', OT.foldText(op.title), n.foldedTitle, item);
    same('indexKeys', OF.indexKeys(o.fp), NF.indexKeys(o.fp), item);
    same('indexKeyNumbers', OF.indexKeyNumbers(o.fp), NF.indexKeyNumbers(o.fp), item);
    same(
      'searchTextOf',
      OS.searchTextOf(op.title, o.fp.text ?? '', o.foldedBody),
      NS.searchTextOf(op.title, n.fp.text ?? '', n.foldedBody, n.foldedTitle),
      item,
    );
  }
  for (const t of [item.title, item.summary, item.contentText, item.url, item.guid])
    if (typeof t === 'string') compareText(t);
  same('canonicalItemUrl', OU.canonicalItemUrl(item), NU.canonicalItemUrl(item), item);
}

function compareArrays(rand: () => number): void {
  // hex32 writes lead keys: toString(16)'s digits.
  for (let k = 0; k < 200000; k++) {
    const v =
      k < 1000
        ? [0, 1, -1, 255, 256, 65535, 65536, 0xffffff, 0x1000000][k % 9]!
        : (rand() * 2 ** 32) >>> (k % 32);
    same('hex32', (v >>> 0).toString(16), hex32(v), v);
  }
  for (let k = 0; k < (quick ? 300 : 3000); k++) {
    const n = k % 50 === 0 ? Math.floor(rand() * 5000) : Math.floor(rand() * 40);
    const hashes = Int32Array.from({ length: n }, () =>
      rand() < 0.2 ? Math.floor(rand() * 8) : (rand() * 2 ** 32) | 0,
    );
    const count = Math.floor(rand() * (n + 1));
    const os = OM.shingleValues(hashes.slice(), count);
    const ns = NM.shingleValues(hashes.slice(), count);
    same('shingleValues', Array.from(os), Array.from(ns), n);
    const om = OM.minhashValues(os.slice());
    const nm = NM.minhashValues(os.slice());
    same('minhashValues', om, nm, n);
    same('minhashRaw', OM.minhashValues(hashes.slice()), NM.minhashValues(hashes.slice()), n);
    const oh = OM.signatureToHex(om);
    same('signatureToHex', oh, NM.signatureToHex(om), n);
    same('bandKeys', OM.bandKeys(oh), NM.bandKeys(oh), n);
    const a: number[] = [];
    const b: number[] = [];
    OM.bandKeyNumbers(oh, a);
    NM.bandKeyNumbers(oh, b);
    same('bandKeyNumbers', a, b, n);
    const codes = Uint16Array.from({ length: n }, () =>
      rand() < 0.9 ? 32 + Math.floor(rand() * 95) : Math.floor(rand() * 65536),
    );
    same('codesToString', OT.codesToString(codes, count), NT.codesToString(codes, count), n);
    const ascii = Uint16Array.from({ length: n }, () => 32 + Math.floor(rand() * 95));
    same('codesToString-ascii', OT.codesToString(ascii, count), NT.codesToString(ascii, count), n);
  }
}

const POOLS = [
  [...'aàâäéèêëîïôöùûüçœæÿÀÉÈÊÇŒÆ ’«»—–…,.;:!?"“”\n0123456789ßĳǅ\u00a0\u2009€²½-_/()[]₂⁰₣'],
  [...'abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?\n\t'],
  // Scripts, marks, surrogate pairs (as code units too: lone halves), specials.
  [
    ...'你好世界。日本語のテキスト한국어 العربية עברית Ελληνικά ΣΑΣ ς Русский İıŞşĞğ ǅǆǈ ﬁﬂﬀﬃ ＡＢＣ１２３ ⅠⅡⅫ ①② ™‰‥‼⁇ ',
    '\u0301',
    '\u0327',
    '\u0308',
    '\u200b',
    '\u200d',
    '\ufeff',
    '😀',
    '🎉',
    '👩‍👩‍👧',
    '\ud83d',
    '\ude00',
    'e\u0301',
    'Å',
    'ℌ',
    'ﷺ',
    '\u0000',
    '\u007f',
    '\u2028',
  ],
  [
    'relayé depuis ',
    'Relais : ',
    '[Relais] ',
    ' (via X)',
    ' – relayé par Y',
    'janvier ',
    'lundi ',
    'XIV ',
    'xiv ',
    ' mot ',
    ' coopérative ',
    '12e ',
    '3eme ',
    '1er ',
    'n°12 ',
    'premier ',
    'constructor ',
    'toString ',
    '__proto__ ',
    'mcmxc ',
    'iv ',
    'cc ',
    '0012 ',
    'a1b2c3 ',
    '2026-03-01 ',
  ],
];

function randomText(rand: () => number, size: number): string {
  const mode = rand();
  if (mode < 0.1) {
    // Uniform code units over the BMP (lone surrogates included).
    return String.fromCharCode(...Array.from({ length: size }, () => Math.floor(rand() * 65536)));
  }
  if (mode < 0.25) {
    // The fold table's range and its edges.
    return String.fromCharCode(
      ...Array.from({ length: size }, () => {
        const r = rand();
        return r < 0.6
          ? Math.floor(rand() * 0x250)
          : r < 0.8
            ? 0x2000 + Math.floor(rand() * 0xb0)
            : 0x240 + Math.floor(rand() * 0x1e00);
      }),
    );
  }
  const pools = POOLS.filter(() => rand() < 0.7);
  const pool = pools.length ? pools.flat() : POOLS[0]!;
  return Array.from({ length: size }, () => pool[Math.floor(rand() * pool.length)]!).join('');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const rand = prng(21);
  compareArrays(rand);
  console.log(`arrays done, ${checks} checks, ${diffs} diffs`);

  // URLs from parts, linked and guided in every combination.
  const schemes = [
    'https://',
    'http://',
    'HTTP://',
    'ftp://',
    'mailto:',
    '',
    ' https://',
    '\u00a0https://',
    'https:/',
  ];
  const hosts = [
    'www.exemple.org',
    'WWW2.Exemple.ORG.',
    'amp.site.fr',
    'feeds.feedburner.com',
    'feedproxy.google.com',
    'l.facebook.com',
    'www.google.fr',
    'x.cdn.ampproject.org',
    'exemple.org:443',
    'exemple.org:8080',
    'user:pw@exemple.org',
    'café.fr',
    '127.0.0.1',
    '[::1]',
    '',
    'a b.org',
  ];
  const paths = [
    '',
    '/',
    '/a/b',
    '/a//b/',
    '/a//b',
    '/p//q.html',
    '/AMP/x',
    '/x/amp',
    '/x/amp/',
    '/x.amp.html',
    '/index.html',
    '/a/INDEX.PHP',
    '/a/',
    '/l.php',
    '/url',
    '/c/s/exemple.org/p',
    '/v/site.fr/x',
    '/é t',
    '/%41',
    '/ampoule',
    '/x/index.htm/',
    '//',
  ];
  const queries = [
    '',
    '?',
    '?&',
    '?utm_source=x',
    '?b=2&a=1&utm_medium=y',
    '?u=https%3A%2F%2Fexemple.org%2Fz',
    '?q=http://site.fr/p&utm=1',
    '?amp=1',
    '?amp=true&outputtype=AMP',
    '?fbclid=1&x=',
    '?a=2&a=1',
    '?url=https://s.fr/',
    '?%E9=1',
    '?a=1#f',
  ];
  const frags = ['', '#', '#x', '#a?b=1'];
  const ends = ['', ' ', '\n', '\u00a0', '\ufeff'];
  const urlOf = () =>
    [schemes, hosts, paths, queries, frags, ends]
      .map((l) => l[Math.floor(rand() * l.length)]!)
      .join('');
  for (let k = 0; k < (quick ? 5000 : 40000); k++) {
    const url = rand() < 0.1 ? null : urlOf();
    const guid = rand() < 0.3 ? null : rand() < 0.5 ? urlOf() : `tag:x,${k}`;
    if (url !== null) compareText(url);
    same(
      'canonicalItemUrl-parts',
      OU.canonicalItemUrl({ url, guid }),
      NU.canonicalItemUrl({ url, guid }),
      { url, guid },
    );
  }
  console.log(`urls done, ${checks} checks, ${diffs} diffs`);

  // Edge texts.
  const edges = [
    '',
    ' ',
    '   \n\t ',
    '...!!!',
    '«»“”',
    'a',
    '😀',
    '\ud83d',
    'x'.repeat(100_000),
    'mot '.repeat(10_000),
    'é'.repeat(5000),
    `${'œ'.repeat(3000)} fin`,
    'Long '.repeat(3001),
    `${'a '.repeat(2999)}b c d`,
    `${'Phrase courte ici. '.repeat(100)}😀`,
  ];
  for (const t of edges) compareText(t);

  // Random texts, fixed seed.
  const n = quick ? 3000 : 30000;
  for (let k = 0; k < n; k++) {
    const size = k % 100 === 0 ? 5000 + Math.floor(rand() * 20000) : Math.floor(rand() * 400);
    const title = randomText(rand, Math.floor(rand() * 20));
    const body = randomText(rand, size);
    compareText(body);
    compareText(title);
    compareItem({
      guid: k % 3 === 0 ? null : `r-${k}`,
      url: k % 2 === 0 ? `https://www.exemple.org/a/${k}?utm_source=x&b=${k % 7}` : null,
      title: title || null,
      published: null,
      updated: null,
      author: null,
      summary: k % 3 === 1 ? body.slice(0, 200) : null,
      contentHtml: k % 4 === 0 ? `<p>${body}</p>` : body,
      contentText: body,
      categories: [],
      enclosures: [],
    });
  }
  console.log(`random done, ${checks} checks, ${diffs} diffs`);

  // Every file under test/ as text, whole and line by line; feeds among them parsed.
  const files = filesUnder('test').filter((f) => !/\.(sqlite|db|png|jpg|gz|br)$/.test(f));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    compareText(text);
    for (const line of text.split('\n')) compareText(line);
    if (/\.(xml|json|rdf|atom|rss)$/.test(f) && !f.includes('reader-golden')) {
      try {
        const feed = await parseFeed(text, 'https://exemple.org/feed');
        for (const item of feed.items) compareItem(item);
        const o = await OR.readFeed(text, 'https://exemple.org/feed', { fingerprints: true });
        const nn = await NR.readFeed(text, 'https://exemple.org/feed', { fingerprints: true });
        same('readFeed-fixture', o, nn, f);
      } catch {}
    }
  }
  console.log(`test files (${files.length}) done, ${checks} checks, ${diffs} diffs`);

  // bench:dedup's corpus.
  for (const e of buildCorpus(quick ? 40 : 200, 7)) compareItem(e.item);
  console.log(`dedup corpus done, ${checks} checks, ${diffs} diffs`);

  // bench:ingest's feeds (250 sources x 50 items).
  const now = Date.UTC(2026, 10, 20, 12);
  const baseOf = (i: number) => `http://127.0.0.1:${8000 + (i % 3)}`;
  for (let i = 0; i < (quick ? 25 : 250); i++) {
    const feed = renderSource(baseOf, i, 50, 250, now);
    const parsed = await parseFeed(feed.body, `${baseOf(i)}/feed`);
    for (const item of parsed.items) compareItem(item);
    if (i % 10 === 0) {
      const o = await OR.readFeed(feed.body, `${baseOf(i)}/feed`, { fingerprints: true });
      const nn = await NR.readFeed(feed.body, `${baseOf(i)}/feed`, { fingerprints: true });
      same('readFeed-bench', o, nn, i);
    }
  }
  console.log(`bench feeds done, ${checks} checks, ${diffs} diffs`);
  console.log(
    `\n${diffs === 0 ? 'OK' : 'FAIL'}: ${checks} checks, ${diffs} differences, ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  for (const [k, v] of shown) console.log(`  ${k}: ${v}`);
  remove();
  process.exitCode = diffs ? 1 : 0;
}

await main();
