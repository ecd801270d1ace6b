/**
 * An entry's content hash (the SHA-256 of JSON.stringify of its fields) and text key
 * (db/text-key.ts, the SHA-256 of its length-prefixed summary and content), both hashed from
 * one UTF-8 encoding of the summary and the content, without building either string.
 *
 * Building them cost more than hashing: JSON.stringify of an item's fields (two-byte strings
 * as soon as a text holds a "’") took about 19 us for 2 KB of text, then each hash converted
 * its string to UTF-8 again (7 us each); the digests themselves take about 1 us. Here the
 * texts are encoded once (TextEncoder, native) and JSON's escapes are written byte by byte:
 * the characters JSON.stringify escapes in a well-formed string (quote, backslash, controls)
 * are ASCII, which UTF-8 writes as themselves and never inside another character's bytes.
 * A lone surrogate is what UTF-8 cannot hold (the encoder writes U+FFFD for it, JSON.stringify
 * an escape): a text whose bytes hold U+FFFD takes the string path, so the bytes hashed are
 * always the very ones of JSON.stringify and textKey.
 */
import { sha256Base64url, sha256Hex } from '../../shared/hash.ts';
import { textKey } from '../../db/text-key.ts';
import type { Enclosure } from '../types.ts';

/** The fields an entry's content hash covers, in the order JSON.stringify writes them. */
export interface HashedFields {
  guid: string | null;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  summary: string | null;
  contentHtml: string | null;
  author: string | null;
  categories: string[];
  enclosures: Enclosure[];
  /** As the feed gives them (ms), before first-seen defaults and clamping. */
  rawPublished: number | null;
  rawUpdated: number | null;
}

const encoder = new TextEncoder();

/**
 * Where entryHashes left an entry's summary and content encoded as UTF-8, for a caller that
 * sends them as bytes next (prepare.ts, TextBytes) and need not encode them again. `bytes` is
 * entryHashes' own buffer, valid until its next call; null when the strings were hashed
 * instead (a lone surrogate, a field left undefined), whose bytes are not kept.
 */
export interface EncodedTexts {
  bytes: Uint8Array | null;
  summaryFrom: number;
  summaryTo: number;
  contentFrom: number;
  contentTo: number;
}

/**
 * One buffer, reused from call to call: the raw texts ([prefix][summary][:][content], textKey's
 * input) from 0, the JSON bytes after them. One buffer lets the escaping copy runs of bytes
 * with copyWithin (no view to make per run); the Int32Array reads four bytes at a time. A
 * buffer grown past KEPT_BYTES for a huge text is let go after it.
 */
let bytes = new Uint8Array(65536);
let words = new Int32Array(bytes.buffer);
const KEPT_BYTES = 1 << 20;

/** What JSON.stringify writes after a backslash for the controls it names (0: \u00XX). */
const SHORT_ESCAPE = new Uint8Array(32);
SHORT_ESCAPE[0x08] = 0x62; // b
SHORT_ESCAPE[0x09] = 0x74; // t
SHORT_ESCAPE[0x0a] = 0x6e; // n
SHORT_ESCAPE[0x0c] = 0x66; // f
SHORT_ESCAPE[0x0d] = 0x72; // r
const HEX = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)));

/**
 * sha256Hex(JSON.stringify(fields)) and, when `withTextKey`, textKey(summary, contentHtml)
 * (else undefined). `fields` may carry other properties (a prepared entry): only those of
 * HashedFields are hashed, in its order. `encoded`, when given, is set to where the summary's
 * and the content's UTF-8 were written.
 */
