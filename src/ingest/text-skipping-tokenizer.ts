import { Tokenizer } from 'htmlparser2';

/**
 * htmlparser2's Tokenizer, reading runs of plain text in one loop. The stock tokenizer calls
 * its state's method once per character; in text (and in a double-quoted attribute value),
 * with entities decoded, every character but `<` and `&` (and the closing `"`) leaves the
 * state as it is, so skipping straight to the next one changes nothing but the time: the
 * parser sees the same events at the same indexes. Text is most of an item's HTML, and the
 * tokenizer was the largest single cost of sanitising it.
 *
 * This reaches into the tokenizer's private fields (`buffer`, `index`, `offset`,
 * `decodeEntities`) and state methods (`stateText`, `stateInAttributeValueDoubleQuotes`),
 * which htmlparser2 12.0.0 has: the package is pinned exactly in package.json, and
 * test/unit/text-skipping-tokenizer.test.ts fails if they move (and compares every event with
 * the stock tokenizer's on random HTML). The parser takes a tokenizer class as an option
 * (ParserOptions.Tokenizer): BoundedHtmlParser passes this one.
 */
export class TextSkippingTokenizer extends Tokenizer {}

/** The private members used, as htmlparser2 12.0.0 names them. */
interface Internals {
  buffer: string;
  index: number;
  offset: number;
  decodeEntities: boolean;
  stateText(c: number): void;
  stateInAttributeValueDoubleQuotes(c: number): void;
}

const LT = 0x3c;
const AMP = 0x26;
const QUOTE = 0x22;

const stock = Tokenizer.prototype as unknown as Internals;
const stockText = stock.stateText;
const stockDoubleQuoted = stock.stateInAttributeValueDoubleQuotes;

/**
 * The characters that stop a run, for each stop: a sticky pattern goes past the others in one
 * native scan. The loop over charCodeAt it replaces took ~6 ns per character of the bench's
 * paragraphs, the pattern ~2 (5 % of a reading thread went to skipping text, --cpu-prof).
 */
const RUN_BEFORE_LT = /[^<&]*/y;
const RUN_BEFORE_QUOTE = /[^"&]*/y;

/**
 * Moves the tokenizer to the character before the next one `run` stops at (its stop or `&`:
 * the parse loop then steps onto it), or to the buffer's last character when there is none.
 */
function skipTo(t: Internals, run: RegExp): void {
  const { buffer, offset } = t;
  run.lastIndex = t.index - offset + 1;
  run.test(buffer);
  t.index = run.lastIndex - 1 + offset;
}

const skipping = TextSkippingTokenizer.prototype as unknown as Internals;
skipping.stateText = function (this: Internals, c: number): void {
  if (c === LT || c === AMP || !this.decodeEntities) stockText.call(this, c);
  else skipTo(this, RUN_BEFORE_LT);
};
skipping.stateInAttributeValueDoubleQuotes = function (this: Internals, c: number): void {
  if (c === QUOTE || c === AMP || !this.decodeEntities) stockDoubleQuoted.call(this, c);
  else skipTo(this, RUN_BEFORE_QUOTE);
};
