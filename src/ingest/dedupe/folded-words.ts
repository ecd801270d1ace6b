/**
 * One folding pass over a text for fingerprinting: the words foldText and words() give, each
 * with its FNV-1a hash, and the word positions where sentences start (sentenceStarts), without
 * building a string per word. Fingerprinting folded the body three times (words, the title
 * bucket's fallback, the sentence starts) and split it into strings: it was a third of a
 * reader thread's time. Covers the texts foldText folds character by character (Latin
 * scripts and their punctuation); for others it returns null and callers take the general path.
 */
import { CHAR_FOLD, FOLD_CODE, FOLD_SEPARATOR, outsideFoldTable } from './text.ts';

/** Characters sentenceStarts splits on (fingerprint.ts): they are all separators when folded. */
const SENTENCE_END = new Uint8Array(0x20ad);
for (const c of '.!?…:;«»"“”\n') SENTENCE_END[c.charCodeAt(0)] = 1;

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
let scratchStart: Int32Array = new Int32Array(1024);
let scratchEnd: Int32Array = new Int32Array(1024);
let scratchHash: Int32Array = new Int32Array(1024);

/**
 * The first `cap` words of `text` as words(text, cap) cuts them, or null when the text has a
 * character outside foldText's table (its folding then depends on context). The arrays are
 * reused by the next call: read them before folding another text.
 */
export function foldWords(text: string, cap: number, startsWithin: number): FoldedWords | null {
  const w = new WordsBuilder(text.length, cap, startsWithin);
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (outsideFoldTable(code)) return null;
    const fold = FOLD_CODE[code]!;
    if (fold >= 0) {
      if (!w.letter(fold, i)) {
        w.complete = false;
        break;
      }
    } else if (fold === FOLD_SEPARATOR) {
      w.endWord();
      if (SENTENCE_END[code] === 1) w.sentenceEnded = true;
    } else if (!w.several(CHAR_FOLD[code]!, i)) {
      w.complete = false;
      break;
    }
  }
  w.endWord();
  scratchChars = w.chars;
  scratchStart = w.start;
  scratchEnd = w.end;
  scratchHash = w.hash;
  return w;
}

/** The words being read (a class, so the hot loop's state sits in fields, not closures). */
class WordsBuilder implements FoldedWords {
  count = 0;
  chars: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  hash: Int32Array;
  sentenceStarts: number[] = [];
  sentenceEnded = false;
  complete = true;
  length = 0;
  private inWord = false;
  private h = 0;

  constructor(
    textLength: number,
    private readonly cap: number,
    private readonly startsWithin: number,
  ) {
    const chars = Math.min(textLength, cap * 16) + 16;
    this.chars = scratchChars.length >= chars ? scratchChars : new Uint16Array(chars);
    const words = Math.min(cap, (textLength >> 1) + 2);
    const enough = scratchStart.length >= words;
    this.start = enough ? scratchStart : new Int32Array(words);
    this.end = enough ? scratchEnd : new Int32Array(words);
    this.hash = enough ? scratchHash : new Int32Array(words);
  }

  /** Appends a folded letter or digit from source index `at`; false once `cap` words are read. */
  letter(c: number, at: number): boolean {
    if (!this.inWord) {
      if (this.count === this.cap) return false;
      this.beginWord(at);
    } else if (this.length === this.chars.length) this.chars = grow16(this.chars);
    this.chars[this.length++] = c;
    this.h = Math.imul(this.h ^ c, FNV_PRIME);
    return true;
  }

  /** A character folding to several (ligatures, fractions: "½" is "1 2"). */
  several(folded: string, at: number): boolean {
    for (let j = 0; j < folded.length; j++) {
      const c = folded.charCodeAt(j);
      if (c === 32) this.endWord();
      else if (!this.letter(c, at)) return false;
    }
    return true;
  }

  endWord(): void {
    if (!this.inWord) return;
    this.end[this.count] = this.length;
    this.hash[this.count] = this.h;
    this.count++;
    this.inWord = false;
  }

  private beginWord(at: number): void {
    const count = this.count;
    if (count === this.start.length) {
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.hash = grow(this.hash);
    }
    if (this.length + 2 >= this.chars.length) this.chars = grow16(this.chars);
    if (count > 0) {
      this.chars[this.length++] = 32;
      if (this.sentenceEnded && at < this.startsWithin) this.sentenceStarts.push(count);
    }
    this.sentenceEnded = false;
    this.start[count] = this.length;
    this.h = FNV_BASIS;
    this.inWord = true;
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function grow16(a: Uint16Array): Uint16Array<ArrayBuffer> {
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
