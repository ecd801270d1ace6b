/**
 * The tree xml2js builds from sax's events, as rss-parser runs it (xml2js's defaults: attributes
 * under `$`, text under `_`, every child in an array, the root element kept; objects without a
 * prototype), built by handlers that every document shares.
 *
 * xml2js makes its sax handlers anew for each parser, as closures over that parser and its stack
 * (one parser per document). V8 compiled them again for every new parser that got hot, and its
 * optimised sax code, which called them inline, was thrown away at each full collection once
 * their document was gone: the reading thread compiled xml2js's handlers ~170 times in a
 * 1,000-source pull (bench:ingest --node-flag --log-code). Here they are module functions that
 * find their document's state on the sax parser calling them.
 *
 * What a document gives is what xml2js gives, including its quirks: the first of the root's
 * end (the tree), sax's first error, or the end of the text with the root still open (null)
 * decides; what follows is read and ignored, up to sax's next error, which stops the read.
 * test/unit/xml-tree.test.ts compares both.
 */
import sax, { type SaxParser, type SaxTag } from 'sax';

/** An element as xml2js gives it: `$` attributes, `_` text, children by name (null prototype). */
export type TreeNode = Record<string, unknown>;

/** How xml2js's parseString calls back: an error, or the tree (null when nothing was read). */
export type TreeCallback = (err: Error | null, tree: TreeNode | null) => void;

/** One document's state, found by the shared handlers on the sax parser that calls them. */
class TreeBuilder {
  /** The open elements, outermost first, and their names (xml2js kept them as `#name`). */
  readonly stack: TreeNode[] = [];
  readonly names: string[] = [];
  /**
   * How many keys each open element has (what Object.keys(node).length would say): counted as
   * they are set here, where closing an element called Object.keys once or twice on an object
   * without a prototype, a dictionary whose keys V8 gathers and sorts (3 % of reading a feed).
   */
  readonly keyCounts: number[] = [];
  /** Set once the document's outcome is known: what comes after is read and ignored. */
  done = false;
  error: Error | null = null;
  tree: TreeNode | null = null;

  constructor(readonly rename: ((name: string) => string) | null) {}

  finish(error: Error | null, tree: TreeNode | null): void {
    this.done = true;
    this.error = error;
    this.tree = tree;
  }
}

/** A sax parser with its document's state and the shared handlers set on it. */
interface TreeSax extends SaxParser {
  tree: TreeBuilder;
  onopentag: typeof onopentag;
  onclosetag: typeof onclosetag;
  ontext: typeof ontext;
  oncdata: typeof oncdata;
  onerror: typeof onerror;
  onend: typeof onend;
}

const hasOwn = Object.prototype.hasOwnProperty;
const WHITE_SPACE = /^\s*$/;

function onopentag(this: TreeSax, tag: SaxTag): void {
  const t = this.tree;
  if (t.done) return;
  const obj: TreeNode = Object.create(null);
  obj._ = '';
  let keys = 1;
  const attributes = tag.attributes;
  for (const key in attributes) {
    if (!hasOwn.call(attributes, key)) continue;
    if (!('$' in obj)) {
      obj.$ = Object.create(null);
      keys++;
    }
    (obj.$ as TreeNode)[t.rename ? t.rename(key) : key] = attributes[key];
  }
  t.stack.push(obj);
  t.keyCounts.push(keys);
  t.names.push(t.rename ? t.rename(tag.name) : tag.name);
}

