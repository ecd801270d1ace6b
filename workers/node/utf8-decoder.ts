/**
 * Node's decoder of valid UTF-8 for decodeBody (src/ingest/decode.ts Utf8Decoder), used where
 * documents are read (the reading threads). TextDecoder's UTF-8 in Node 20 goes through V8's
 * per-byte decoder twice (length, then characters): ~5 ms per MB, most of decoding a French
 * feed. Here simdutf validates (isUtf8) and converts to UTF-16 in one native pass each
 * (transcode), and the UTF-16 is copied into a string: a third of the time. Valid UTF-8 has one
 * decoding, so the text is TextDecoder's; anything else is left to decodeBody's own path.
 */
import { isUtf8, transcode } from 'node:buffer';
import type { Utf8Decoder } from '../../src/ingest/decode.ts';

export const nodeUtf8Decoder: Utf8Decoder = (bytes) => {
  if (bytes.length === 0) return '';
  // transcode is missing from a Node built without ICU.
  if (typeof transcode !== 'function' || !isUtf8(bytes)) return undefined;
  try {
    return transcode(bytes, 'utf8', 'ucs2').toString('ucs2');
  } catch {
    return undefined;
  }
};
