/**
 * A feed's long texts handed to sax as two-character placeholders, put back in what sax gives
 * the tree builder (xml-tree.ts: xml2js's tree) to build its tree (parse-xml-feed.ts readRaw).
 * sax reads a document one character at a time, each read a
 * function call, and an escaped character ("&lt;") several, with a string built per entity:
 * most of a feed's characters are its texts (content in CDATA, or HTML escaped as Atom writes
 * it), so sax and xml2js spent about 40 % less on a bench:ingest feed with them masked. They
 * still read every element, attribute, comment and declaration: only runs of character data
 * are shortened, and a text is put back as sax would have given it.
 *
 * Masked: the content of a CDATA section (sax gives it as it is, whatever it holds but "]]>"),
 * and a run of text between two pieces of markup when every "&" in it starts one of the five
 * entities XML predefines (sax gives the text with them decoded). Runs of white space are left
 * (xml2js drops a text of white space alone), and so are short runs (not worth a placeholder).
 *
 * The texts go back in sax's text and CDATA events, before the tree builder takes them
 * (unmaskTexts).
 * The scan here does not check the document: a malformed one may fool it. What makes the
 * placeholders safe is checked as the document is read (allUnmasked): each text placeholder
 * reached sax as text, each CDATA one as CDATA, once each. sax is then in the same state as it
 * would have been at the start of each masked run (what comes before is the same), reads the
 * run as text or CDATA and ends it in the same state, the event giving the same characters as
 * the run would have: the events, so the tree, are the document's. Anything else, and the
 * caller reads the document itself.
 */

/** Starts a text placeholder; a CDATA one. Noncharacters: a feed practically never has them. */
const TEXT_MARK = '\uFDD0';
const CDATA_MARK = '\uFDD1';
/** A placeholder's second character is its number from here (the Private Use Area). */
const FIRST_NUMBER = 0xe000;
const MAX_MASKS = 0xf8ff - FIRST_NUMBER + 1;
/** Shorter runs are left to sax. */
const MIN_MASKED = 64;

/** A document with its long texts masked, and what they stand for. */
export interface MaskedXml {
  /** The document sax reads. */
  text: string;
  /** Each placeholder's text, as sax would have given it, by number. */
  values: string[];
  /** How many placeholders are text (TEXT_MARK) and CDATA (CDATA_MARK). */
  texts: number;
  cdata: number;
}

const NOT_SPACE = /\S/;

/**
 * `xml` with its long texts masked, or null when none is (or the document holds a mark
 * already). A scan from markup to markup that trusts the document: a "<" opens markup, a tag
 * ends at the next ">", a comment at "-->", a processing instruction at "?>", a CDATA section
 * at "]]>". Where that is wrong (a ">" in an attribute's value), what it masks does not reach
 * sax as text and the check fails (allUnmasked): the document is then read as it is.
 */
export function maskXmlTexts(xml: string): MaskedXml | null {
  if (xml.includes(TEXT_MARK) || xml.includes(CDATA_MARK)) return null;
  const pieces: string[] = [];
  const values: string[] = [];
  let texts = 0;
  let cdata = 0;
  /** Where the document is copied from next. */
  let copied = 0;
  let at = 0;
  while (values.length < MAX_MASKS) {
    const open = xml.indexOf('<', at);
    const end = open === -1 ? xml.length : open;
    if (end - at >= MIN_MASKED) {
      const value = textValue(xml, at, end);
      if (value !== null) {
        pieces.push(
          xml.slice(copied, at),
          TEXT_MARK + String.fromCharCode(FIRST_NUMBER + values.length),
        );
        values.push(value);
        copied = end;
        texts++;
      }
    }
    if (open === -1) break;
    if (xml.startsWith('<![CDATA[', open)) {
      const from = open + 9;
      const close = xml.indexOf(']]>', from);
      if (close === -1) break;
      if (close - from >= MIN_MASKED) {
        pieces.push(
          xml.slice(copied, from),
          CDATA_MARK + String.fromCharCode(FIRST_NUMBER + values.length),
        );
        values.push(xml.slice(from, close));
        copied = close;
        cdata++;
      }
      at = close + 3;
    } else {
      // A comment, a processing instruction, a tag or another declaration.
      const closer = xml.startsWith('<!--', open) ? '-->' : xml.startsWith('<?', open) ? '?>' : '>';
      const close = xml.indexOf(closer, open + 2);
      if (close === -1) break;
      at = close + closer.length;
    }
  }
  if (!values.length) return null;
  pieces.push(xml.slice(copied));
  return { text: pieces.join(''), values, texts, cdata };
}

/**
 * The text sax gives for the run [from, to) of `xml` (no "<" in it), or null when it is not to
 * be masked: white space alone, or a "&" that does not start one of the five entities XML
 * predefines (sax decodes more, but those are what feeds write).
 */