function onclosetag(this: TreeSax): void {
  const t = this.tree;
  if (t.done) return;
  const node = t.stack.pop()!;
  const name = t.names.pop()!;
  let keys = t.keyCounts.pop()!;
  let obj: unknown = node;
  let cdata: unknown;
  if (node.cdata === true) {
    cdata = node.cdata;
    delete node.cdata;
    keys--;
  }
  const parent = t.stack[t.stack.length - 1];
  let emptyStr: unknown;
  // `_` is the text unless a child element is named "_": xml2js then fails the document with
  // the TypeError its own code throws.
  if (typeof node._ !== 'string') throw new TypeError('obj[charkey].match is not a function');
  if (WHITE_SPACE.test(node._) && !cdata) {
    emptyStr = node._;
    delete node._;
    keys--;
  } else if (keys === 1) {
    // `_` is a string here, so it is the one key.
    obj = node._;
  }
  // An element without keys left is empty (a text, kept as obj, never is).
  if (obj === node && keys === 0) obj = emptyStr;
  if (t.stack.length > 0) {
    if (assignOrPush(parent!, name, obj)) t.keyCounts[t.keyCounts.length - 1]!++;
  } else {
    const root: TreeNode = Object.create(null);
    root[name] = obj;
    t.finish(null, root);
  }
}

function ontext(this: TreeSax, text: string): TreeNode | undefined {
  const t = this.tree;
  if (t.done) return undefined;
  const s = t.stack[t.stack.length - 1];
  if (s) {
    (s._ as string) += text;
    return s;
  }
  return undefined;
}

function oncdata(this: TreeSax, text: string): void {
  const s = ontext.call(this, text);
  if (!s) return;
  // A child element may be named "cdata" already: then no key is added.
  if (!('cdata' in s)) this.tree.keyCounts[this.tree.keyCounts.length - 1]!++;
  s.cdata = true;
}

function onerror(this: TreeSax, error: Error): void {
  const t = this.tree;
  // The outcome known, an error stops the read (parseString catches it), as it did under
  // xml2js (its error event then had no listener left, and threw). Read on, sax made an Error
  // for each later fault: 2.7 s for a 45 KB document cut in 15,000 "</x" (parse-hostile).
  if (t.done) throw error;
  this.resume();
  t.finish(error, null);
}

function onend(this: TreeSax): void {
  const t = this.tree;
  if (!t.done) t.finish(null, null);
}

/**
 * A child under its name: in an array, several with one name in their order. Whether the key
 * is new to `obj`.
 */
function assignOrPush(obj: TreeNode, key: string, value: unknown): boolean {
  if (!(key in obj)) {
    obj[key] = [value];
    return true;
  }
  if (!Array.isArray(obj[key])) obj[key] = [obj[key]];
  (obj[key] as unknown[]).push(value);
  return false;
}

/**
 * What rss-parser calls as its xml2js parser (`xmlParser`): parseString(text, callback), and
 * `saxParser`, the sax parser that reads the next document (parse-xml-feed.ts countPositions
 * turns its position counting off). Strict XML, or sax's tolerant mode with `rename` given each
 * element and attribute name (xml2js's tagNameProcessors and attrNameProcessors).
 */
export class XmlTreeReader {
  saxParser: TreeSax;

  constructor(
    private readonly strict: boolean,
    private readonly rename: ((name: string) => string) | null = null,
  ) {
    this.saxParser = this.newSax();
  }

  private newSax(): TreeSax {
    const parser = sax.parser(this.strict, { trim: false, normalize: false, xmlns: false });
    const s = parser as TreeSax;
    s.tree = new TreeBuilder(this.rename);
    s.onopentag = onopentag;
    s.onclosetag = onclosetag;
    s.ontext = ontext;
    s.oncdata = oncdata;
    s.onerror = onerror;
    s.onend = onend;
    return s;
  }

  /** Reads `text` and calls back before returning; the next document gets a new sax parser. */
  parseString(text: string, callback: TreeCallback): void {
    const parser = this.saxParser;
    this.saxParser = this.newSax();
    // xml2js: blank text ends at once with nothing read; a byte order mark is dropped.
    if (text.trim() === '') return callback(null, null);
    const body = text[0] === '\uFEFF' ? text.substring(1) : text;
    const t = parser.tree;
    try {
      parser.write(body).close();
    } catch (err) {
      if (!t.done) t.finish(err as Error, null);
    }
    if (!t.done) t.finish(null, null);
    callback(t.error, t.tree);
  }
}
