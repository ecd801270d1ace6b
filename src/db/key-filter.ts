/**
 * A Bloom filter of the dedup index's keys (item_keys.key, as numbers): it says "absent" only
 * of a key it was never given, and "maybe" of the others (a few in a hundred wrongly).
 *
 * Why: a cold pull's candidate lookup probes ~12 keys per new story, nearly all absent from
 * item_keys, and each probe was a B-tree descent in SQLite (a quarter of the lookup's time,
 * the largest item of the main thread). Asked first, the filter leaves out the keys it has
 * never seen; SQLite probes the rest as before, so the lookup finds the same rows. It is not
 * an index: a "maybe" is always checked, and it holds no story, time or entry that could be
 * out of date. Its one duty is never to leave out a key the table holds: see IndexKeyFilter
 * (db/client.ts) for how a runtime keeps it so.
 *
 * Size: 10 bits per key (1.25 bytes; ~0.8 % false "maybe" when full). It grows as keys are
 * added: when a layer is full, a new one twice as large takes the next keys, and a key is
 * "maybe" if any layer says so (a scalable Bloom filter), so no rebuild is needed as the table
 * grows from empty during a first pull.
 */

const BITS_PER_KEY = 10;
/** Bits set per key: ln 2 × BITS_PER_KEY, rounded. */
const HASHES = 7;
/** The first layer's capacity (keys): 80 KB, nothing next to the process. */
const MIN_CAPACITY = 1 << 16;
const LOW = 2 ** 32;

/** murmur3's 32-bit finaliser: mixes every input bit into every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One layer: a bit array for `capacity` keys. */
class Layer {
  readonly words: Int32Array;
  readonly bits: number;
  count = 0;
  constructor(readonly capacity: number) {
    this.words = new Int32Array(Math.ceil((capacity * BITS_PER_KEY) / 32));
    this.bits = this.words.length * 32;
  }
}

export class KeyFilter {
  private layers: Layer[];

  /** A filter for about `expected` keys before it first grows. */
  constructor(expected = 0) {
    this.layers = [new Layer(Math.max(MIN_CAPACITY, Math.ceil(expected * 1.25)))];
  }

  /** Bytes held (for the figures of bench:ingest and tests). */
  get bytes(): number {
    let n = 0;
    for (const layer of this.layers) n += layer.words.byteLength;
    return n;
  }

  /** Keys added (a key added twice counts twice). */
  get size(): number {
    let n = 0;
    for (const layer of this.layers) n += layer.count;
    return n;
  }

  add(key: number): void {
    let layer = this.layers[this.layers.length - 1]!;
    if (layer.count >= layer.capacity) {
      layer = new Layer(layer.capacity * 2);
      this.layers.push(layer);
    }
    layer.count++;
    // Two hashes of the key, the others made from them (Kirsch and Mitzenmacher): the low 32
    // bits of a stored key are already a hash, the high ones its kind (key-number.ts).
    const lo = key >>> 0;
    const h1 = fmix32(lo ^ Math.imul((key - lo) / LOW, 0x9e3779b1));
    const h2 = fmix32(h1 ^ 0x5bd1e995) | 1;
    const { words, bits } = layer;
    for (let i = 0; i < HASHES; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
      words[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False only if the key was never added. */
  mayHold(key: number): boolean {
    const lo = key >>> 0;
    const h1 = fmix32(lo ^ Math.imul((key - lo) / LOW, 0x9e3779b1));
    const h2 = fmix32(h1 ^ 0x5bd1e995) | 1;
    for (const { words, bits } of this.layers) {
      let all = true;
      for (let i = 0; i < HASHES; i++) {
        const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
        if ((words[bit >>> 5]! & (1 << (bit & 31))) === 0) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
}
