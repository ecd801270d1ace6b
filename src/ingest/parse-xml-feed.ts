import Parser from 'rss-parser';
import { IngestError, type Enclosure, type ParsedFeed, type ParsedItem } from './types.ts';
import {
  LIMITS,
  cleanCategories,
  cleanEnclosure,
  cleanText,
  parseDate,
  plainText,
  plainTextAlong,
  plainTextOfText,
  titleText,
  resolveBase,
  resolveUrl,
  textToHtml,
  uniqueEnclosures,
} from './feed-fields.ts';
import { sanitizeHtmlWithText } from './sanitize.ts';
import { repairXml } from './xml-repair.ts';
import { xmlNestsDeeperThan } from './xml-tag-scan.ts';
import { allUnmasked, maskXmlTexts, unmaskTexts, type MaskedXml } from './xml-text-masks.ts';
import sax from 'sax';
import { XmlTreeReader } from './xml-tree.ts';

/** An xml2js node: attributes under `$`, text under `_`, children as arrays. */
type Node = { $?: Record<string, string>; _?: string } & { [child: string]: unknown };
type Raw = { format: ParsedFeed['format']; channel: Node; items: Node[] };

/**
 * rss-parser recognises the format (RSS 0.9x/1.0/2.0, Atom) from the tree xml2js would build
 * (sax, strict, no DTD processing), which xml-tree.ts builds with handlers every document shares;
 * its builders are replaced so that we read the raw elements ourselves: it keeps only one
 * enclosure, ignores xml:base and throws on an invalid Atom date. One parser per mode serves
 * every document (strictParser, tolerantParser): a document is read whole within parseString,
 * which nothing else interrupts.
 */
class RawFeedParser extends Parser<Raw, Node> {
  constructor(strict: boolean, rename: ((name: string) => string) | null) {
    super({ defaultRSS: 2 });
    // rss-parser's xml2js parser, replaced (rss-parser calls xmlParser.parseString alone).
    (this as unknown as { xmlParser: XmlTreeReader }).xmlParser = new XmlTreeReader(strict, rename);
  }
  buildAtomFeed(xml: { feed: Node }): Raw {
    return { format: 'atom', channel: xml.feed, items: nodes(xml.feed.entry) };
  }
  buildRSS2(xml: { rss: Node }): Raw {
    const channel = nodes(xml.rss.channel)[0] ?? {};
    return { format: 'rss', channel, items: nodes(channel.item) };
  }
  buildRSS0_9(xml: { rss: Node }): Raw {
    return this.buildRSS2(xml);
  }
  buildRSS1(xml: { 'rdf:RDF': Node }): Raw {
    const rdf = xml['rdf:RDF'];
    return { format: 'rdf', channel: nodes(rdf.channel)[0] ?? {}, items: nodes(rdf.item) };
  }
}

/** The sax parser (saxParser) of rss-parser's XML reader (xmlParser): see countPositions. */
function saxOf(parser: Parser<Raw, Node>): { trackPosition?: unknown } | undefined {
  return (parser as unknown as { xmlParser?: { saxParser?: { trackPosition?: unknown } } })
    .xmlParser?.saxParser;
}

/**
 * Turns sax's position counting on or off for the document `parser` reads next; false when the
 * parser is not built as expected. sax counts the line and column of every character, a tenth of
 * reading a feed, for error messages only; nothing else it reports depends on them in strict
 * mode (in the tolerant mode, the text kept from an unencoded "<" does). This reaches into
 * rss-parser (its XML reader, `xmlParser`, here an XmlTreeReader) and the reader's sax parser for
 * the next document (`saxParser`): rss-parser and sax are pinned exactly in package.json, and
 * test/unit/parse-positions.test.ts fails if the fields move.
 */
export function countPositions(parser: Parser<Raw, Node>, on: boolean): boolean {
  const sax = saxOf(parser);
  if (typeof sax?.trackPosition !== 'boolean') return false;
  sax.trackPosition = on;
  return true;
}

