/**
 * Text normalisation for deduplication: what two relays of one story have in common once
 * typography, case, accents and relay marks ("[Relais]", "Relayé depuis …") are set aside.
 */

// A separator after a relay mark: a colon, or a dash between spaces (network names like
// "reseau-ouest" contain dashes).
const SEP = String.raw`(?:\s*[:：]|\s+[-–—](?=\s))`;
const TITLE_RELAY = new RegExp(
  String.raw`^\s*(?:\[\s*(?:relais|relay[ée]e?|repris[e]?)[^\]]{0,60}\]|\(\s*(?:relais|relay[ée]e?)\s*\)|(?:relais|rt|fwd?|tr)${SEP}|relay[ée]e?\s+(?:depuis|par|de|via)\s+[^:：\n]{1,60}?${SEP})\s*`,
  'i',
);
const BODY_RELAY_LINE =
  /^\s*(?:relay[ée]e?|repris[e]?|republi[ée]e?|partag[ée]e?|publi[ée]e? initialement)\s+(?:depuis|de|par|sur|via|chez)\b[^\n]{0,120}\n/i;
const BODY_RELAY_INLINE = new RegExp(
  String.raw`^\s*(?:relay[ée]e?|repris[e]?|republi[ée]e?|partag[ée]e?)\s+(?:depuis|de|par|sur|via|chez)\s+[^:：.\n]{1,80}?(?:${SEP}|\.)\s*`,
  'i',
);

// The same marks at the end: "… (relais)", "… [relayé par X]", "… (via X)", "… – relayé par X".
const TITLE_RELAY_SUFFIX = new RegExp(
  String.raw`(?:\s*[(\[]\s*(?:relais|relay[ée]e?|repris[e]?|via)(?![a-zà-ÿ])[^()\[\]]{0,60}[)\]]|\s+[-–—|]\s+(?:relais|relay[ée]e?\s+(?:depuis|par|de|via)\s+[^\n]{1,60}|via\s+[^\n]{1,60}))\s*$`,
  'i',
);

/**
 * A word every suffix mark holds (same flags): a title without one has none. The suffix pattern
 * is tried at each position of a title, this test is far cheaper, and most titles fail it.
 */
const SUFFIX_WORD = /rela[iy]|repris|via/i;

/** TITLE_RELAY_SUFFIX.test, ruling most titles out first (SUFFIX_WORD). */
function hasRelaySuffix(title: string): boolean {
  return SUFFIX_WORD.test(title) && TITLE_RELAY_SUFFIX.test(title);
}

/** The title without relay marks ("[Relais] ", "Relais : ", "Relayé depuis X : ", "… (relais)"). */
export function stripTitleRelay(title: string): string {
  let t = title;
  for (let i = 0; i < 3; i++) {
    const prefixless = t.replace(TITLE_RELAY, '');
    const next = hasRelaySuffix(prefixless)
      ? prefixless.replace(TITLE_RELAY_SUFFIX, '')
      : prefixless;
    if (next === t) break;
    t = next;
  }
  return t.trim();
}

/** The body text without a leading "Relayé depuis …" line or phrase. */
export function stripBodyRelay(text: string): string {
  let t = text;
  // A relay of a relay says it twice.
  for (let i = 0; i < 3; i++) {
    const line = t.replace(BODY_RELAY_LINE, '');
    const next = (line !== t ? line : t.replace(BODY_RELAY_INLINE, '')).trim();
    if (next === t) break;
    t = next;
  }
  return t.trim();
}

/** Whether title or body says it is a relay of someone else's story. */
export function looksLikeRelay(title: string, text: string): boolean {
  return (
    TITLE_RELAY.test(title) ||
    hasRelaySuffix(title) ||
    BODY_RELAY_LINE.test(text) ||
    BODY_RELAY_INLINE.test(text)
  );
}

/**
 * The full folding, for any text: NFKD with combining marks dropped (accents), ligatures,
 * lowercase, anything not a letter or digit a space (runs of them one space, not trimmed).
 */
function foldSlow(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
}

