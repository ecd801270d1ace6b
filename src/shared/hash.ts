/** Hashes that run the same on Node and Workers (node:crypto is there with nodejs_compat). */
import * as nodeCrypto from 'node:crypto';

/**
 * crypto.hash, the one-shot digest (Node ≥ 20.12): about twice as fast as createHash's object
 * and stream for an entry's small strings (two per entry, 5 % of a reading thread). Runtimes
 * without it (workerd's node:crypto) take createHash: the same digest.
 */
const oneShot:
  | ((algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'base64url') => string)
  | undefined = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

/**
 * Hex SHA-256 of a string (or of its UTF-8 bytes: the same digest). The store hashes two strings per entry: through crypto.subtle each
 * digest is an asynchronous round trip that costs more than hashing a few kilobytes, and in
 * plain JavaScript it took 5× node:crypto's time (33 against 6 µs for 2 KB), 6 % of reading a
 * document. node:crypto's hash is native and synchronous on both runtimes.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return sha256(data, 'hex');
}

/** SHA-256 of a string (or of its UTF-8 bytes) in base64url (43 characters). */
export function sha256Base64url(data: string | Uint8Array): string {
  return sha256(data, 'base64url');
}

/**
 * One-shot where the runtime has it. A string is hashed as its UTF-8 bytes, so bytes give the
 * digest of the string they encode: for callers that encode a text once for several digests
 * (dedupe/entry-hashes.ts).
 */
function sha256(data: string | Uint8Array, encoding: 'hex' | 'base64url'): string {
  return oneShot
    ? oneShot('sha256', data, encoding)
    : nodeCrypto.createHash('sha256').update(data).digest(encoding);
}

/** FNV-1a over a string's UTF-16 code units, from `basis`, multiplying by `prime`. */
function fnv1a(text: string, basis: number, prime: number): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime);
  return h >>> 0;
}

/** 32-bit FNV-1a of a string: cheap, stable, good enough to feed MinHash and band keys. */
export function fnv1a32(text: string): number {
  return fnv1a(text, 0x811c9dc5, 0x01000193);
}

/**
 * A second 32-bit lane: the same loop from other constants (MurmurHash's multiplier), for
 * hashes wider than 32 bits (with fnv1a32).
 */
export function fnv1a32b(text: string): number {
  return fnv1a(text, 0x01000193, 0x5bd1e995);
}

/** 56 bits of hash as 14 hex characters, enough to tell versions apart in an ETag. */
export function shortHash(text: string): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return (hex(fnv1a32(text)) + hex(fnv1a32b(text))).slice(0, 14);
}

/** Hex digits of each byte, padded to two (HEX_BYTE) or not (HEX_LEAD: a number's first byte). */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const HEX_LEAD = Array.from({ length: 256 }, (_, b) => b.toString(16));

/**
 * (n >>> 0).toString(16) for a 32-bit integer, from byte tables: Number's toString with a
 * radix is a runtime call, about ten times slower, and fingerprints make several per entry.
 */
export function hex32(n: number): string {
  const b3 = n >>> 24;
  const b2 = (n >>> 16) & 255;
  const b1 = (n >>> 8) & 255;
  const b0 = n & 255;
  if (b3) return HEX_LEAD[b3]! + HEX_BYTE[b2]! + HEX_BYTE[b1]! + HEX_BYTE[b0]!;
  if (b2) return HEX_LEAD[b2]! + HEX_BYTE[b1]! + HEX_BYTE[b0]!;
  if (b1) return HEX_LEAD[b1]! + HEX_BYTE[b0]!;
  return HEX_LEAD[b0]!;
}
