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
    if (outsideFoldTable(code)) return foldSlow(text).trim();
    const fold = FOLD_CODE[code]!;
    if (fold === FOLD_SEPARATOR) {
      space = true;
      continue;
    }
    if (fold >= 0) {
      if (space && length) buf[length++] = 32;
      space = false;
      buf[length++] = fold;
      continue;
    }
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

/** serialMarks of a title whose titleKey is known (fingerprint computes it anyway). */
export function serialMarksOfKey(key: string): string {
  if (!key) return '';
  const marks: string[] = [];
  for (const token of key.split(' ')) {
    if (hasDigit(token)) {
      const num = /^(\d+)(er|re|e|eme|nd|st|th|rd)?$/.exec(token);
      if (num) marks.push(String(Number(num[1])));
      else marks.push(...(token.match(/\d+/g) ?? []).map((d) => String(Number(d))));
      continue;
    }
    const word = MARK_WORDS.get(token);
    if (word !== undefined) marks.push(word);
    else if (onlyRomanLetters(token) && ROMAN.test(token)) marks.push(String(romanValue(token)));
  }
  return marks.sort().join(' ');
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

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  // Like /\d/ without the u flag: ASCII digits only.
  return false;
}

/** Whether a token is made of i, v, x, l, c only (ROMAN decides the rest). */
function onlyRomanLetters(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if (c !== 'i' && c !== 'v' && c !== 'x' && c !== 'l' && c !== 'c') return false;
  }
  return token.length > 0;
}

/** Words of a text for shingling: folded, relay marks stripped, capped so huge posts stay cheap. */
export function words(text: string, cap = 3000): string[] {
  const folded = foldText(text);
  if (!folded) return [];
  const all = folded.split(' ');
  return all.length > cap ? all.slice(0, cap) : all;
}