function textValue(xml: string, from: number, to: number): string | null {
  const run = xml.slice(from, to);
  const first = run.charCodeAt(0);
  // An ASCII character that is not white space (the usual start of a text): no regex to run.
  if (!(first > 0x20 && first < 0x7f) && !NOT_SPACE.test(run)) return null;
  let amp = run.indexOf('&');
  if (amp === -1) return run;
  // Decoded in one pass from "&" to "&" (a regular expression's replace, with a function or
  // five times, took four times as long on bench:ingest's Atom feeds).
  let text = '';
  let copied = 0;
  while (amp !== -1) {
    const entity = predefinedAt(run, amp);
    if (entity === -1) return null;
    text += run.slice(copied, amp) + PREDEFINED[entity]![1];
    copied = amp + PREDEFINED[entity]![0].length;
    amp = run.indexOf('&', copied);
  }
  return text + run.slice(copied);
}

/** Which of PREDEFINED starts at `at` of `text`, or -1. */
function predefinedAt(text: string, at: number): number {
  for (let i = 0; i < PREDEFINED.length; i++) if (text.startsWith(PREDEFINED[i]![0], at)) return i;
  return -1;
}

/** The entities XML predefines, as sax decodes them: the first two most frequent in feeds. */
const PREDEFINED: ReadonlyArray<readonly [string, string]> = [
  ['&lt;', '<'],
  ['&gt;', '>'],
  ['&amp;', '&'],
  ['&quot;', '"'],
  ['&apos;', "'"],
];

/**
 * A masked document's sax parser, as unmaskTexts sets it up: its handlers are the module's
 * (unmaskedText, unmaskedCdata), the tree builder's kept here.
 */
interface Unmasking {
  maskValues: string[];
  /** Placeholders put back from text events (TEXT_MARK) and from CDATA events (CDATA_MARK). */
  maskTexts: number;
  maskCdata: number;
  /** The tree builder's own handlers (xml-tree.ts). */
  maskOntext: (text: string) => unknown;
  maskOncdata: (text: string) => unknown;
}

/** A sax parser: the handlers it calls. */
type SaxParser = { ontext?: unknown; oncdata?: unknown };

/**
 * Puts the masked texts back in the events of `parser` (the tree builder's sax parser, set for
 * one document) before the builder's handlers take them, counting them; false when the parser
 * is not set up as expected. The builder then makes the document's own tree: it only appends
 * what a text or CDATA event gives to the text of the element open (and marks CDATA), so an
 * event given as sax would have given it reading the document makes the same tree. Module
 * functions as the handlers, not closures: see rssItem in parse-xml-feed.ts.
 */
export function unmaskTexts(parser: object, masked: MaskedXml): boolean {
  const sax = parser as SaxParser;
  if (typeof sax.ontext !== 'function' || typeof sax.oncdata !== 'function') return false;
  const unmasking = parser as Unmasking;
  unmasking.maskValues = masked.values;
  unmasking.maskTexts = 0;
  unmasking.maskCdata = 0;
  unmasking.maskOntext = sax.ontext as Unmasking['maskOntext'];
  unmasking.maskOncdata = sax.oncdata as Unmasking['maskOncdata'];
  sax.ontext = unmaskedText;
  sax.oncdata = unmaskedCdata;
  return true;
}

/**
 * Whether each placeholder came back, from the kind of event it was meant for (the tree built
 * is then the document's): each is in the document once, and one in another kind of event (or
 * none) is left as it is, uncounted. `parser`: the one unmaskTexts set up.
 */
export function allUnmasked(parser: object, masked: MaskedXml): boolean {
  const unmasking = parser as Partial<Unmasking>;
  return unmasking.maskTexts === masked.texts && unmasking.maskCdata === masked.cdata;
}

/** sax calls its handlers as its methods: `this` is the parser. */
function unmaskedText(this: Unmasking, text: string): unknown {
  return this.maskOntext(unmask(this, text, TEXT_MARK));
}

function unmaskedCdata(this: Unmasking, text: string): unknown {
  return this.maskOncdata(unmask(this, text, CDATA_MARK));
}

/** `text` with its `mark` placeholders replaced by their values, counted. */
function unmask(unmasking: Unmasking, text: string, mark: string): string {
  let at = text.indexOf(mark);
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1) {
    const value = unmasking.maskValues[text.charCodeAt(at + 1) - FIRST_NUMBER];
    // Always one (the document held no mark before): else left, and the count falls short.
    if (value !== undefined) {
      out += text.slice(copied, at) + value;
      copied = at + 2;
      if (mark === TEXT_MARK) unmasking.maskTexts++;
      else unmasking.maskCdata++;
    }
    at = text.indexOf(mark, at + 1);
  }
  return out + text.slice(copied);
}
