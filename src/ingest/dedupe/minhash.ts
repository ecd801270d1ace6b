/**
 * MinHash over word 3-shingles with LSH banding. 64 hash functions; the first 32 make 8 bands
 * of 4 rows: two texts share at least one band with probability 1-(1-J⁴)⁸ (≈ 0.98 at Jaccard
 * 0.8, 0.67 at 0.6, 0.01 at 0.2), so looking up band keys finds the likely duplicates without
 * comparing pairs. All 64 estimate the similarity; the title and lead buckets (fingerprint.ts)
 * find the looser relays the bands miss. 8 bands rather than 16 halve the index rows written
 * per entry; bench:dedup measures a recall of 1.0 with them.
 */
import { fnv1a32 } from '../../shared/hash.ts';
import { loadSimdMinhash } from './minhash-simd.ts';

export const MINHASH_SIZE = 64;
export const BANDS = 8;
export const ROWS = 4;
const SHINGLE = 3;

/** Murmur3's finaliser: spreads bits so xor-seeded variants act as independent hashes. */
function mix32(x: number): number {
  return mix32i(x) >>> 0;
}

/** mix32 as an int32 (what the Int32Arrays hold). */
function mix32i(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

// Hash i of a (pre-mixed) shingle x is A[i]·x + B[i] mod 2³² with A[i] odd: a permutation of
// the 32-bit space per i, two operations instead of a full mix (MinHash is most of fingerprinting).
const A = Uint32Array.from(
  { length: MINHASH_SIZE },
  (_, i) => mix32(0x9e3779b9 + Math.imul(i + 1, 0x7f4a7c15)) | 1,
);
const B = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) =>
  mix32(0x85ebca6b ^ Math.imul(i + 7, 0x27d4eb2f)),
);

/** Distinct shingle hashes of a word list (the words themselves when fewer than 3). */
export function shingleHashes(words: string[]): Set<number> {
  const shingles = shingleValues(Int32Array.from(words, fnv1a32), words.length);
  const out = new Set<number>();
  for (let i = 0; i < shingles.length; i++) out.add(shingles[i]! >>> 0);
  return out;
}

/**
 * The distinct shingle hashes of `count` word hashes (fnv1a32 of each word), as int32 values:
 * the same set shingleHashes gives, without a Set (an open-addressing table reused between
 * calls keeps it free of allocations but the result). Each shingle goes into the table as it
 * is made, at the slot its own bits give (it is mixed already).
 */
export function shingleValues(wordHashes: Int32Array, count: number): Int32Array {
  if (count < SHINGLE) return distinct(wordHashes, count);
  const shingles = count - SHINGLE + 1;
  const mask = startDistinct(shingles);
  const slots = table;
  const mark = stamp;
  const out = new Int32Array(shingles);
  let n = 0;
  for (let i = 0; i < shingles; i++) {
    const v = mix32i(
      Math.imul(wordHashes[i]!, 31) ^
        Math.imul(wordHashes[i + 1]!, 0x01000193) ^
        mix32i(wordHashes[i + 2]!),
    );
    let slot = (v & mask) << 1;
    while (slots[slot] === mark && slots[slot + 1] !== v) slot = (slot + 2) & ((mask << 1) | 1);
    if (slots[slot] === mark) continue;
    slots[slot] = mark;
    slots[slot + 1] = v;
    out[n++] = v;
  }
  return n === shingles ? out : out.subarray(0, n);
}

/**
 * Open addressing for distinct values, reused from call to call: slot s is [2s] = the stamp
 * of the call that filled it (older stamps mean empty: nothing to clear), [2s + 1] = its value.
 */
let table = new Int32Array(2048);
let stamp = 0;

/** A new stamp, the table grown to at least twice `count` slots; gives the slot mask. */
function startDistinct(count: number): number {
  let size = table.length >> 1;
  if (size < count * 2) {
    while (size < count * 2) size *= 2;
    table = new Int32Array(size * 2);
    stamp = 0;
  }
  if (++stamp === 0x7fffffff) {
    table.fill(0);
    stamp = 1;
  }
  return size - 1;
}

