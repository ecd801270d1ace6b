/** Hashing helpers that run the same on Node and Workers (plain JS and Web Crypto, no node:crypto). */
import { sha256HexSync } from './sha256.ts';

/** Hex SHA-256 of a string (see sha256.ts for why not crypto.subtle). */
export async function sha256Hex(text: string): Promise<string> {
  return sha256HexSync(text);
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