export function entryHashes(
  fields: HashedFields,
  withTextKey: boolean,
  encoded?: EncodedTexts,
): { contentHash: string; textKey: string | null | undefined } {
  const { summary, contentHtml } = fields;
  if (encoded) encoded.bytes = null;
  // A field left undefined is a key JSON.stringify leaves out.
  if (
    fields.guid === undefined ||
    fields.url === undefined ||
    fields.canonicalUrl === undefined ||
    fields.title === undefined ||
    summary === undefined ||
    contentHtml === undefined ||
    fields.author === undefined ||
    fields.categories === undefined ||
    fields.enclosures === undefined ||
    fields.rawPublished === undefined ||
    fields.rawUpdated === undefined ||
    // Categories are strings (prepareEntry trims them): anything else, JSON.stringify writes.
    !fields.categories.every((c) => typeof c === 'string')
  )
    return stringHashes(fields, withTextKey);
  // JSON.stringify(fields): the small fields written as it writes them (writeJson), the texts
  // escaped below. Enclosures, rare, are stringified.
  const enclosures = fields.enclosures.length ? JSON.stringify(fields.enclosures) : '[]';
  let smallUnits =
    (fields.guid?.length ?? 0) +
    (fields.url?.length ?? 0) +
    (fields.canonicalUrl?.length ?? 0) +
    fields.title.length +
    (fields.author?.length ?? 0) +
    enclosures.length +
    fields.categories.length;
  for (const c of fields.categories) smallUnits += c.length;
  // textKey's input: `${summary.length}:${summary}` or '-', then `:${contentHtml}` or '-'.
  const prefix = summary === null ? '-' : `${summary.length}:`;
  const textUnits = (summary?.length ?? 0) + (contentHtml?.length ?? 0);
  // UTF-8 takes at most 3 bytes per UTF-16 unit; JSON at most 6 per text byte (\u00XX).
  const jsonFrom = (prefix.length + 1 + 3 * textUnits + 4) & ~3;
  // A small field's unit takes at most 6 bytes (\u00XX); the keys and numbers, under 256.
  const size = jsonFrom + 6 * smallUnits + 256 + 18 * textUnits;
  if (bytes.length < size) {
    bytes = new Uint8Array((size + 3) & ~3);
    words = new Int32Array(bytes.buffer);
  }
  const buf = bytes;
  let at = writeText(buf, 0, prefix);
  const summaryFrom = at;
  if (summary !== null) at += encoder.encodeInto(summary, buf.subarray(at)).written;
  const summaryTo = at;
  buf[at++] = contentHtml === null ? 0x2d : 0x3a; // '-' or ':'
  const contentFrom = at;
  if (contentHtml !== null) at += encoder.encodeInto(contentHtml, buf.subarray(at)).written;
  const contentTo = at;

  let j = writeText(buf, jsonFrom, '{"guid":');
  j = writeJson(buf, j, fields.guid);
  j = writeJson(buf, writeText(buf, j, ',"url":'), fields.url);
  j = writeJson(buf, writeText(buf, j, ',"canonicalUrl":'), fields.canonicalUrl);
  j = writeJson(buf, writeText(buf, j, ',"title":'), fields.title);
  j = writeText(buf, j, ',"summary":');
  j = summary === null ? writeNull(buf, j) : writeEscaped(buf, words, summaryFrom, summaryTo, j);
  if (j !== -1) {
    j = writeText(buf, j, ',"contentHtml":');
    j =
      contentHtml === null
        ? writeNull(buf, j)
        : writeEscaped(buf, words, contentFrom, contentTo, j);
  }
  // U+FFFD's bytes: what the encoder writes for a lone surrogate, which JSON.stringify escapes.
  if (j === -1) return stringHashes(fields, withTextKey);
  j = writeJson(buf, writeText(buf, j, ',"author":'), fields.author);
  j = writeText(buf, j, ',"categories":[');
  for (let i = 0; i < fields.categories.length; i++) {
    if (i > 0) buf[j++] = 0x2c; // ','
    j = writeJson(buf, j, fields.categories[i]!);
  }
  j = writeText(buf, j, '],"enclosures":');
  j = writeText(buf, j, enclosures);
  j = writeJson(buf, writeText(buf, j, ',"rawPublished":'), fields.rawPublished);
  j = writeJson(buf, writeText(buf, j, ',"rawUpdated":'), fields.rawUpdated);
  buf[j++] = 0x7d; // '}'
  const contentHash = sha256Hex(buf.subarray(jsonFrom, j));
  if (encoded) {
    encoded.bytes = buf;
    encoded.summaryFrom = summaryFrom;
    encoded.summaryTo = summaryTo;
    encoded.contentFrom = contentFrom;
    encoded.contentTo = contentTo;
  }
  const key =
    withTextKey && (summary !== null || contentHtml !== null)
      ? sha256Base64url(buf.subarray(0, contentTo)).slice(0, 22)
      : withTextKey
        ? null
        : undefined;
  if (bytes.length > KEPT_BYTES) {
    bytes = new Uint8Array(65536);
    words = new Int32Array(bytes.buffer);
  }
  return { contentHash, textKey: key };
}

/** The same hashes from the strings themselves (of these fields alone, in this order). */
function stringHashes(
  f: HashedFields,
  withTextKey: boolean,
): { contentHash: string; textKey: string | null | undefined } {
  const fields: HashedFields = {
    guid: f.guid,
    url: f.url,
    canonicalUrl: f.canonicalUrl,
    title: f.title,
    summary: f.summary,
    contentHtml: f.contentHtml,
    author: f.author,
    categories: f.categories,
    enclosures: f.enclosures,
    rawPublished: f.rawPublished,
    rawUpdated: f.rawUpdated,
  };
  return {
    contentHash: sha256Hex(JSON.stringify(fields)),
    textKey: withTextKey ? textKey(f.summary, f.contentHtml) : undefined,
  };
}