/** The distinct values among the first `count` of `values`, in first-seen order. */
function distinct(values: Int32Array, count: number): Int32Array {
  const mask = startDistinct(count);
  const slots = table;
  const mark = stamp;
  const out = new Int32Array(count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    let slot = (mix32i(v) & mask) << 1;
    while (slots[slot] === mark && slots[slot + 1] !== v) slot = (slot + 2) & ((mask << 1) | 1);
    if (slots[slot] === mark) continue;
    slots[slot] = mark;
    slots[slot + 1] = v;
    out[n++] = v;
  }
  return n === count ? out : out.subarray(0, n);
}

/** The MinHash signature of a shingle set (all 0xffffffff when empty). */
export function minhash(shingles: Set<number>): Uint32Array {
  return minhashValues(Int32Array.from(shingles));
}

/** A[i] and B[i] ^ 2³¹ as int32s (see minhashValues). */
const A32 = Int32Array.from(A, (a) => a | 0);
const B32 = Int32Array.from(B, (b) => (b ^ 0x80000000) | 0);

/** The same loop in WebAssembly SIMD, where the runtime compiles it (minhash-simd.ts). */
const simd = loadSimdMinhash(A32, B32);

/**
 * The MinHash signature of shingle hashes given as int32 values (duplicates change nothing).
 * Eight hash functions per pass over the values: an eighth of the loads and loop overhead
 * (eight minima and a value still fit x64's registers; four passes of sixteen would not).
 */
export function minhashValues(values: Int32Array): Uint32Array {
  const sig = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  const n = values.length;
  if (n === 0) return sig;
  if (simd && n <= simd.capacity) {
    simd.run(values, sig);
    return sig;
  }
  return minhashValuesJs(values, sig);
}

/** minhashValues in JavaScript (runtimes without the WebAssembly module, huge texts). */
export function minhashValuesJs(values: Int32Array, sig: Uint32Array): Uint32Array {
  const n = values.length;
  for (let i = 0; i < MINHASH_SIZE; i += 8) {
    // Int32 values keep Math.imul on its fast path (hashes above 2³¹ would be heap numbers);
    // the minimum is taken on values biased by 2³¹, which orders int32s as unsigned.
    const a0 = A32[i]!;
    const a1 = A32[i + 1]!;
    const a2 = A32[i + 2]!;
    const a3 = A32[i + 3]!;
    const a4 = A32[i + 4]!;
    const a5 = A32[i + 5]!;
    const a6 = A32[i + 6]!;
    const a7 = A32[i + 7]!;
    const b0 = B32[i]!;
    const b1 = B32[i + 1]!;
    const b2 = B32[i + 2]!;
    const b3 = B32[i + 3]!;
    const b4 = B32[i + 4]!;
    const b5 = B32[i + 5]!;
    const b6 = B32[i + 6]!;
    const b7 = B32[i + 7]!;
    let m0 = 0x7fffffff;
    let m1 = 0x7fffffff;
    let m2 = 0x7fffffff;
    let m3 = 0x7fffffff;
    let m4 = 0x7fffffff;
    let m5 = 0x7fffffff;
    let m6 = 0x7fffffff;
    let m7 = 0x7fffffff;
    for (let j = 0; j < n; j++) {
      const v = values[j]!;
      const h0 = (Math.imul(a0, v) + b0) | 0;
      const h1 = (Math.imul(a1, v) + b1) | 0;
      const h2 = (Math.imul(a2, v) + b2) | 0;
      const h3 = (Math.imul(a3, v) + b3) | 0;
      const h4 = (Math.imul(a4, v) + b4) | 0;
      const h5 = (Math.imul(a5, v) + b5) | 0;
      const h6 = (Math.imul(a6, v) + b6) | 0;
      const h7 = (Math.imul(a7, v) + b7) | 0;
      if (h0 < m0) m0 = h0;
      if (h1 < m1) m1 = h1;
      if (h2 < m2) m2 = h2;
      if (h3 < m3) m3 = h3;
      if (h4 < m4) m4 = h4;
      if (h5 < m5) m5 = h5;
      if (h6 < m6) m6 = h6;
      if (h7 < m7) m7 = h7;
    }
    sig[i] = m0 ^ 0x80000000;
    sig[i + 1] = m1 ^ 0x80000000;
    sig[i + 2] = m2 ^ 0x80000000;
    sig[i + 3] = m3 ^ 0x80000000;
    sig[i + 4] = m4 ^ 0x80000000;
    sig[i + 5] = m5 ^ 0x80000000;
    sig[i + 6] = m6 ^ 0x80000000;
    sig[i + 7] = m7 ^ 0x80000000;
  }
  return sig;
}

