import { Parser, type Handler, type ParserOptions } from 'htmlparser2';
import { TextSkippingTokenizer } from './text-skipping-tokenizer.ts';

/**
 * Elements open at once beyond which further start tags are ignored (their text is kept).
 * Real articles nest 10–30 levels; the sanitiser keeps 64 of them in its output.
 */
export const MAX_OPEN_ELEMENTS = 128;

/** The callbacks the parser calls (`this`), counting the elements open. */
interface Counting extends Partial<Handler> {
  depth: number;
  handler: Partial<Handler>;
}

function countOpen(this: Counting, name: string): void {
  this.depth++;
  this.handler.onopentagname?.(name);
}

function countClose(this: Counting, name: string, isImplied: boolean): void {
  this.depth--;
  this.handler.onclosetag?.(name, isImplied);
}

/**
 * htmlparser2's Parser with its stack of open elements bounded. The parser keeps that stack in
 * an array it unshifts on every start tag and searches on every end tag, so a member's item of
 * 400,000 unclosed `<b>` cost 400,000² steps (36 s for 1.2 MB). Here a start tag arriving
 * while MAX_OPEN_ELEMENTS elements are open is dropped before the parser sees it (like the
 * second <form> the parser itself ignores), so each tag costs at most MAX_OPEN_ELEMENTS steps:
 * linear in the input. The tokenizer still reads the tag (a dropped <script> or <style> keeps
 * its raw text as text, which callers escape or discard like any text).
 *
 * The depth is counted from the events the parser emits (every open element is closed once,
 * void ones at once), so no private field of the parser is read. test/unit/bounded-html.test.ts
 * times the hostile shapes and fails should an htmlparser2 update stop calling onopentagname.
 */
export class BoundedHtmlParser extends Parser {
  private readonly open: { depth: number };

  constructor(handler: Partial<Handler>, options?: ParserOptions) {
    // The handler's callbacks with these two wrapped. Copied, then set: a literal spreading the
    // handler before defining them cost ~2 us per parser (one per item read), ten times this.
    // The wrappers are module functions reading the depth and the handler from the object the
    // parser calls them on, not closures made per parser: V8 optimised each parser's closures
    // anew, over and over in a pull (bench:ingest --node-flag --log-code).
    const counting = Object.assign({}, handler) as Counting;
    counting.depth = 0;
    counting.handler = handler;
    counting.onopentagname = countOpen;
    counting.onclosetag = countClose;
    // Runs of text read in one loop (text-skipping-tokenizer.ts): the same events, sooner.
    super(counting, { Tokenizer: TextSkippingTokenizer, ...options });
    this.open = counting;
  }

  /** The tokenizer's call for each start tag's name: past the bound, the tag is not opened. */
  override onopentagname(start: number, endIndex: number): void {
    if (this.open.depth >= MAX_OPEN_ELEMENTS) return;
    super.onopentagname(start, endIndex);
  }
}
