/**
 * The UTF-8 of a document's item texts (summary and content) as hashing them encoded it
 * (dedupe/entry-hashes.ts), kept for a reader that sends those texts as bytes next (the Node
 * reading thread: workers/node/packed-texts.ts), so that each is encoded once: encoding them
 * again took about half of the reading thread's TextEncoder time (bench:read-cpu --cpu-prof).
 * One per reader, reused from one document to the next (`reset`).
 */
import type { EncodedTexts } from './dedupe/entry-hashes.ts';
import { withRoom } from '../shared/grown-bytes.ts';

/** A buffer grown past this for a huge document is let go at the next reset. */
const KEPT_BYTES = 4 << 20;

export class KeptTextBytes {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  /** Per kept item: [summary start, summary end, content start, content end] in `bytes`. */
  private readonly ranges = new Map<object, Int32Array>();

  /** Forgets the previous document's texts. */
  reset(): void {
    this.length = 0;
    this.ranges.clear();
    if (this.bytes.length > KEPT_BYTES) this.bytes = new Uint8Array(1 << 16);
  }

  /** Keeps the texts entryHashes encoded for `item` (nothing when it hashed the strings). */
  keep(item: object, encoded: EncodedTexts): void {
    const source = encoded.bytes;
    if (!source) return;
    const summary = encoded.summaryTo - encoded.summaryFrom;
    const content = encoded.contentTo - encoded.contentFrom;
    this.bytes = withRoom(this.bytes, this.length, this.length + summary + content);
    const at = this.length;
    this.bytes.set(source.subarray(encoded.summaryFrom, encoded.summaryTo), at);
    this.bytes.set(source.subarray(encoded.contentFrom, encoded.contentTo), at + summary);
    this.length = at + summary + content;
    this.ranges.set(item, Int32Array.of(at, at + summary, at + summary, this.length));
  }

  /**
   * The UTF-8 of `item`'s summary or content as kept (a view, valid until the next reset), or
   * null when it was not kept. The item's text is the string that was hashed.
   */
  of(item: object, field: 'summary' | 'contentHtml'): Uint8Array | null {
    const range = this.ranges.get(item);
    if (!range) return null;
    const from = field === 'summary' ? 0 : 2;
    return this.bytes.subarray(range[from]!, range[from + 1]!);
  }
}
