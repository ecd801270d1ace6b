/**
 * A feed's long texts handed to sax as two-character placeholders, put back in the tree xml2js
 * builds (parse-xml-feed.ts readRaw). sax reads a document one character at a time, each read a
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
 * The scan here does not check the document: a malformed one may fool it. What makes the
 * placeholders safe is checked where the document is read (MaskCheck): each text placeholder
 * reached sax as text, each CDATA one as CDATA, and each one came out in the tree once.
 * sax is then in the same state as it would have been at the start of each masked run (what
 * comes before is the same), reads the run as text or CDATA and ends it in the same state, with
 * the same characters as what the tree got back: the document reads as if nothing was masked.
 * Anything else, and the caller reads the document itself.
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
 * sax as text and the check fails (restoreXmlTexts): the document is then read as it is.
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
 * What sax gave xml2js for a masked document, counted on its way (installed on the sax parser
 * xml2js reads with: checkMasks), then what came out in the tree (restoreXmlTexts).
 */
interface MaskCheck {
  /** Placeholders seen in text events (TEXT_MARK) and CDATA events (CDATA_MARK). */
  maskTexts: number;
  maskCdata: number;
  /** A placeholder seen in the other kind of event. */
  maskMisplaced: boolean;
  /** xml2js's own handlers. */
  maskOntext: (text: string) => unknown;
  maskOncdata: (text: string) => unknown;
}

/** A sax parser: the handlers it calls. */
type SaxParser = { ontext?: unknown; oncdata?: unknown };

/**
 * Counts the placeholders in the events of `sax` (xml2js's sax parser, built for one document)
 * before xml2js's handlers take them; false when the parser is not built as expected. Module
 * functions as the handlers, not closures: see rssItem in parse-xml-feed.ts.
 */
export function checkMasks(parser: object): boolean {
  const sax = parser as SaxParser;
  if (typeof sax.ontext !== 'function' || typeof sax.oncdata !== 'function') return false;
  const check = sax as unknown as MaskCheck & SaxParser;
  check.maskTexts = 0;
  check.maskCdata = 0;
  check.maskMisplaced = false;
  check.maskOntext = sax.ontext as MaskCheck['maskOntext'];
  check.maskOncdata = sax.oncdata as MaskCheck['maskOncdata'];
  sax.ontext = countedText;
  sax.oncdata = countedCdata;
  return true;
}

/** sax calls its handlers as its methods: `this` is the parser. */
function countedText(this: MaskCheck, text: string): unknown {
  this.maskTexts += count(text, TEXT_MARK);
  if (text.includes(CDATA_MARK)) this.maskMisplaced = true;
  return this.maskOntext(text);
}

function countedCdata(this: MaskCheck, text: string): unknown {
  this.maskCdata += count(text, CDATA_MARK);
  if (text.includes(TEXT_MARK)) this.maskMisplaced = true;
  return this.maskOncdata(text);
}

function count(text: string, mark: string): number {
  let n = 0;
  for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + 2)) n++;
  return n;
}

/**
 * Puts the masked texts back in xml2js's tree `root` (in place); false when the placeholders
 * did not all reach sax as they were meant to and come out once each (the tree is then not
 * the document's: read the document itself). `sax`: the parser checkMasks counted on.
 */
export function restoreXmlTexts(root: unknown, masked: MaskedXml, sax: object): boolean {
  const check = sax as Partial<MaskCheck>;
  if (
    check.maskMisplaced !== false ||
    check.maskTexts !== masked.texts ||
    check.maskCdata !== masked.cdata
  )
    return false;
  const restored = { count: 0 };
  restoreIn(root, masked.values, restored);
  return restored.count === masked.values.length;
}

/**
 * Restores the texts of a node (an element's object: its text under `_`, its children's lists
 * under their names; or an element's text alone, a string). Attributes (`$`) are left: a
 * placeholder seen in a text or CDATA event is not in one.
 */
function restoreIn(node: unknown, values: string[], restored: { count: number }): unknown {
  if (typeof node === 'string') return restoreString(node, values, restored);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = restoreIn(node[i], values, restored);
    return node;
  }
  if (node && typeof node === 'object') {
    const object = node as Record<string, unknown>;
    for (const key in object)
      if (key !== '$') object[key] = restoreIn(object[key], values, restored);
  }
  return node;
}

function restoreString(text: string, values: string[], restored: { count: number }): string {
  let at = nextMark(text, 0);
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1) {
    const value = values[text.charCodeAt(at + 1) - FIRST_NUMBER];
    // Not a placeholder (the document holds no mark, so this does not happen): fail the check.
    restored.count = value === undefined ? Number.NaN : restored.count + 1;
    out += text.slice(copied, at) + value;
    copied = at + 2;
    at = nextMark(text, copied);
  }
  return out + text.slice(copied);
}

function nextMark(text: string, from: number): number {
  const t = text.indexOf(TEXT_MARK, from);
  const c = text.indexOf(CDATA_MARK, from);
  return t === -1 ? c : c === -1 ? t : Math.min(t, c);
}