/**
 * Deeper than this is not a feed but an attack on the parser (feeds nest 5–10 levels, XHTML
 * content a few more).
 */
const MAX_DEPTH = 256;

/** The entity names strict sax decodes: a "&" starting any other name is a bare "&". */
const ENTITY_NAMES: ReadonlySet<string> = new Set(Object.keys(sax.ENTITIES));

/**
 * Names sax upper-cases in its tolerant mode, given back the case the readers below expect
 * (every other name the hub reads is lower case).
 */
const MIXED_CASE = new Map(
  ['isPermaLink', 'fileSize', 'pubDate', 'managingEditor', 'webMaster', 'rdf:RDF'].map((n) => [
    n.toLowerCase(),
    n,
  ]),
);
const restoreCase = (name: string) => MIXED_CASE.get(name.toLowerCase()) ?? name.toLowerCase();

/**
 * Reads an RSS or Atom document (already checked not to declare entities) into a ParsedFeed.
 * Strict XML first; a document strict XML refuses, or whose HTML was written unescaped, gets
 * the recovering second pass (xml-repair.ts, then sax's tolerant mode if still needed), as
 * feedparser would: every item is kept and the feed carries a warning saying what was wrong.
 */
export async function parseXmlFeed(text: string, baseUrl: string): Promise<ParsedFeed> {
  let strictError: IngestError | null = null;
  let strictRaw: Raw | null = null;
  try {
    rejectDeepNesting(text);
    strictRaw = await readRaw(text, true);
    if (!hasRawHtml(strictRaw)) return buildFeed(strictRaw, baseUrl, text, null);
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    strictError = err;
  }
  const repaired = repairXml(text, ENTITY_NAMES);
  const fixes = [...repaired.fixes];
  let raw: Raw;
  try {
    if (!fixes.length && strictError?.kind === 'not_a_feed') throw strictError;
    rejectDeepNesting(repaired.text);
    try {
      // Unchanged text fails strict XML the same way again: straight to the tolerant mode.
      if (!fixes.length) throw strictError;
      raw = await readRaw(repaired.text, true);
    } catch {
      raw = await readRaw(repaired.text, false);
      fixes.push('balises mal fermées ou mal imbriquées lues en mode tolérant');
    }
  } catch (err) {
    // Beyond repair: the strict reader's message says where the document breaks.
    if (strictRaw) return buildFeed(strictRaw, baseUrl, text, null);
    throw strictError ?? err;
  }
  const cause = strictError?.kind === 'parse_error' ? ` (${strictError.message})` : '';
  const feed = buildFeed(
    raw,
    baseUrl,
    repaired.text,
    `Flux mal formé lu en mode tolérant${cause} : ${fixes.join(' ; ')}.`,
  );
  // Nothing readable came out (a document cut in its head): the strict reader's error stands.
  if (!feed.items.length && !feed.title && strictError) throw strictError;
  return feed;
}

/**
 * rss-parser over the text: strict XML, or sax's tolerant mode (names case-folded back).
 * Strict XML is read first with its long texts masked (readMasked), then as it is, without sax
 * counting lines and columns (countPositions): a document it refuses is read again with them,
 * for an error message that says where it breaks.
 */
async function readRaw(text: string, strict: boolean): Promise<Raw> {
  if (strict) {
    const masked = maskXmlTexts(text);
    const read = masked ? await readMasked(masked) : null;
    if (read && read !== REFUSED) return read;
    // Refused masked: read again with positions counted, as a refused document is (one the
    // mask's scan misread, its check cannot tell, is read as it is there too).
    if (read !== REFUSED && countPositions(strictParser, false)) {
      try {
        return (await strictParser.parseString(text)) as unknown as Raw;
      } catch {
        // Read again below, positions counted (the next document's sax parser counts them).
      }
    }
  }
  const parser = strict ? strictParser : tolerantParser;
  try {
    return (await parser.parseString(text)) as unknown as Raw;
  } catch (err) {
    const message = String((err as Error)?.message ?? err).split('\n')[0]!;
    if (/not recognized/i.test(message))
      throw new IngestError('not_a_feed', 'Ce document XML n’est pas un flux RSS ni Atom.');
    // sax reports "Message\nLine: N\nColumn: M\nChar: c": keep the position, it is what a coordinator needs.
    const at = String((err as Error)?.message ?? '').match(/Line: (\d+)\s+Column: (\d+)/);
    throw new IngestError(
      'parse_error',
      `XML invalide : ${message}${at ? ` (ligne ${Number(at[1]) + 1}, colonne ${at[2]})` : ''}`,
    );
  }
}

