/** Hashing helpers that run the same on Node and Workers (node:crypto is there with nodejs_compat). */
import { createHash } from 'node:crypto';

/**
 * Hex SHA-256 of a string. The store hashes two strings per entry: through crypto.subtle each
 * digest is an asynchronous round trip that costs more than hashing a few kilobytes, and in
 * plain JavaScript it took 5× node:crypto's time (33 against 6 µs for 2 KB), 6 % of reading a
 * document. node:crypto's hash is native and synchronous on both runtimes.
 */
export async function sha256Hex(text: string): Promise<string> {
  return createHash('sha256').update(text).digest('hex');
}

/** 32-bit FNV-1a of a string: cheap, stable, good enough to feed MinHash and band keys. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const BASE32 = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A new stable hub id for an item: 16 characters of an unambiguous base32 alphabet (80 random
 * bits). Random rather than derived from an entry so that a split never collides with the id
 * its first entry would derive.
 */
export function newItemId(): string {
  // Random bytes drawn 4 KB at a time: one getRandomValues per id was visible in cold pulls.
  if (poolOffset + 16 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  let id = '';
  for (let i = 0; i < 16; i++) id += BASE32[pool[poolOffset + i]! & 31];
  poolOffset += 16;
  return id;
}

const pool = new Uint8Array(4096);
let poolOffset = pool.length;
