import { IngestError } from './types.ts';
import { decodeUtf32, detectEncoding, sniffWideUnicode } from './detect-encoding.ts';

/**
 * A runtime's own decoder of valid UTF-8: the text of bytes that are valid UTF-8, else
 * undefined (also when it cannot tell), and decodeBody then decodes them as it does without one.
 * Valid UTF-8 has one decoding, so the text is the same either way; only the time differs
 * (Node's, workers/node/utf8-decoder.ts, takes a third of TextDecoder's).
 */
export type Utf8Decoder = (bytes: Uint8Array) => string | undefined;

/**
 * Bytes → text for a fetched document, the way a browser would guess it:
 * BOM, then the HTTP charset, then the document's own declaration (XML prolog, HTML meta),
 * then UTF-16/32 told by their zero bytes, then UTF-8 when the bytes are valid UTF-8, else
 * the detected legacy encoding of a non-Latin script (detect-encoding.ts), else windows-1252
 * (French feeds in ISO-8859-1 are common, and browsers read ISO-8859-1/latin1/us-ascii as
 * windows-1252).
 * Works the same in Node and workerd (both ship the WHATWG labels we rely on; tested).
 */
export function decodeBody(
  bytes: Uint8Array,
  contentType: string | null,
  utf8?: Utf8Decoder,
): string {
  const bom = sniffBom(bytes);
  if (bom) {
    const rest = bytes.subarray(bom.length);
    // Valid UTF-8 after a UTF-8 BOM reads alike leniently or not: the runtime's decoder may.
    const text = bom.encoding === 'utf-8' ? utf8?.(rest) : undefined;
    return finish(text ?? decodeWith(bom.encoding, rest));
  }

  const fromHttp = normaliseLabel(charsetFromContentType(contentType));
  // A UTF-16 declaration read from the ASCII-compatible head of the bytes is a lie (real UTF-16 would not read as ASCII).
  const fromDocument = normaliseLabel(charsetFromDocument(bytes));
  const declared = fromHttp ?? (fromDocument?.startsWith('utf-16') ? null : fromDocument);
  if (!declared) return finish(undeclared(bytes, utf8));

  if (declared === 'utf-8') {
    // A wrong "utf-8" label on Latin-1 bytes is a classic: fall back as for an undeclared document.
    return finish(undeclared(bytes, utf8));
  }
  if (declared === 'windows-1252' && hasMultibyteUtf8(bytes)) {
    // Servers often default to ISO-8859-1 for UTF-8 files: Latin-1 text that is also valid UTF-8
    // with multi-byte sequences practically never happens, so the bytes win over the label.
    const text = tryUtf8(bytes, utf8);
    if (text !== null) return finish(text);
  }
  return finish(decodeWith(declared, bytes));
}

/** UTF-16/32 by their zero bytes (valid UTF-8 too, but full of NULs), UTF-8, else a guess. */
function undeclared(bytes: Uint8Array, utf8: Utf8Decoder | undefined): string {
  const wide = sniffWideUnicode(bytes);
  if (wide) return decodeWith(wide, bytes);
  return tryUtf8(bytes, utf8) ?? decodeWith(detectEncoding(bytes) ?? 'windows-1252', bytes);
}

function hasMultibyteUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0xc2 && bytes[i]! <= 0xf4) return true;
  return false;
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | null): string | null {
  const match = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)/i);
  return match?.[1] ?? null;
}

/** The encoding named by the XML declaration or an HTML <meta charset>, read from the first 1 KiB. */
export function charsetFromDocument(bytes: Uint8Array): string | null {
  const head = asciiHead(bytes, 1024);
  const xml = head.match(/^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/);
  if (xml) return xml[1]!;
  const meta = head.match(/<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i) ?? null;
  return meta?.[1] ?? null;
}

/** UTF-32LE's BOM starts like UTF-16LE's: it comes first. */
const BOMS: Array<{ bytes: number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

function sniffBom(bytes: Uint8Array): { encoding: string; length: number } | null {
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => bytes[i] === b))
      return { encoding: bom.encoding, length: bom.bytes.length };
  }
  return null;
}

/** Aliases browsers fold together; unknown labels give null so the next clue is used. */
function normaliseLabel(label: string | null): string | null {
  if (!label) return null;
  const l = label.trim().toLowerCase();
  if (['utf8', 'utf-8', 'unicode-1-1-utf-8'].includes(l)) return 'utf-8';
  if (
    [
      'iso-8859-1',
      'iso8859-1',
      'latin1',
      'latin-1',
      'l1',
      'us-ascii',
      'ascii',
      'cp1252',
      'windows-1252',
      'x-cp1252',
    ].includes(l)
  ) {
    return 'windows-1252';
  }
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

/**
 * Decoding replaces each invalid sequence with U+FFFD: a text without one came from valid UTF-8,
 * and is what the strict decoder gives. Only a text with U+FFFD (written in the document, or a
 * replacement) takes the strict decoder, which costs more than the lenient one (Node's fatal
 * decoding goes through ICU: ~20 % more on a 130 KB feed).
 */
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function tryUtf8(bytes: Uint8Array, utf8: Utf8Decoder | undefined): string | null {
  const valid = utf8?.(bytes);
  if (valid !== undefined) return valid;
  const text = lenientUtf8.decode(bytes);
  if (!text.includes('\uFFFD')) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function decodeWith(encoding: string, bytes: Uint8Array): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  if (encoding === 'utf-32le' || encoding === 'utf-32be')
    return decodeUtf32(bytes, encoding === 'utf-32le');
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
}

/** 0x80–0x9F of windows-1252 (the rest is Latin-1: byte value = code point). Undefined slots keep their C1 code. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
  0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
  0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/**
 * Our own windows-1252 decoder: Node 20's TextDecoder('windows-1252') decodes plain
 * ISO-8859-1 (0x80 gives U+0080 instead of €), so the same table serves both runtimes.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk = new Array<number>(8192);
  for (let start = 0; start < bytes.length; start += chunk.length) {
    const end = Math.min(bytes.length, start + chunk.length);
    const codes = end - start === chunk.length ? chunk : new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      codes[i - start] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/**
 * The first `max` bytes as text, each byte past ASCII read as "?". One string made of their codes
 * (a string added to 1,024 times took ~30 us per document).
 */
function asciiHead(bytes: Uint8Array, max: number): string {
  // A copy (a Buffer's slice() would be a view of the document itself).
  const codes = new Uint8Array(bytes.subarray(0, max));
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0x80) codes[i] = 0x3f;
  return String.fromCharCode.apply(null, codes as unknown as number[]);
}

/** A NUL or a C0 control other than tab and line ends (what finish counts). */
const ANY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * Rejects what cannot be a text document: NUL bytes and other C0 controls are not allowed
 * in XML, JSON or HTML, so a body made of them is binary (an image, an archive, garbage).
 */
function finish(text: string): string {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  // Most documents have none: one native scan says so (5× faster than the loop below).
  if (!ANY_CONTROL.test(sample)) return text;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0)
      throw new IngestError(
        'decode_error',
        'Le document contient des octets NUL : ce sont des données binaires, pas un flux.',
      );
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) controls++;
  }
  if (controls > 16 && controls > sample.length / 100) {
    throw new IngestError(
      'decode_error',
      'Le document est surtout fait de caractères de contrôle : ce sont des données binaires, pas un flux.',
    );
  }
  return text;
}