/**
 * ASCII, Latin letters with accents, Latin-1 signs and general punctuation, each folded alone
 * by foldSlow: letters and digits, with ' ' for separators. In these ranges folding has no
 * context (no special lowercase cases), so a text of them is the concatenation of its
 * characters' folds, separators merged: one pass over the text, where normalising the whole
 * string dominated fingerprinting. Same result by construction (and tested against foldSlow).
 */
/** Each table character's fold (see foldSlow); undefined outside the table. */
export const CHAR_FOLD: string[] = [];
for (const [from, to] of [
  [0x0, 0x24f],
  [0x2000, 0x206f],
  [0x20ac, 0x20ac],
] as const) {
  for (let code = from; code <= to; code++) CHAR_FOLD[code] = foldSlow(String.fromCharCode(code));
}

/** How a table character folds: a letter's code, FOLD_SEPARATOR, or FOLD_MULTI (see CHAR_FOLD). */
export const FOLD_SEPARATOR = -1;
export const FOLD_MULTI = -2;
/** Indexed by code up to U+20AC; FOLD_MULTI outside the table too (callers check the range). */
export const FOLD_CODE = new Int32Array(0x20ad).fill(FOLD_MULTI);
for (let code = 0; code < FOLD_CODE.length; code++) {
  const folded = CHAR_FOLD[code];
  if (folded === undefined) continue;
  if (folded === ' ') FOLD_CODE[code] = FOLD_SEPARATOR;
  else if (folded.length === 1) FOLD_CODE[code] = folded.charCodeAt(0);
}

/** Whether a UTF-16 code unit is outside the table: [^\u0000-\u024f\u2000-\u206f\u20ac]. */
export function outsideFoldTable(code: number): boolean {
  return code >= 0x20ad || (code > 0x24f && code < 0x2000) || (code > 0x206f && code < 0x20ac);
}

/** FOLD_KIND of the characters outside the table. */
export const FOLD_OUTSIDE = -3;
/** FOLD_KIND of a separator that ends a sentence, a quote or a line (see sentenceStarts). */
export const FOLD_SENTENCE_END = -4;
/**
 * FOLD_CODE over the whole BMP, one load per character where the folding loops tested the
 * ranges, then FOLD_CODE, then the sentence ends: a letter's code (all below 0x8000),
 * FOLD_SEPARATOR, FOLD_SENTENCE_END, FOLD_MULTI, or FOLD_OUTSIDE where outsideFoldTable is
 * true. 128 KB per thread.
 */
export const FOLD_KIND = new Int16Array(0x10000).fill(FOLD_OUTSIDE);
for (let code = 0; code < FOLD_KIND.length; code++) {
  if (outsideFoldTable(code)) continue;
  if (FOLD_CODE[code]! > 0x7fff) throw new Error(`fold of ${code} does not fit FOLD_KIND`);
  FOLD_KIND[code] = FOLD_CODE[code]!;
}
// Only where they are separators, as foldWords read the sentence ends before.
for (const c of '.!?…:;«»"“”\n')
  if (FOLD_KIND[c.charCodeAt(0)] === FOLD_SEPARATOR) FOLD_KIND[c.charCodeAt(0)] = FOLD_SENTENCE_END;

let foldBuffer = new Uint16Array(4096);

/** Lowercase, accents and ligatures folded, anything not a letter or digit turned into a space. */
export function foldText(text: string): string {
  const n = text.length;
  // At most 3 characters for one (ligatures, fractions), plus the spaces between words.
  if (foldBuffer.length < n * 3 + 2) foldBuffer = new Uint16Array(n * 3 + 2);
  const buf = foldBuffer;
  let length = 0;
  let space = false;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    const fold = FOLD_KIND[code]!;
    if (fold >= 0) {
      if (space && length) buf[length++] = 32;
      space = false;
      buf[length++] = fold;
      continue;
    }
    if (fold === FOLD_SEPARATOR || fold === FOLD_SENTENCE_END) {
      space = true;
      continue;
    }
    if (fold === FOLD_OUTSIDE) return foldSlow(text).trim();
    const folded = CHAR_FOLD[code]!;
    for (let j = 0; j < folded.length; j++) {
      const c = folded.charCodeAt(j);
      if (c === 32) space = true;
      else {
        if (space && length) buf[length++] = 32;
        space = false;
        buf[length++] = c;
      }
    }
  }
  return codesToString(buf, length);
}

