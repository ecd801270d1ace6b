/** Hashing helpers that run the same on Node and Workers (Web Crypto, no node:crypto). */

const encoder = new TextEncoder();

/** Hex SHA-256 of a string (crypto.subtle). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let out = '';
  for (const byte of digest) out += byte.toString(16).padStart(2, '0');
  return out;
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
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}
