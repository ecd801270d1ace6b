/**
 * A Bloom filter of the dedup index's keys (item_keys.key, as numbers): it says "absent" only
 * of a key it was never given, and "maybe" of the others (a few in a hundred wrongly).
 *
 * Why: a cold pull's candidate lookup probes ~12 keys per new story, nearly all absent from
 * item_keys, and each probe was a B-tree descent in SQLite (a quarter of the lookup's time,
 * the largest item of the main thread). Asked first, the filter leaves out the keys it has
 * never seen; SQLite probes the rest as before, so the lookup finds the same rows. It is not
 * an index: a "maybe" is always checked, and it holds no story, time or entry that could be
 * out of date. Its one duty is never to leave out a key the table holds: see IndexKeys
 * (db/client.ts) for how a runtime keeps it so.
 *
 * Size: 10 bits per key (1.25 bytes; ~0.8 % false "maybe" when full). It grows as keys are
 * added: when a layer is full, a new one twice as large takes the next keys, and a key is
 * "maybe" if any layer says so (a scalable Bloom filter), so no rebuild is needed as the table
 * grows from empty during a first pull. Hashing is 32-bit integer arithmetic: each layer's bits
 * are a power of two.
 */

const BITS_PER_KEY = 10;
/** Bits set per key: ln 2 × BITS_PER_KEY, rounded. */
const HASHES = 7;
/** The first layer's bits (a power of two: a bit's place is a mask, not a division): 128 KB. */
const MIN_BITS = 1 << 20;
const LOW = 2 ** 32;
/**
 * A key's bits all fall in one block of 512 (a 64-byte cache line), chosen by its first hash,
 * at places its second one gives: one memory read per layer rather than one per bit, for a
 * false "maybe" rate a little higher than spread bits (~1 % against 0.8 %).
 */
const BLOCK_BITS = 512;
const BLOCK_MASK = BLOCK_BITS - 1;
/** A hash's top 9 bits: a place within a block. */
const BLOCK_SHIFT = 32 - Math.log2(BLOCK_BITS);

/** murmur3's 32-bit finaliser: mixes every input bit into every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A key's first hash (its block) and second (the seed of its places in the block): the low 32
 * bits of a stored key are already a hash, the high ones its kind (key-number.ts).
 */
const firstHash = (key: number) => fmix32((key >>> 0) ^ Math.imul((key / LOW) | 0, 0x9e3779b1));
const secondHash = (h1: number) => fmix32(h1 ^ 0x5bd1e995) | 1;
/** The next of a key's hashes within its block (a xorshift step: never 0 from non-zero). */
function nextHash(h: number): number {
  h ^= h << 13;
  h ^= h >>> 17;
  return h ^ (h << 5);
}

/** One layer: a bit array for `capacity` keys. */
class Layer {
  readonly words: Int32Array;
  readonly mask: number;
  readonly capacity: number;
  count = 0;
  constructor(bits: number) {
    this.words = new Int32Array(bits >>> 5);
    this.mask = bits - 1;
    this.capacity = Math.floor(bits / BITS_PER_KEY);
  }
}

export class KeyFilter {
  private layers: Layer[];

  /** A filter for about `expected` keys before it first grows. */
  constructor(expected = 0) {
    let bits = MIN_BITS;
    while (bits < expected * BITS_PER_KEY) bits *= 2;
    this.layers = [new Layer(bits)];
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
      layer = new Layer((layer.mask + 1) * 2);
      this.layers.push(layer);
    }
    layer.count++;
    const h1 = firstHash(key);
    const h2 = secondHash(h1);
    const { words, mask } = layer;
    const block = h1 & mask & ~BLOCK_MASK;
    for (let i = 0, h = h2; i < HASHES; i++) {
      h = nextHash(h);
      const bit = block | (h >>> BLOCK_SHIFT);
      words[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False only if the key was never added. */
  mayHold(key: number): boolean {
    const h1 = firstHash(key);
    const h2 = secondHash(h1);
    const layers = this.layers;
    next: for (let l = 0; l < layers.length; l++) {
      const { words, mask } = layers[l]!;
      const block = h1 & mask & ~BLOCK_MASK;
      for (let i = 0, h = h2; i < HASHES; i++) {
        h = nextHash(h);
        const bit = block | (h >>> BLOCK_SHIFT);
        if ((words[bit >>> 5]! & (1 << (bit & 31))) === 0) continue next;
      }
      return true;
    }
    return false;
  }
}
