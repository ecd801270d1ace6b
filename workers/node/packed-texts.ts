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
import type { PreparedItem } from '../../src/ingest/dedupe/prepare.ts';
import type { TextValue } from '../../src/db/text-value.ts';

/**
 * Shorter texts stay strings: a view costs the main thread's heap about as much as a string of
 * this many characters.
 */
const MIN_PACKED_CHARS = 64;

/**
 * Whether a text travels as bytes. Not one with a lone surrogate (a character reference to
 * one, say): encoding would make it U+FFFD, where SQLite stores the string's own bytes.
 */
function packable(text: TextValue | null | undefined): text is string {
  return (
    typeof text === 'string' &&
    text.length >= MIN_PACKED_CHARS &&
    (text as string & { isWellFormed(): boolean }).isWellFormed()
  );
}

/** The texts of an item that may be packed, in the order they are packed. */
const FIELDS = ['summary', 'contentHtml', 'searchText'] as const;

/**
 * Replaces, in place, the items' large texts by views of one buffer holding their UTF-8 bytes;
 * the buffer to transfer, or null when no text is packed.
 */
export function packTexts(items: PreparedItem[]): ArrayBuffer | null {
  // Each text is looked at once (a check of a text the parser built in pieces flattens it):
  // the byte lengths of those packed, 0 for those left as strings.
  const lengths = new Uint32Array(items.length * FIELDS.length);
  let total = 0;
  for (let i = 0, n = 0; i < items.length; i++) {
    const item = items[i]!;
    for (const field of FIELDS) {
      const text = item[field];
      if (packable(text)) total += lengths[n] = Buffer.byteLength(text, 'utf8');
      n++;
    }
  }
  if (!total) return null;
  // A buffer of its own (Buffer.allocUnsafe may give a slice of a shared pool, which would go
  // whole and leave this thread's other buffers detached).
  const buffer = new ArrayBuffer(total);
  const bytes = Buffer.from(buffer);
  let at = 0;
  for (let i = 0, n = 0; i < items.length; i++) {
    const item = items[i]!;
    for (const field of FIELDS) {
      const length = lengths[n++]!;
      // An empty text is never packed (packable): 0 means left as it is.
      if (!length) continue;
      bytes.write(item[field] as string, at, length, 'utf8');
      item[field] = new Uint8Array(buffer, at, length);
      at += length;
    }
  }
  return buffer;
}