/** readMasked's answer when sax refused the masked document. */
const REFUSED = 'refused';

/**
 * Strict XML read with its long texts masked (xml-text-masks.ts), sax not counting positions:
 * the document's tree (its texts put back as sax gives them to xml2js); REFUSED when sax
 * refused it; null when the masks could not be used or checked (the document is then read as
 * it is).
 */
async function readMasked(masked: MaskedXml): Promise<Raw | typeof REFUSED | null> {
  const parser = strictParser;
  const sax = saxOf(parser);
  if (!sax || !countPositions(parser, false) || !unmaskTexts(sax, masked)) return null;
  let raw: Raw;
  try {
    raw = (await parser.parseString(masked.text)) as unknown as Raw;
  } catch {
    return REFUSED;
  }
  return allUnmasked(sax, masked) ? raw : null;
}

const strictParser = new RawFeedParser(true, null);
const tolerantParser = new RawFeedParser(false, restoreCase);

function buildFeed(raw: Raw, baseUrl: string, text: string, warning: string | null): ParsedFeed {
  const feed = raw.format === 'atom' ? atomFeed(raw, baseUrl, text) : rssFeed(raw, baseUrl);
  return warning ? { ...feed, warning } : feed;
}

/** Elements whose content is text or escaped HTML, never child elements (unless XHTML). */
const TEXT_ELEMENTS = [
  'title',
  'description',
  'content:encoded',
  'summary',
  'content',
  'subtitle',
  'itunes:summary',
];

/** Whether an element meant to hold escaped HTML holds elements instead: its text was lost. */
function hasRawHtml(raw: Raw): boolean {
  if (holdsElements(raw.channel)) return true;
  for (const item of raw.items) if (holdsElements(item)) return true;
  return false;
}

/** Whether one of the node's TEXT_ELEMENTS (not XHTML) has a child element: loops, no copies. */
function holdsElements(node: Node): boolean {
  for (const name of TEXT_ELEMENTS) {
    const list = node[name];
    if (!Array.isArray(list)) continue;
    for (const n of list) {
      // A string is text alone (nodes() reads it as { _: text }).
      if (!n || typeof n !== 'object' || attr(n as Node, 'type') === 'xhtml') continue;
      for (const key of Object.keys(n)) if (key !== '$' && key !== '_') return true;
    }
  }
  return false;
}

/**
 * Longest markup declaration (`<!…>` other than a comment, CDATA or a DOCTYPE) read: sax
 * re-reads such a declaration in full at each of its characters (quadratic), so a 100 KB
 * `<!DOCTTTT…` held a reader for minutes (found by npm run fuzz).
 */
const MAX_DECLARATION = 4096;

/** Refuses an overlong `<!…` declaration, in one linear scan. */
function rejectOverlongDeclarations(body: string): void {
  for (let at = body.indexOf('<!'); at !== -1; ) {
    const closer = body.startsWith('<!--', at)
      ? '-->'
      : body.startsWith('<![CDATA[', at)
        ? ']]>'
        : /^<!DOCTYPE/i.test(body.slice(at, at + 9))
          ? null
          : '>';
    const end = closer ? body.indexOf(closer, at + 2) : body.indexOf('>', at + 2);
    if (closer === '>' && (end === -1 ? body.length : end) - at > MAX_DECLARATION)
      throw new IngestError(
        'parse_error',
        `Déclaration <!…> de plus de ${MAX_DECLARATION} caractères : document refusé.`,
      );
    if (end === -1) return;
    at = body.indexOf('<!', end + 1);
  }
}