/**
 * JSON.stringify(value)'s UTF-8 bytes at `at` of `buf` (value defined); gives their end. A
 * string is written here (writeQuoted) unless JSON escapes some of it.
 */
function writeJson(buf: Uint8Array, at: number, value: unknown): number {
  if (value === null) return writeNull(buf, at);
  if (typeof value === 'string') {
    const end = writeQuoted(buf, at, value);
    if (end !== -1) return end;
  }
  return writeText(buf, at, JSON.stringify(value));
}

/**
 * `"text"` in UTF-8 at `at` of `buf`, as JSON.stringify(text) would give it when nothing in it
 * is escaped; -1 when something is (a quote, a backslash, a control, a lone surrogate).
 */
function writeQuoted(buf: Uint8Array, at: number, text: string): number {
  buf[at++] = 0x22;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20 || c === 0x22 || c === 0x5c) return -1;
      buf[at++] = c;
    } else if (c < 0x800) {
      buf[at++] = 0xc0 | (c >> 6);
      buf[at++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A pair gives one character of four bytes; a lone surrogate is escaped by JSON.
      const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) return -1;
      const code = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      buf[at++] = 0xf0 | (code >> 18);
      buf[at++] = 0x80 | ((code >> 12) & 63);
      buf[at++] = 0x80 | ((code >> 6) & 63);
      buf[at++] = 0x80 | (code & 63);
      i++;
    } else {
      buf[at++] = 0xe0 | (c >> 12);
      buf[at++] = 0x80 | ((c >> 6) & 63);
      buf[at++] = 0x80 | (c & 63);
    }
  }
  buf[at++] = 0x22;
  return at;
}

/**
 * `text`'s UTF-8 bytes at `at` of `buf`; gives their end. Short ASCII text (the small fields'
 * JSON, mostly) is copied here: calling the encoder costs more than that.
 */
function writeText(buf: Uint8Array, at: number, text: string): number {
  const n = text.length;
  if (n <= 256) {
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return at + n;
  }
  return at + encoder.encodeInto(text, buf.subarray(at)).written;
}

function writeNull(out: Uint8Array, at: number): number {
  out[at] = 0x6e; // n
  out[at + 1] = 0x75; // u
  out[at + 2] = 0x6c; // l
  out[at + 3] = 0x6c; // l
  return at + 4;
}

/**
 * Whether none of a word's four bytes is one writeEscaped looks at: below 0x20, '"', '\\' or
 * 0xef (U+FFFD's first byte). Exact tests for a byte under n and a zero byte over the word at
 * once (Bit Twiddling Hacks, "determine if a word has a byte less than n").
 */
function plainWord(w: number): boolean {
  const quote = w ^ 0x22222222;
  const backslash = w ^ 0x5c5c5c5c;
  const ef = w ^ 0xefefefef;
  return (
    ((((w - 0x20202020) & ~w) |
      ((quote - 0x01010101) & ~quote) |
      ((backslash - 0x01010101) & ~backslash) |
      ((ef - 0x01010101) & ~ef)) &
      0x80808080) ===
    0
  );
}

/**
 * The UTF-8 bytes [from, to) of `buf` as a JSON string (quoted, escaped) at `at` of `buf`, past
 * `to`; the end, or -1 when the text holds U+FFFD's bytes (maybe a lone surrogate's). Runs of
 * bytes JSON writes as they are are copied at once; `words` views the same buffer.
 */
function writeEscaped(
  buf: Uint8Array,
  words: Int32Array,
  from: number,
  to: number,
  at: number,
): number {
  buf[at++] = 0x22;
  let run = from;
  let i = from;
  while (i < to) {
    if ((i & 3) === 0) {
      while (i + 4 <= to && plainWord(words[i >> 2]!)) i += 4;
      if (i >= to) break;
    }
    const b = buf[i]!;
    if (b >= 0x20 && b !== 0x22 && b !== 0x5c && b !== 0xef) {
      i++;
      continue;
    }
    if (b === 0xef) {
      if (i + 2 < to && buf[i + 1] === 0xbf && buf[i + 2] === 0xbd) return -1;
      i++;
      continue;
    }
    buf.copyWithin(at, run, i);
    at += i - run;
    buf[at++] = 0x5c;
    if (b >= 0x20) buf[at++] = b;
    else if (SHORT_ESCAPE[b]) buf[at++] = SHORT_ESCAPE[b]!;
    else {
      buf[at++] = 0x75; // u
      buf[at++] = 0x30;
      buf[at++] = 0x30;
      buf[at++] = HEX[b >> 4]!;
      buf[at++] = HEX[b & 15]!;
    }
    run = ++i;
  }
  buf.copyWithin(at, run, to);
  at += to - run;
  buf[at++] = 0x22;
  return at;
}
