import { analyse } from 'chardet';

/**
 * The encoding of a document that declares none (no BOM, no HTTP charset, no XML or HTML
 * declaration) and is not UTF-8: what a reader would guess rather than garble it.
 *
 * - UTF-16 and UTF-32 without BOM are told first by where the zero bytes fall (sniffWideUnicode:
 *   a feed's markup is ASCII, "<" is 3C 00 in UTF-16LE, 00 00 00 3C in UTF-32BE).
 * - Otherwise chardet (ICU's detector: byte n-grams per language, valid multi-byte sequences)
 *   names the most likely legacy encoding. Only a non-Latin script overrides windows-1252,
 *   the long-standing fallback for French feeds: a Latin guess (ISO-8859-2, -9…) on French text
 *   would break accents that windows-1252 reads right.
 * - Short documents give chardet little to go on: when most non-ASCII bytes come in runs (whole
 *   words of them, as Cyrillic or Greek letters do, where French has one accented letter among
 *   ASCII ones), its best non-Latin candidate is taken.
 *
 * Returns a WHATWG label TextDecoder knows (or 'utf-32le'/'utf-32be', decoded by hand), or
 * null for windows-1252.
 */
export function detectEncoding(bytes: Uint8Array): string | null {
  const sample = bytes.length > 65_536 ? bytes.subarray(0, 65_536) : bytes;
  const matches = analyse(sample);
  const best = matches[0];
  if (!best) return null;
  const label = NON_LATIN[best.name];
  if (label && best.confidence >= 30) return label;
  if (highBytesInRuns(sample) < 0.6) return null;
  const candidate = matches.find((m) => NON_LATIN[m.name] && m.confidence >= 10);
  return candidate ? NON_LATIN[candidate.name]! : null;
}

/** chardet's names for non-Latin encodings → WHATWG labels. */
const NON_LATIN: Record<string, string> = {
  'UTF-32LE': 'utf-32le',
  'UTF-32BE': 'utf-32be',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  Shift_JIS: 'shift_jis',
  'EUC-JP': 'euc-jp',
  'ISO-2022-JP': 'iso-2022-jp',
  'EUC-KR': 'euc-kr',
  'ISO-2022-KR': 'euc-kr',
  GB18030: 'gb18030',
  'ISO-2022-CN': 'gb18030',
  Big5: 'big5',
  'windows-1251': 'windows-1251',
  'KOI8-R': 'koi8-r',
  'ISO-8859-5': 'iso-8859-5',
  'ISO-8859-7': 'iso-8859-7',
  'windows-1253': 'windows-1253',
  'ISO-8859-6': 'iso-8859-6',
  'windows-1256': 'windows-1256',
  'ISO-8859-8': 'iso-8859-8',
  'ISO-8859-8-I': 'iso-8859-8-i',
  'windows-1255': 'windows-1255',
  'windows-874': 'windows-874',
};

/** UTF-16/32 by the zero bytes of ASCII characters in the first 1 KiB, or null. */
export function sniffWideUnicode(bytes: Uint8Array): string | null {
  const n = Math.min(bytes.length, 1024) & ~3;
  if (n < 8) return null;
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i % 4]!++;
  const quarter = n / 4;
  const mostly = (count: number) => count > quarter * 0.7;
  const rarely = (count: number) => count < quarter * 0.1;
  const [z0, z1, z2, z3] = zeros as [number, number, number, number];
  if (rarely(z0) && mostly(z1) && mostly(z2) && mostly(z3)) return 'utf-32le';
  if (mostly(z0) && mostly(z1) && mostly(z2) && rarely(z3)) return 'utf-32be';
  if (rarely(z0) && rarely(z2) && mostly(z1) && mostly(z3)) return 'utf-16le';
  if (mostly(z0) && mostly(z2) && rarely(z1) && rarely(z3)) return 'utf-16be';
  return null;
}

/** The share of bytes ≥ 0x80 that stand in a run of at least three of them. */
function highBytesInRuns(bytes: Uint8Array): number {
  let high = 0;
  let inRuns = 0;
  let run = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i]! >= 0x80) {
      high++;
      run++;
      continue;
    }
    if (run >= 3) inRuns += run;
    run = 0;
  }
  return high ? inRuns / high : 0;
}

/** UTF-32 (TextDecoder has none): four bytes per code point; invalid ones become U+FFFD. */
export function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    chunk.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? cp : 0xfffd);
    if (chunk.length === 8192) parts.push(String.fromCodePoint(...chunk.splice(0)));
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}