/** Counts element depth with one linear scan (no parser, no recursion, no backtracking). */
function rejectDeepNesting(body: string): void {
  rejectOverlongDeclarations(body);
  if (xmlNestsDeeperThan(body, MAX_DEPTH)) {
    throw new IngestError(
      'parse_error',
      `Le XML est imbriqué sur plus de ${MAX_DEPTH} niveaux : refusé.`,
    );
  }
}

/**
 * The first of these elements the item has with some text: RSS's own element, then Dublin
 * Core, iTunes, Atom, Media RSS.
 */
function firstText(item: Node, ...names: string[]): string | null {
  for (const name of names) {
    const value = text(child(item, name));
    if (value?.trim()) return value;
  }
  return null;
}

/**
 * An RSS item. A module function, not the callback made by each rssFeed call: V8 keeps a
 * function's optimised code only while a closure that runs it lives, so a callback made anew
 * for each document lost its code at each full collection of the reading thread and was
 * compiled again (see pushTo in dedupe/matcher.ts).
 */
function rssItem(item: Node, linkBase: string | null, channelAuthor: string | null): ParsedItem {
  const itemBase = resolveBase(attr(item, 'xml:base'), linkBase);
  const guidNode = child(item, 'guid');
  const guid = text(guidNode)?.trim() || attr(item, 'rdf:about')?.trim() || null;
  const permalink = guidNode && attr(guidNode, 'isPermaLink') !== 'false' ? guid : null;
  const url =
    resolveUrl(text(child(item, 'link')), itemBase) ??
    atomLink(item, itemBase) ??
    resolveUrl(permalink, itemBase);
  const description = firstText(item, 'description', 'dc:description', 'atom:summary');
  const podcastText =
    firstText(item, 'itunes:summary', 'itunes:subtitle') ?? mediaDescription(item);
  const encoded = firstText(item, 'content:encoded', 'atom:content');
  const contentBase = url ?? itemBase;
  const html = encoded ?? description ?? (podcastText ? textToHtml(podcastText) : null);
  const summaryHtml = description ?? encoded;
  // The summary's HTML is the content's (a description alone): one parse reads both.
  const along = summaryHtml === html ? plainTextAlong(html, LIMITS.summary) : null;
  const content = html
    ? sanitizeHtmlWithText(html.slice(0, LIMITS.content), contentBase, along?.collector)
    : null;
  return {
    guid: guid ? guid.slice(0, LIMITS.guid) : null,
    url,
    title: titleText(
      firstText(item, 'title', 'dc:title', 'itunes:title', 'atom:title', 'media:title'),
      LIMITS.title,
    ),
    published: parseDate(firstText(item, 'pubDate', 'dc:date', 'atom:published', 'dcterms:issued')),
    updated: parseDate(firstText(item, 'atom:updated', 'dcterms:modified')),
    // Never the channel's managingEditor or webMaster address: nobody gave it as the author.
    author: rssItemAuthor(item) ?? channelAuthor,
    summary:
      (along ? along.text() : plainText(summaryHtml, LIMITS.summary)) ??
      cleanText(podcastText, LIMITS.summary),
    contentHtml: content?.html || null,
    ...(content?.html ? { contentText: content.text } : {}),
    categories: cleanCategories([...nodes(item.category), ...nodes(item['dc:subject'])].map(text)),
    enclosures: rssEnclosures(item, contentBase),
  };
}