/** Bytes of the last ASCII text codesToString converted, reused by the next. */
let asciiBytes = new Uint8Array(4096);
const asciiDecoder = new TextDecoder();
/** Shorter texts convert as fast by fromCharCode. */
const ASCII_PATH_FROM = 512;

/** The string of the first `length` code units of `codes`, in chunks the stack can take. */
export function codesToString(codes: Uint16Array, length: number): string {
  // Folded text is mostly plain ASCII (accents are folded away): copied to bytes and decoded
  // natively it converts about twice as fast as through fromCharCode's argument lists.
  if (length >= ASCII_PATH_FROM) {
    if (asciiBytes.length < length) asciiBytes = new Uint8Array(length * 2);
    const bytes = asciiBytes;
    let high = 0;
    for (let i = 0; i < length; i++) {
      const c = codes[i]!;
      high |= c;
      bytes[i] = c;
    }
    if (high < 0x80) return asciiDecoder.decode(bytes.subarray(0, length));
  }
  let out = '';
  for (let at = 0; at < length; at += 8192)
    out += String.fromCharCode.apply(
      null,
      codes.subarray(at, Math.min(length, at + 8192)) as never,
    );
  return out;
}

/**
 * The title key: relay marks stripped, typography (’ ' « » “ ”), case, accents and trailing
 * punctuation folded away. Two relays of a story usually share it exactly.
 */
export function titleKey(title: string | null | undefined): string {
  return title ? foldText(stripTitleRelay(title)) : '';
}

const MONTHS = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'janv',
  'fevr',
  'sept',
  'oct',
  'nov',
  'dec',
  'jan',
  'feb',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
];
const MONTH_NUMBER = new Map<string, number>();
MONTHS.forEach((m, i) =>
  MONTH_NUMBER.set(
    m,
    i < 24
      ? (i % 12) + 1
      : (
          {
            janv: 1,
            fevr: 2,
            sept: 9,
            oct: 10,
            nov: 11,
            dec: 12,
            jan: 1,
            feb: 2,
            apr: 4,
            jun: 6,
            jul: 7,
            aug: 8,
            sep: 9,
          } as Record<string, number>
        )[m]!,
  ),
);
const WEEKDAYS = new Set([
  'lundi',
  'mardi',
  'mercredi',
  'jeudi',
  'vendredi',
  'samedi',
  'dimanche',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
]);
const ORDINALS: Record<string, number> = {
  premier: 1,
  premiere: 1,
  first: 1,
  deuxieme: 2,
  second: 2,
  seconde: 2,
  troisieme: 3,
  third: 3,
  quatrieme: 4,
  fourth: 4,
  cinquieme: 5,
  fifth: 5,
  sixieme: 6,
  septieme: 7,
  huitieme: 8,
  neuvieme: 9,
  dixieme: 10,
};
const ROMAN = /^(?=[ivxlc]{2,})c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/;
const ROMAN_VALUES: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };

