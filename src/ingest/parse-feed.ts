import { IngestError, type ParsedFeed } from './types.ts';

/**
 * A decoded feed document → ParsedFeed: RSS 0.9x/1.0/2.0 and Atom 1.0 (through rss-parser),
 * JSON Feed 1.0/1.1 (natively). URLs come out absolute (resolved against xml:base, the item,
 * the feed, then `baseUrl`, the document's own URL), HTML sanitised, text bounded.
 * Throws IngestError('not_a_feed' | 'parse_error') with a message a coordinator can act on.
 */
export async function parseFeed(text: string, baseUrl: string): Promise<ParsedFeed> {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body) throw new IngestError('not_a_feed', 'Le document est vide.');
  // The parsers and their libraries (rss-parser with xml2js, the HTML sanitiser) are imported
  // when a document is parsed, not with this module: `serve` reaches this file through refresh
  // but parses on its reading threads, and its main thread at rest holds ~1 MB less heap without
  // them (issue 19). esbuild (Node) and wrangler (Workers) keep them as modules loaded on use.
  if (body.startsWith('{')) return (await jsonParser()).parseJsonFeed(body, baseUrl);
  // Text printed before the feed (a PHP notice) is the recovering pass's to drop.
  if (!body.startsWith('<') && !/<\?xml\b|<(?:rss|feed|rdf:RDF)\b/.test(body.slice(0, 4096))) {
    throw new IngestError(
      'not_a_feed',
      'Le document n’est ni du XML ni du JSON : ce n’est pas un flux.',
    );
  }
  if (isHtmlPage(body)) {
    throw new IngestError(
      'not_a_feed',
      'C’est une page HTML, pas un flux : donnez l’adresse du site, ses flux sont trouvés par <link rel="alternate">.',
    );
  }
  rejectEntityDeclarations(body);
  return (await xmlParser()).parseXmlFeed(body, baseUrl);
}

const jsonParser = () => import('./parse-json-feed.ts');
const xmlParser = () => import('./parse-xml-feed.ts');

/**
 * Loads the parsers now rather than at the first document: a reading thread does it before it
 * says it is ready, so that loading them counts neither in a document's read budget nor as
 * that document's fault if the install is broken.
 */
export async function loadFeedParsers(): Promise<void> {
  await Promise.all([jsonParser(), xmlParser()]);
}

/**
 * Whether a document is an HTML page (a site's home page rather than its feed): refresh
 * follows its <link rel="alternate">, parse refuses it with a hint.
 */
export function isHtmlPage(text: string): boolean {
  return /^<(!doctype\s+html|html[\s>]|head[\s>])/i.test(
    stripProlog(text.replace(/^\uFEFF/, '').trimStart()),
  );
}

/** Skips the XML declaration, comments, processing instructions and whitespace before the root. */
function stripProlog(body: string): string {
  return body.slice(0, 4096).replace(/^(\s*(<\?[\s\S]*?\?>|<!--[\s\S]*?-->))*\s*/, '');
}

/**
 * Feeds never need a DTD with entity declarations; documents that have one are the
 * "billion laughs" and external-entity (XXE) attacks. Refused before any parsing, in O(n).
 */
function rejectEntityDeclarations(body: string): void {
  const doctype = doctypeIndex(body);
  if (doctype === -1) return;
  // The internal subset is what sits between "[" and "]>"; a plain DOCTYPE (RSS 0.91's) is harmless.
  const bracket = body.indexOf('[', doctype);
  const close = body.indexOf('>', doctype);
  const subsetEnd =
    bracket !== -1 && (close === -1 || bracket < close) ? body.indexOf(']>', bracket) : close;
  const declaration = body.slice(doctype, subsetEnd === -1 ? body.length : subsetEnd);
  if (/<!ENTITY/i.test(declaration)) {
    throw new IngestError(
      'parse_error',
      'Le document déclare des entités XML (<!ENTITY …>) : refusé, un flux n’en a ' +
        'jamais besoin et elles servent aux attaques.',
    );
  }
}

/**
 * body.search(/<!DOCTYPE/i), going from one "<!" to the next (a feed has one per CDATA section)
 * instead of trying a case-insensitive match at every character of the document.
 */
function doctypeIndex(body: string): number {
  for (let at = body.indexOf('<!'); at !== -1; at = body.indexOf('<!', at + 2)) {
    let i = 0;
    // ASCII letters only match themselves in either case (`| 0x20` lowers them, and nothing
    // else lands on a lower-case letter), as in a regular expression with the i flag alone.
    while (i < 7 && (body.charCodeAt(at + 2 + i) | 0x20) === DOCTYPE.charCodeAt(i)) i++;
    if (i === 7) return at;
  }
  return -1;
}

const DOCTYPE = 'doctype';