function rssFeed(raw: Raw, baseUrl: string): ParsedFeed {
  const { channel } = raw;
  const feedBase = resolveBase(attr(channel, 'xml:base'), baseUrl);
  const link = resolveUrl(text(child(channel, 'link')), feedBase) ?? atomLink(channel, feedBase);
  const linkBase = link ?? feedBase;
  const channelAuthor = rssChannelAuthor(channel);
  // A loop, not a callback made per document: see atomEntry.
  const items: ParsedItem[] = [];
  for (const item of raw.items.slice(0, LIMITS.items))
    items.push(rssItem(item, linkBase, channelAuthor));
  return {
    kind: 'feed',
    format: raw.format,
    title: titleText(
      text(child(channel, 'title')) ?? text(child(channel, 'dc:title')),
      LIMITS.title,
    ),
    link,
    items,
  };
}

/** Whether an item has any of MEDIA_ELEMENTS. */
function hasMedia(item: Node): boolean {
  // A loop, not a callback made per item: see atomEntry.
  for (const name of MEDIA_ELEMENTS) if (Array.isArray(item[name])) return true;
  return false;
}

/**
 * An item's media, playable first: RSS enclosures, Media RSS content (alone or in
 * <media:group>, as PeerTube gives its videos beside a .torrent enclosure), then its images
 * (itunes:image, media:thumbnail). The hub's RSS output keeps one enclosure: the first, so a
 * video or an episode rather than its torrent or its cover.
 */
function rssEnclosures(item: Node, base: string | null): Enclosure[] {
  // Most items have none of these: no lists to build.
  if (!hasMedia(item)) return [];
  const media = [item, ...nodes(item['media:group'])].flatMap((n) =>
    nodes(n['media:content']).map((e) =>
      cleanEnclosure(attr(e, 'url'), attr(e, 'type') ?? mediaType(e), attr(e, 'fileSize'), base),
    ),
  );
  const all = [
    ...nodes(item.enclosure).map((e) =>
      cleanEnclosure(attr(e, 'url'), attr(e, 'type'), attr(e, 'length'), base),
    ),
    ...media,
  ];
  const playable = (e: Enclosure | null) => !!e?.type && /^(video|audio)\//.test(e.type);
  const images = [
    ...nodes(item['itunes:image']).map((e) => attr(e, 'href')),
    ...[item, ...nodes(item['media:group'])].flatMap((n) =>
      nodes(n['media:thumbnail']).map((e) => attr(e, 'url')),
    ),
  ].map((url) => cleanEnclosure(url, imageType(url), null, base));
  return uniqueEnclosures([...all.filter(playable), ...all.filter((e) => !playable(e)), ...images]);
}

/** The elements rssEnclosures reads its media from. */
const MEDIA_ELEMENTS = [
  'enclosure',
  'media:group',
  'media:content',
  'itunes:image',
  'media:thumbnail',
];