function romanValue(s: string): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN_VALUES[s[i]!]!;
    const next = ROMAN_VALUES[s[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

/**
 * What makes a serial title one of a series: its numbers, dates, months, weekdays, ordinals
 * and roman numerals ("Lettre n°12" → "12", "Atelier du 3 mars" → "3 m3"), folded to a sorted
 * string. Two titles whose marks differ are different episodes, never merged.
 */
export function serialMarks(title: string | null | undefined): string {
  return serialMarksOfKey(titleKey(title));
}

/**
 * serialMarks of a title whose titleKey is known (fingerprint computes it anyway). One scan of
 * the key's code units: a word becomes a string only when it can be a mark (a digit, roman
 * letters only, or the length and first and last letters of a mark word), where splitting
 * the key and looking every word up took most of the time.
 */
export function serialMarksOfKey(key: string): string {
  if (!key) return '';
  let marks: string[] | null = null;
  const n = key.length;
  let from = 0;
  let digit = false;
  let digits = 0;
  let value = 0;
  let roman = true;
  // The words are what key.split(' ') gives (empty ones have no mark).
  for (let i = 0; i <= n; i++) {
    const c = i < n ? key.charCodeAt(i) : 32;
    if (c !== 32) {
      // Like /\d/ without the u flag: ASCII digits only.
      if (c >= 48 && c <= 57) {
        digit = true;
        digits++;
        value = value * 10 + (c - 48);
      } else if (c !== 105 && c !== 118 && c !== 120 && c !== 108 && c !== 99) roman = false;
      continue;
    }
    const length = i - from;
    if (length > 0) {
      // A number alone, short enough to be exact: String(Number(word)) without the word.
      if (digits === length && length <= 15) (marks ??= []).push(String(value));
      else if (digit) (marks ??= []).push(...digitMarks(key.slice(from, i)));
      else {
        const mark =
          markWordAt(key, from, length) ?? (roman ? romanMark(key.slice(from, i)) : null);
        if (mark !== null) (marks ??= []).push(mark);
      }
    }
    from = i + 1;
    digit = false;
    digits = 0;
    value = 0;
    roman = true;
  }
  return marks ? marks.sort().join(' ') : '';
}

/** The marks of a word holding a digit: its number ("12e" → 12), else each of its numbers. */
function digitMarks(token: string): string[] {
  const num = /^(\d+)(er|re|e|eme|nd|st|th|rd)?$/.exec(token);
  if (num) return [String(Number(num[1]))];
  return (token.match(/\d+/g) ?? []).map((d) => String(Number(d)));
}

/** The value of a word of roman letters (i, v, x, l, c) when ROMAN reads it as a numeral. */
function romanMark(token: string): string | null {
  return ROMAN.test(token) ? String(romanValue(token)) : null;
}

/**
 * The mark of each word that is one: months, weekdays, ordinals (and what `in ORDINALS` found
 * on Object.prototype, lower-case words only: "constructor"), months first as they were tested.
 */
const MARK_WORDS = new Map<string, string>([
  ['constructor', String(ORDINALS.constructor)],
  ...Object.entries(ORDINALS).map(([w, n]): [string, string] => [w, String(n)]),
  ...[...WEEKDAYS].map((w): [string, string] => [w, `d:${w.slice(0, 3)}`]),
  ...[...MONTH_NUMBER].map(([w, n]): [string, string] => [w, `m${n}`]),
]);

/**
 * For each word length, bit (c - 97) set when a mark word of that length starts (MARK_FIRST)
 * or ends (MARK_LAST) with letter c: most words of a title are ruled out without a string.
 */
const MARK_FIRST = new Uint32Array(16);
const MARK_LAST = new Uint32Array(16);
for (const word of MARK_WORDS.keys()) {
  const first = word.charCodeAt(0) - 97;
  const last = word.charCodeAt(word.length - 1) - 97;
  // Every mark word is lowercase ASCII and shorter than 16: the filter relies on it.
  if (word.length >= 16 || first < 0 || first > 25 || last < 0 || last > 25)
    throw new Error(`mark word ${word} outside the filter`);
  MARK_FIRST[word.length]! |= 1 << first;
  MARK_LAST[word.length]! |= 1 << last;
}

/** MARK_WORDS.get(key.slice(from, from + length)), without the slice for most words. */
function markWordAt(key: string, from: number, length: number): string | null {
  if (length >= 16) return null;
  const first = key.charCodeAt(from) - 97;
  const last = key.charCodeAt(from + length - 1) - 97;
  if (first < 0 || first > 25 || last < 0 || last > 25) return null;
  if (((MARK_FIRST[length]! >>> first) & (MARK_LAST[length]! >>> last) & 1) === 0) return null;
  return MARK_WORDS.get(key.slice(from, from + length)) ?? null;
}

/** Words of a text for shingling: folded, relay marks stripped, capped so huge posts stay cheap. */
export function words(text: string, cap = 3000): string[] {
  const folded = foldText(text);
  if (!folded) return [];
  const all = folded.split(' ');
  return all.length > cap ? all.slice(0, cap) : all;
}
