/**
 * One folding pass over a text for fingerprinting: the words foldText and words() give, each
 * with its FNV-1a hash, and the word positions where sentences start (sentenceStarts), without
 * building a string per word. Fingerprinting folded the body three times (words, the title
 * bucket's fallback, the sentence starts) and split it into strings: it was a third of a
 * reader thread's time. Covers the texts foldText folds character by character (Latin
 * scripts and their punctuation); for others it returns null and callers take the general path.
 */
import {
  CHAR_FOLD,
  codesToString,
  FOLD_KIND,
  FOLD_OUTSIDE,
  FOLD_SENTENCE_END,
  FOLD_SEPARATOR,
} from './text.ts';

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export interface FoldedWords {
  /** Words read (at most the cap). */
  count: number;
  /** Whether the whole text was read (the cap was not reached): `chars` is foldText(text). */
  complete: boolean;
  /** Code units used in `chars`. */
  length: number;
  /** Folded characters: the words joined by one space, as foldText gives them. */
  chars: Uint16Array;
  /** Whether every folded character is ASCII: `bytes` then holds them too (see foldedText). */
  ascii: boolean;
  /** The low byte of each folded character. */
  bytes: Uint8Array;
  /** Where word i starts and ends in `chars`. */
  start: Int32Array;
  end: Int32Array;
  /** fnv1a32 of word i (as an int32). */
  hash: Int32Array;
  /**
   * Word positions (> 0) where a sentence, a quote or a line starts in the text's first
   * `startsWithin` characters: sentenceStarts(text.slice(0, startsWithin)).
   */
  sentenceStarts: number[];
}

// The arrays of the last call, reused by the next: most texts fit the ones a previous text grew,
// so folding allocates nothing but its result object.
let scratchChars: Uint16Array = new Uint16Array(4096);
let scratchBytes: Uint8Array = new Uint8Array(4096);
let scratchStart: Int32Array = new Int32Array(1024);
let scratchEnd: Int32Array = new Int32Array(1024);
let scratchHash: Int32Array = new Int32Array(1024);

/**
 * The first `cap` words of `text` as words(text, cap) cuts them, or null when the text has a
 * character outside foldText's table (its folding then depends on context). The arrays are
 * reused by the next call: read them before folding another text.
 *
 * One loop with its state in locals and one table load per character (FOLD_KIND): the class
 * it replaced, with a method call and field loads and stores per character, took about 1.3
 * times as long (it was a third of fingerprinting).
 */
export function foldWords(text: string, cap: number, startsWithin: number): FoldedWords | null {
  const n = text.length;
  const wanted = Math.min(n, cap * 16) + 16;
  let chars = scratchChars.length >= wanted ? scratchChars : new Uint16Array(wanted);
  let bytes = scratchBytes.length >= chars.length ? scratchBytes : new Uint8Array(chars.length);
  const words = Math.min(cap, (n >> 1) + 2);
  let start = scratchStart;
  let end = scratchEnd;
  let hash = scratchHash;
  if (start.length < words) {
    start = new Int32Array(words);
    end = new Int32Array(words);
    hash = new Int32Array(words);
  }
  const sentenceStarts: number[] = [];
  let count = 0;
  let length = 0;
  let high = 0;
  let inWord = false;
  let sentenceEnded = false;
  let complete = true;
  let h = 0;
  // The letter branch and the multi branch below append a letter the same way: a space and a
  // word start first when outside a word (after `cap` words, the reading stops).
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    const fold = FOLD_KIND[code]!;
    if (fold >= 0) {
      if (!inWord) {
        if (count === cap) {
          complete = false;
          break;
        }
        if (count === start.length) {
          start = grow(start);
          end = grow(end);
          hash = grow(hash);
        }
        if (count > 0) {
          if (length + 2 > chars.length) {
            chars = grow16(chars);
            bytes = grow8(bytes, chars.length);
          }
          bytes[length] = 32;
          chars[length++] = 32;
          if (sentenceEnded && i < startsWithin) sentenceStarts.push(count);
        }
        sentenceEnded = false;
        start[count] = length;
        h = FNV_BASIS;
        inWord = true;
      }
      if (length === chars.length) {
        chars = grow16(chars);
        bytes = grow8(bytes, chars.length);
      }
      high |= fold;
      bytes[length] = fold;
      chars[length++] = fold;
      h = Math.imul(h ^ fold, FNV_PRIME);
    } else if (fold === FOLD_SEPARATOR || fold === FOLD_SENTENCE_END) {
      if (inWord) {
        end[count] = length;
        hash[count] = h;
        count++;
        inWord = false;
      }
      if (fold === FOLD_SENTENCE_END) sentenceEnded = true;
    } else if (fold === FOLD_OUTSIDE) {
      return null;
    } else {
      // Folds to several ("œ" is "oe", "½" is "1 2"): rare, each of them in turn.
      const folded = CHAR_FOLD[code]!;
      let capped = false;
      for (let j = 0; j < folded.length; j++) {
        const c = folded.charCodeAt(j);
        if (c === 32) {
          if (inWord) {
            end[count] = length;
            hash[count] = h;
            count++;
            inWord = false;
          }
          continue;
        }
        if (!inWord) {
          if (count === cap) {
            capped = true;
            break;
          }
          if (count === start.length) {
            start = grow(start);
            end = grow(end);
            hash = grow(hash);
          }
          if (count > 0) {
            if (length + 2 > chars.length) {
              chars = grow16(chars);
              bytes = grow8(bytes, chars.length);
            }
            bytes[length] = 32;
            chars[length++] = 32;
            if (sentenceEnded && i < startsWithin) sentenceStarts.push(count);
          }
          sentenceEnded = false;
          start[count] = length;
          h = FNV_BASIS;
          inWord = true;
        }
        if (length === chars.length) {
          chars = grow16(chars);
          bytes = grow8(bytes, chars.length);
        }
        high |= c;
        bytes[length] = c;
        chars[length++] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (capped) {
        complete = false;
        break;
      }
    }
  }
  if (inWord) {
    end[count] = length;
    hash[count] = h;
    count++;
  }
  scratchChars = chars;
  scratchBytes = bytes;
  scratchStart = start;
  scratchEnd = end;
  scratchHash = hash;
  const ascii = high < 0x80;
  return { count, complete, length, chars, ascii, bytes, start, end, hash, sentenceStarts };
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The bytes beside grown characters: at least `size`, never shorter than they were. */
function grow8(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(Math.max(size, a.length));
  b.set(a);
  return b;
}

function grow16(a: Uint16Array): Uint16Array {
  const b = new Uint16Array(a.length * 2);
  b.set(a);
  return b;
}

/** fnv1a32 of words [from, to) joined by one space (an int32), as fnv1a32(words.join(' ')). */
export function hashWordRun(w: FoldedWords, from: number, to: number): number {
  let h = FNV_BASIS;
  const last = w.end[to - 1]!;
  for (let i = w.start[from]!; i < last; i++) h = Math.imul(h ^ w.chars[i]!, FNV_PRIME);
  return h;
}

const asciiDecoder = new TextDecoder();

/**
 * The folded text (codesToString(w.chars, w.length)). ASCII text, the usual one once accents
 * are folded, is decoded natively from the bytes written beside the characters: the copy
 * codesToString makes cost more than the whole decoding.
 */
export function foldedText(w: FoldedWords): string {
  return w.ascii
    ? asciiDecoder.decode(w.bytes.subarray(0, w.length))
    : codesToString(w.chars, w.length);
}
