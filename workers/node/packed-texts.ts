/**
 * A read feed's large texts (each item's summary, content and search text) sent to the main
 * thread as UTF-8 bytes in one buffer per document, transferred rather than copied: the main
 * thread gets views of it, not strings (src/db/text-value.ts). As strings, deserialized on the
 * main thread, they waited in the store's queue and batch long enough to outlive two young
 * collections and be copied into the old generation: ~7 KB per bench:ingest item, most of what
 * the main thread promoted during a cold pull (bench:ingest --sample-promoted). The store binds
 * the bytes as they are (SQLite reads them as the TEXT the string would have been) and decodes
 * only what it must read as text, rarely.
 */
import { Buffer } from 'node:buffer';
import type { PreparedItem } from '../../src/ingest/dedupe/prepare.ts';
import type { KeptTextBytes } from '../../src/ingest/kept-text-bytes.ts';
import { withRoom } from '../../src/shared/grown-bytes.ts';

/**
 * Shorter texts stay strings: a view costs the main thread's heap about as much as a string of
 * this many characters.
 */
const MIN_PACKED_CHARS = 64;

/** The texts of an item that may be packed, in the order they are packed. */
const FIELDS = ['summary', 'contentHtml', 'searchText'] as const;

const encoder = new TextEncoder();

/**
 * Where a document's texts are encoded first, reused from one document to the next (a fresh
 * buffer of the exact size is what travels); one grown past KEPT_BYTES for a huge document is
 * let go after it.
 */
let scratch = new Uint8Array(1 << 20);
const KEPT_BYTES = 4 << 20;

/**
 * Replaces, in place, the items' large texts by views of one buffer holding their UTF-8 bytes;
 * the buffer to transfer, or null when no text is packed. Not a text with a lone surrogate (a
 * character reference to one, say): the encoder writes U+FFFD for it, where SQLite stores the
 * string's own bytes; such a text stays a string.
 *
 * Each text is encoded once, into `scratch` (encodeInto: one pass, where measuring the UTF-8
 * length first, then writing, took twice as long on the bench's texts, most of them two-byte
 * strings for a "’"), then the whole is copied into the buffer that travels. A summary or
 * content whose bytes `kept` has (its hashing encoded it, entry-hashes.ts) is copied from
 * them instead: the bytes the encoder gives, and without U+FFFD (the hashing took the
 * strings' path for a text holding its bytes).
 */
export function packTexts(items: PreparedItem[], kept?: KeptTextBytes): ArrayBuffer | null {
  // Byte offsets of each text in `scratch`: [start, end), end 0 for a text left as it is.
  const ends = new Uint32Array(items.length * FIELDS.length);
  let at = 0;
  for (let i = 0, n = 0; i < items.length; i++) {
    const item = items[i]!;
    for (const field of FIELDS) {
      const text = item[field];
      n++;
      if (typeof text !== 'string' || text.length < MIN_PACKED_CHARS) continue;
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      scratch = withRoom(scratch, at, at + 3 * text.length);
      const bytes = kept && field !== 'searchText' ? kept.of(item, field) : null;
      if (bytes) {
        scratch.set(bytes, at);
        at += bytes.length;
        ends[n - 1] = at;
        continue;
      }
      const written = encoder.encodeInto(text, scratch.subarray(at)).written;
      // U+FFFD's bytes: a replaced lone surrogate, or the character itself (then kept).
      if (holdsReplacement(scratch, at, at + written) && !isWellFormed(text)) continue;
      at += written;
      ends[n - 1] = at;
    }
  }
  if (!at) return null;
  const buffer = new ArrayBuffer(at);
  new Uint8Array(buffer).set(scratch.subarray(0, at));
  if (scratch.length > KEPT_BYTES) scratch = new Uint8Array(1 << 20);
  let start = 0;
  for (let i = 0, n = 0; i < items.length; i++) {
    const item = items[i]!;
    for (const field of FIELDS) {
      const end = ends[n++]!;
      if (!end) continue;
      item[field] = new Uint8Array(buffer, start, end - start);
      start = end;
    }
  }
  return buffer;
}

/** Whether bytes [from, to) of `bytes` hold U+FFFD (EF BF BD). */
function holdsReplacement(bytes: Uint8Array, from: number, to: number): boolean {
  // Node's Buffer search (memchr and memcmp), on a view of the text alone: a Uint8Array's
  // indexOf reads a byte at a time, ~25x as long (2 % of a reading thread, --cpu-prof).
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).indexOf(REPLACEMENT) !== -1;
}

const REPLACEMENT = new Uint8Array([0xef, 0xbf, 0xbd]);

function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Frees a buffer of texts at once: transferred to a copy nobody keeps, it leaves its memory to
 * that copy, young, which the next young collection frees (as held, the buffer had outlived
 * several: its memory waited for a full collection, ~8 MB of a 1,000-source pull's peak RSS).
 * Its views, the items' texts, are empty afterwards.
 */
export function releaseTexts(buffer: ArrayBuffer): void {
  if (buffer.byteLength) structuredClone(buffer, { transfer: [buffer] });
}