/** Media RSS's medium="video" without a type: the container from the file's extension. */
function mediaType(node: Node): string | null {
  const ext = attr(node, 'url')?.match(/\.(mp4|webm|ogv|mp3|ogg|m4a|opus)(?:[?#]|$)/i)?.[1];
  if (!ext) return null;
  const medium = attr(node, 'medium');
  const kind = medium === 'audio' || /^(mp3|m4a|opus)$/i.test(ext) ? 'audio' : 'video';
  const subtype = { mp3: 'mpeg', m4a: 'mp4', ogv: 'ogg' }[ext.toLowerCase()] ?? ext.toLowerCase();
  return `${kind}/${subtype}`;
}

function imageType(url: string | null): string | null {
  const ext = url?.match(/\.(jpe?g|png|gif|webp)(?:[?#]|$)/i)?.[1]?.toLowerCase();
  return ext ? `image/${ext === 'jpg' ? 'jpeg' : ext}` : null;
}

/** <media:description> of the item or of its <media:group> (PeerTube, YouTube). */
function mediaDescription(node: Node): string | null {
  for (const n of [node, ...nodes(node['media:group'])]) {
    const value = text(child(n, 'media:description'));
    if (value?.trim()) return value;
  }
  return null;
}

/** The item's rel="alternate" <atom:link> (feeds that mix Atom elements into RSS). */
function atomLink(node: Node, base: string | null): string | null {
  const links = nodes(node['atom:link']).filter(
    (l) => (attr(l, 'rel') ?? 'alternate') === 'alternate',
  );
  return links.length ? resolveUrl(attr(links[0]!, 'href'), base) : null;
}

/**
 * The item's author, as a name: dc:creator, then <author> ("jean@example.org (Jean Dupont)"
 * → "Jean Dupont"), then itunes:author, then an Atom author's name.
 */
function rssItemAuthor(item: Node): string | null {
  // Loops, not map and filter: see nodes.
  const creators: string[] = [];
  for (const n of nodes(item['dc:creator'])) {
    const c = text(n);
    if (c?.trim()) creators.push(personName(c, true) ?? c);
  }
  if (creators.length) return cleanText(creators.join(', '), LIMITS.author);
  const author = text(child(item, 'author'));
  const named = author ? personName(author, true) : null;
  if (named) return cleanText(named, LIMITS.author);
  return (
    cleanText(text(child(item, 'itunes:author')), LIMITS.author) ??
    cleanText(text(child(child(item, 'atom:author') ?? {}, 'atom:name')), LIMITS.author)
  );
}

/**
 * The channel's author for items that name none: a name only (dc:creator, itunes:author, the
 * name in "redaction@example.org (La rédaction)"), never a managingEditor or webMaster address.
 */
function rssChannelAuthor(channel: Node): string | null {
  for (const value of [
    text(child(channel, 'dc:creator')),
    text(child(channel, 'itunes:author')),
    text(child(child(channel, 'atom:author') ?? {}, 'atom:name')),
    text(child(channel, 'managingEditor')),
  ]) {
    const name = value ? personName(value, false) : null;
    if (name) return cleanText(name, LIMITS.author);
  }
  return null;
}

/**
 * A person's name from an RFC 822-ish mailbox: "addr (Name)" and "Name <addr>" give Name; a
 * bare address gives itself only when `addressAllowed` (an item's own author), else null.
 */
export function personName(value: string, addressAllowed: boolean): string | null {
  const v = value.trim();
  const paren = v.match(/^\S+@\S+\s*\(([^)]*)\)$/);
  if (paren) return paren[1]!.trim() || (addressAllowed ? v.replace(/\s*\(.*$/, '') : null);
  const angle = v.match(/^(.*?)\s*<(?:mailto:)?[^<>\s@]+@[^<>\s]+>$/);
  if (angle) return angle[1]!.replace(/^["']|["']$/g, '').trim() || null;
  if (/^(?:mailto:)?[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v))
    return addressAllowed ? v.replace(/^mailto:/, '') : null;
  return v || null;
}

/**
 * An Atom entry (the index-th). A module function, not a callback: see rssItem. What it calls
 * per entry are module functions too (entryContentBase), not closures made per entry: V8 keeps
 * optimised code only while a closure that runs it lives (bench:ingest --node-flag --log-code:
 * `contentBase` and `markup` compiled 11-12 times each in a 1,000-source pull).
 */
function atomEntry(
  entry: Node,
  index: number,
  feedBase: string | null,
  xhtml: (index: number, name: string) => string | null,
  feedAuthor: string | null,
): ParsedItem {
  const entryBase = resolveBase(attr(entry, 'xml:base'), feedBase);
  const url = alternateLink(entry, entryBase);
  const contentNode = child(entry, 'content');
  const summaryNode = child(entry, 'summary');
  const hasOwnBase = attr(entry, 'xml:base') !== null;
  const content =
    contentNode && !attr(contentNode, 'src')
      ? atomHtml(contentNode, xhtml(index, 'content'))
      : null;
  // YouTube and PeerTube put an entry's text in <media:group><media:description>.
  const mediaText = mediaDescription(entry);
  // The summary as plain text when it is written so (read without writing it as HTML first).
  const summaryText = summaryNode ? atomText(summaryNode) : mediaText;
  const summary = summaryNode
    ? atomHtml(summaryNode, xhtml(index, 'summary'))
    : mediaText
      ? textToHtml(mediaText)
      : null;
  const htmlNode = content ? contentNode : summaryNode;
  const html = content ?? summary;
  const summaryHtml = summary ?? content;
  // The summary's HTML is the content's (one of them alone): one parse reads both.
  const along = summaryHtml === html ? plainTextAlong(html, LIMITS.summary) : null;
  const sanitized = html
    ? sanitizeHtmlWithText(
        html.slice(0, LIMITS.content),
        entryContentBase(htmlNode, entryBase, hasOwnBase, url),
        along?.collector,
      )
    : null;
  const published = parseDate(text(child(entry, 'published')) ?? text(child(entry, 'issued')));
  const updated = parseDate(text(child(entry, 'updated')) ?? text(child(entry, 'modified')));
  return {
    guid: text(child(entry, 'id'))?.trim().slice(0, LIMITS.guid) || null,
    url,
    title: atomTitle(child(entry, 'title'), xhtml(index, 'title')),
    // Atom requires <updated> and makes <published> optional: updated is then the best estimate.
    published: published ?? updated,
    updated,
    author: atomAuthor(entry) ?? feedAuthor,
    summary:
      summaryText !== null && summary !== null
        ? plainTextOfText(summaryText, summary, LIMITS.summary)
        : along
          ? along.text()
          : plainText(summaryHtml, LIMITS.summary),
    contentHtml: sanitized?.html || null,
    ...(sanitized?.html ? { contentText: sanitized.text } : {}),
    categories: cleanCategories(
      nodes(entry.category).map((c) => attr(c, 'term') ?? attr(c, 'label') ?? text(c)),
    ),
    enclosures: uniqueEnclosures([
      ...nodes(entry.link)
        .filter((l) => attr(l, 'rel') === 'enclosure')
        .map((l) => cleanEnclosure(attr(l, 'href'), attr(l, 'type'), attr(l, 'length'), entryBase)),
      ...rssEnclosures(entry, entryBase),
    ]),
  };
}

/**
 * The base of an entry's content: its element's own xml:base, else the entry's when it has one,
 * else the entry's link (what readers resolve relative links against), else the feed's base.
 */
function entryContentBase(
  node: Node | null,
  entryBase: string | null,
  hasOwnBase: boolean,
  url: string | null,
): string | null {
  if (node && attr(node, 'xml:base') !== null)
    return resolveBase(attr(node, 'xml:base'), entryBase);
  return hasOwnBase ? entryBase : (url ?? entryBase);
}

function atomFeed(raw: Raw, baseUrl: string, source: string): ParsedFeed {
  const feed = raw.channel;
  const xhtml = xhtmlSource(source);
  const feedBase = resolveBase(attr(feed, 'xml:base'), baseUrl);
  const link = alternateLink(feed, feedBase);
  const feedAuthor = atomAuthor(feed);
  // A loop, not a callback made per document: see atomEntry.
  const items: ParsedItem[] = [];
  const entries = raw.items.slice(0, LIMITS.items);
  for (let index = 0; index < entries.length; index++)
    items.push(atomEntry(entries[index]!, index, feedBase, xhtml, feedAuthor));
  return {
    kind: 'feed',
    format: 'atom',
    title: atomTitle(child(feed, 'title'), xhtml(-1, 'title')),
    link,
    items,
  };
}

/** Atom text construct → HTML (type text is escaped, xhtml is the inner markup taken from the source). */
function atomHtml(node: Node, xhtmlMarkup: string | null): string | null {
  const type = attr(node, 'type') ?? 'text';
  if (type === 'xhtml') return xhtmlMarkup;
  const value = text(node);
  if (value === null) return null;
  return type === 'html' || type === 'text/html' ? value : textToHtml(value);
}

/** An Atom text construct's text when it is plain text (atomHtml escapes it), else null. */
function atomText(node: Node): string | null {
  const type = attr(node, 'type') ?? 'text';
  return type === 'xhtml' || type === 'html' || type === 'text/html' ? null : text(node);
}

function atomTitle(node: Node | null, xhtmlMarkup: string | null): string | null {
  if (!node) return null;
  const type = attr(node, 'type') ?? 'text';
  if (type === 'xhtml') return plainText(xhtmlMarkup, LIMITS.title);
  return type === 'html'
    ? titleText(text(node), LIMITS.title)
    : cleanText(text(node), LIMITS.title);
}

/**
 * xml2js groups children by name and loses the order of mixed content, so inline XHTML
 * (type="xhtml") is read from the source instead: the n-th <entry> of the text is the n-th
 * entry xml2js gave (entries never nest). Index -1 is the feed's own head.
 */
function xhtmlSource(source: string): (entryIndex: number, element: string) => string | null {
  if (!source.includes('xhtml') || !/type\s*=\s*["']xhtml["']/.test(source)) return () => null;
  const starts: number[] = [];
  const entryTag = /<(?:[A-Za-z_][\w.-]*:)?entry[\s>]/g;
  for (let m = entryTag.exec(source); m; m = entryTag.exec(source)) starts.push(m.index);
  return (index, element) => {
    const from = index === -1 ? 0 : starts[index];
    if (from === undefined) return null;
    const to = index === -1 ? (starts[0] ?? source.length) : (starts[index + 1] ?? source.length);
    const block = source.slice(from, to);
    const re = new RegExp(
      `<((?:[A-Za-z_][\\w.-]*:)?${element})\\b[^>]*\\btype\\s*=\\s*["']xhtml["'][^>]*>([\\s\\S]*?)</\\1\\s*>`,
    );
    const inner = block.match(re)?.[2];
    if (inner === undefined) return null;
    // Drop the mandatory wrapping <div xmlns="…">…</div> and namespace prefixes on tags.
    return inner
      .trim()
      .replace(/^<(?:[\w.-]+:)?div\b[^>]*>([\s\S]*)<\/(?:[\w.-]+:)?div>$/, '$1')
      .replace(/<(\/?)[A-Za-z_][\w.-]*:/g, '<$1');
  };
}

function atomAuthor(node: Node): string | null {
  // A loop, not map and filter: see nodes.
  const names: string[] = [];
  for (const a of nodes(node.author)) {
    const name = text(child(a, 'name'));
    if (name) names.push(name);
  }
  return names.length ? cleanText(names.join(', '), LIMITS.author) : null;
}

/** The entry's rel="alternate" link (HTML first), or its first link without rel. */
function alternateLink(node: Node, base: string | null): string | null {
  const links = nodes(node.link);
  const alternates = links.filter((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
  const best = alternates.find((l) => /html/.test(attr(l, 'type') ?? 'text/html')) ?? alternates[0];
  return best ? resolveUrl(attr(best, 'href'), base) : null;
}

/**
 * The nodes of an xml2js child list (a text alone as { _: text }), falsy ones left out. Built by
 * a loop, not map and filter: their arrays got another hidden class once the code making them
 * was optimised, and the optimised readers of the lists (atomEntry, rssItem) were thrown away
 * and compiled again (--trace-deopt: "wrong map").
 */
function nodes(value: unknown): Node[] {
  const out: Node[] = [];
  if (!Array.isArray(value)) return out;
  for (const v of value) {
    const node = typeof v === 'string' ? ({ _: v } as Node) : (v as Node);
    if (node) out.push(node);
  }
  return out;
}

/** nodes(node[name])[0] ?? null, without the arrays (an item looks up ~30 children). */
function child(node: Node, name: string): Node | null {
  const value = node[name];
  if (!Array.isArray(value)) return null;
  for (const v of value) {
    if (typeof v === 'string') return { _: v } as Node;
    if (v) return v as Node;
  }
  return null;
}

function text(node: Node | null): string | null {
  if (!node) return null;
  return typeof node._ === 'string' ? node._ : null;
}

function attr(node: Node, name: string): string | null {
  return node.$?.[name] ?? null;
}