const HEX_DIGITS = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)));
/**
 * A byte's two hex digits as one 16-bit unit, read through a Uint16Array over the digits'
 * bytes: built from those bytes, so it holds them in the platform's byte order.
 */
const HEX_PAIR = new Uint16Array(256);
for (let b = 0; b < 256; b++)
  HEX_PAIR[b] = new Uint16Array(Uint8Array.of(HEX_DIGITS[b >> 4]!, HEX_DIGITS[b & 15]!).buffer)[0]!;
/** The digits of the last signature written, reused by the next (pairs views the same bytes). */
let hexBytes = new Uint8Array(MINHASH_SIZE * 8);
let hexPairs = new Uint16Array(hexBytes.buffer);
const asciiDecoder = new TextDecoder();

/**
 * The signature as 8 hex digits per value (what entries store). Written as bytes, two digits
 * at a time (a digit at a time took three times as long: ~2.7 against ~0.9 us per signature),
 * and decoded: half the time of fromCharCode over 512 arguments, without their 4 KB array.
 */
export function signatureToHex(sig: Uint32Array): string {
  if (hexBytes.length < sig.length * 8) {
    hexBytes = new Uint8Array(sig.length * 8);
    hexPairs = new Uint16Array(hexBytes.buffer);
  }
  const pairs = hexPairs;
  let k = 0;
  for (let i = 0; i < sig.length; i++) {
    const v = sig[i]!;
    pairs[k] = HEX_PAIR[v >>> 24]!;
    pairs[k + 1] = HEX_PAIR[(v >>> 16) & 255]!;
    pairs[k + 2] = HEX_PAIR[(v >>> 8) & 255]!;
    pairs[k + 3] = HEX_PAIR[v & 255]!;
    k += 4;
  }
  return asciiDecoder.decode(hexBytes.subarray(0, 2 * k));
}

export function signatureFromHex(hex: string): Uint32Array | null {
  if (hex.length !== MINHASH_SIZE * 8) return null;
  const sig = new Uint32Array(MINHASH_SIZE);
  for (let i = 0; i < MINHASH_SIZE; i++) sig[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return sig;
}

/** LSH band keys of a signature ("b3:1a2b3c4d"): equal keys mean equal rows in that band. */
export function bandKeys(hex: string): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++)
    keys.push(`b${b}:${fnv1a32(hex.slice(b * ROWS * 8, (b + 1) * ROWS * 8)).toString(16)}`);
  return keys;
}

/**
 * The band keys' stored integers (db/item-keys.ts keyNumber of each bandKeys string: band n
 * in the high bits, the hash in the low 32), without building the strings: fnv1a32 runs over
 * each band's 32 hex digits where they are. The store computes them for every new entry and
 * every candidate it loads.
 */
export function bandKeyNumbers(hex: string, out: number[]): void {
  const width = ROWS * 8;
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5;
    for (let i = b * width, end = i + width; i < end; i++)
      h = Math.imul(h ^ hex.charCodeAt(i), 0x01000193);
    out.push(b * 2 ** 32 + (h >>> 0));
  }
}

/** Estimated Jaccard similarity: the share of equal positions. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (a[i] === b[i]) same++;
  return same / MINHASH_SIZE;
}

/**
 * Estimated containment |A∩B| / min(|A|,|B|) from Jaccard and the set sizes: high when one text
 * is a truncated copy of the other (a relay that only kept the first paragraphs).
 */
export function estimateContainment(jaccard: number, sizeA: number, sizeB: number): number {
  const min = Math.min(sizeA, sizeB);
  if (min === 0) return 0;
  const inter = (jaccard * (sizeA + sizeB)) / (1 + jaccard);
  return Math.min(1, inter / min);
}
