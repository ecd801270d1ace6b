/**
 * The plain text of the HTML sanitizeHtml writes, as htmlToText(html, { blocks: '\n' }) reads
 * it back, built while the sanitiser writes it: deduplication needs that text for every item,
 * and reading the sanitised HTML again was a second full HTML parse per item.
 *
 * Reading back is not just concatenating the written text: htmlparser2 rebuilds a tree from the
 * written tags, and an element the sanitiser dropped can change it (`<p>a<font><table>` keeps
 * the paragraph open on the first read; `<p>a<table>` closes it on the second). So the tags
 * written are replayed through the parser's own rules (openImpliesClose, void elements, a
 * stray `</p>` or `</br>`), on a stack of written elements, and htmlToText's separators fall
 * where the second read puts them. test/unit/sanitized-text.test.ts compares both on random
 * HTML; the written text needs no decoding (the sanitiser escapes exactly what it decodes).
 */
import { BLOCKS, finishText } from '../shared/html-to-text.ts';

const P = new Set(['p']);
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const HEADING_CLOSES = new Set([...HEADINGS, 'p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DD_DT = new Set(['dd', 'dt']);
const RT_RP = new Set(['rt', 'rp']);
const TABLE_SECTIONS = new Set(['thead', 'tbody']);

/** htmlparser2 12.0.0's openImpliesClose (pinned exactly in package.json) (dist/Parser.js): an open tag closes these on top. */
const OPEN_IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['a', new Set(['a'])],
  ['li', new Set(['li'])],
  ['p', P],
  ...HEADINGS.map((h): [string, ReadonlySet<string>] => [h, HEADING_CLOSES]),
  ...[...FORM]
    .filter((t) => t !== 'option' && t !== 'optgroup')
    .concat('output')
    .map((t): [string, ReadonlySet<string>] => [t, FORM]),
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ...(
    'address article aside blockquote details div dl fieldset figcaption figure footer form ' +
    'header hr main nav ol pre section table ul'
  )
    .split(' ')
    .map((t): [string, ReadonlySet<string>] => [t, P]),
  ['rt', RT_RP],
  ['rp', RT_RP],
  ['tbody', TABLE_SECTIONS],
  ['tfoot', TABLE_SECTIONS],
]);

/** htmlparser2's void elements: opened and closed at once, never on the stack. */
const VOID = new Set(
  (
    'area base basefont br col command embed frame hr img input isindex keygen link meta param ' +
    'source track wbr'
  ).split(' '),
);

/** Collects the read-back text of written HTML; the sanitiser calls it for what it writes. */
export class SanitizedText {
  /** The text and separators written, joined at the end: one flat string, quicker to collapse. */
  private readonly out: string[] = [];
  /** Written elements still open as the second read would see them (innermost last). */
  private readonly stack: string[] = [];

  /** A start tag written. */
  open(name: string): void {
    const closes = OPEN_IMPLIES_CLOSE.get(name);
    if (closes) {
      while (this.stack.length && closes.has(this.stack[this.stack.length - 1]!)) this.pop();
    }
    if (VOID.has(name)) {
      this.edge(name);
      this.edge(name);
      return;
    }
    this.stack.push(name);
    this.edge(name);
  }

  /** An end tag written. */
  close(name: string): void {
    if (VOID.has(name)) {
      if (name === 'br') {
        this.edge(name);
        this.edge(name);
      }
      return;
    }
    const at = this.stack.lastIndexOf(name);
    if (at !== -1) {
      while (this.stack.length > at) this.pop();
    } else if (name === 'p') {
      // A stray </p> reads as an empty paragraph.
      this.open('p');
      this.pop();
    }
  }

  /** Text written (before escaping). */
  text(text: string): void {
    this.out.push(text);
  }

  /** htmlToText(written HTML, { blocks: '\n' }). */
  result(): string {
    return finishText(this.out.join(''), true);
  }

  private pop(): void {
    this.edge(this.stack.pop()!);
  }

  /** An element's start or end: htmlToText separates blocks there. */
  private edge(name: string): void {
    if (BLOCKS.has(name)) this.out.push('\n');
  }
}
