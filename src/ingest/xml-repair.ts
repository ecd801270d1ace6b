/**
 * The recovering second pass for malformed feeds: the repairs a tolerant reader (Python's
 * feedparser is the reference) makes to a document that strict XML refuses, each in one linear
 * pass over the text. What was repaired is returned in words a coordinator can act on: the
 * source records it as a warning, not an error, and every item is kept.
 */
import { scanXmlTags } from './xml-tag-scan.ts';

/** Elements whose text is HTML (or text a person wrote) in RSS, RDF and Atom. */
const HTML_ELEMENTS = [
  'title',
  'description',
  'content:encoded',
  'summary',
  'content',
  'subtitle',
  'tagline',
  'dc:title',
  'dc:description',
  'itunes:summary',
  'itunes:subtitle',
  'itunes:title',
  'media:title',
  'media:description',
];
const HTML_ELEMENT = new RegExp(`<(${HTML_ELEMENTS.join('|')})((?:\\s[^<>]*?)?)(/?)>`, 'g');

/** Entity names strict sax knows (XML's five and HTML's, as xml2js sets it up). */
const KNOWN_ENTITY = /^&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

export interface Repaired {
  text: string;
  /** What was repaired, in French, for the source's warning. */
  fixes: string[];
}

/** Applies every repair; `fixes` is empty when the text needed none of them. */
export function repairXml(source: string, entityNames: ReadonlySet<string>): Repaired {
  const fixes: string[] = [];
  let text = source;

  const start = text.search(/<\?xml\b|<(?:rss|feed|rdf:RDF)\b/);
  if (start > 0 && text.slice(0, start).trim()) {
    // PHP warnings or a stray line printed before the feed (a classic of WordPress plugins).
    text = text.slice(start);
    fixes.push('texte avant le début du flux ignoré');
  }

  const controls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
  if (controls.test(text)) {
    text = text.replace(controls, '');
    fixes.push('caractères de contrôle interdits en XML retirés');
  }

  const wrapped = wrapRawHtml(text);
  if (wrapped.names.length) {
    text = wrapped.text;
    fixes.push(
      `HTML non échappé lu comme HTML dans ${wrapped.names.map((n) => `<${n}>`).join(', ')}`,
    );
  }

  const escaped = escapeStrayCharacters(text, entityNames);
  text = escaped.text;
  if (escaped.ampersands)
    fixes.push(
      escaped.ampersands > 1
        ? `${escaped.ampersands} « & » non échappés lus tels quels`
        : '1 « & » non échappé lu tel quel',
    );
  if (escaped.lessThans)
    fixes.push(
      escaped.lessThans > 1
        ? `${escaped.lessThans} « < » isolés lus comme du texte`
        : '1 « < » isolé lu comme du texte',
    );

  const closed = closeOpenElements(text);
  if (closed.added) {
    text = closed.text;
    fixes.push(
      closed.added > 1
        ? `éléments non fermés : ${closed.added} refermés`
        : 'élément non fermé : 1 refermé',
    );
  }
  return { text, fixes };
}

/**
 * An HTML-carrying element whose content holds raw markup (`<description><p>…<br></p>`, a
 * literal `<et>` in a title) gets that content as one CDATA section: the markup is then the
 * element's text, read as HTML like an escaped description. Existing CDATA sections inside are
 * unwrapped first; a "]]>" in the content is split so it cannot end the section. Atom's
 * type="xhtml" content is real XML and is left alone.
 */
function wrapRawHtml(text: string): { text: string; names: string[] } {
  const names = new Set<string>();
  /** Where the next end tag of each name is (-1: none left): keeps the scan linear. */
  const nextEnd = new Map<string, number>();
  let out = '';
  let copied = 0;
  HTML_ELEMENT.lastIndex = 0;
  for (let m = HTML_ELEMENT.exec(text); m; m = HTML_ELEMENT.exec(text)) {
    const [open, name, attributes, selfClosing] = m as unknown as [string, string, string, string];
    if (selfClosing || /\btype\s*=\s*["']xhtml["']/.test(attributes)) continue;
    const from = m.index + open.length;
    let end = nextEnd.get(name);
    if (end === undefined || (end !== -1 && end < from)) {
      end = text.indexOf(`</${name}>`, from);
      nextEnd.set(name, end);
    }
    if (end === -1) continue;
    const inner = text.slice(from, end);
    HTML_ELEMENT.lastIndex = end + name.length + 3;
    const outsideCdata = inner.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
    if (!/</.test(outsideCdata) && !outsideCdata.includes(']]>')) continue;
    const html = inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
    out += `${text.slice(copied, from)}<![CDATA[${html.replace(/\]\]>/g, ']]]]><![CDATA[>')}]]>`;
    copied = end;
    names.add(name);
  }
  return { text: copied ? out + text.slice(copied) : text, names: [...names] };
}

/**
 * Outside CDATA sections and comments: a "&" that starts no known reference becomes "&amp;"
 * (R&D, ?a=1&b=2), a "<" that starts no tag becomes "&lt;" (3 < 4).
 */
function escapeStrayCharacters(
  text: string,
  entityNames: ReadonlySet<string>,
): { text: string; ampersands: number; lessThans: number } {
  let ampersands = 0;
  let lessThans = 0;
  const parts = text.split(/(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)/);
  for (let i = 0; i < parts.length; i += 2) {
    parts[i] = parts[i]!.replace(/&|<(?![A-Za-z_:/!?])/g, (char, offset: number, part: string) => {
      if (char === '<') {
        lessThans++;
        return '&lt;';
      }
      const reference = part.slice(offset, offset + 40).match(KNOWN_ENTITY)?.[0];
      if (reference && (reference[1] === '#' || entityNames.has(reference.slice(1, -1))))
        return char;
      ampersands++;
      return '&amp;';
    });
  }
  return { text: parts.join(''), ampersands, lessThans };
}

/** Elements that never nest: one opening while another is open means the first was not closed. */
const SIBLINGS = new Set(['item', 'entry']);

/**
 * Ends elements left open: an <item> (or <entry>) opening while the previous one is still open
 * closes it first, as feedparser does, and a document cut short (a truncated download, a
 * crashed script) gets end tags for the elements still open at its end, so the items before
 * the cut are read. One linear scan of the tags.
 */
function closeOpenElements(text: string): { text: string; added: number } {
  const open: string[] = [];
  let out = '';
  let copied = 0;
  let added = 0;
  scanXmlTags(text, true, (tag) => {
    const { name } = tag;
    if (!tag.closing) {
      if (SIBLINGS.has(name) && !tag.selfClosing) {
        const at = open.lastIndexOf(name);
        if (at !== -1) {
          const closes = open.splice(at).reverse();
          out += `${text.slice(copied, tag.index)}${closes.map((n) => `</${n}>`).join('')}`;
          copied = tag.index;
          added += closes.length;
        }
      }
      if (!tag.selfClosing && open.length < 1024) open.push(name);
      return;
    }
    const at = open.lastIndexOf(name);
    if (at !== -1) open.length = at;
  });
  if (copied) text = out + text.slice(copied);
  if (!open.length) return { text, added };
  // A CDATA section cut short is ended where it stops; else an unfinished tag is dropped.
  const cut =
    text.lastIndexOf('<![CDATA[') > text.lastIndexOf(']]>')
      ? `${text}]]>`
      : withoutUnfinishedTag(text);
  return {
    text:
      cut +
      open
        .reverse()
        .map((n) => `</${n}>`)
        .join(''),
    added: added + open.length,
  };
}

/**
 * The text without an unfinished tag at its end: from the first '<' after the last '>'.
 * (The regex /<[^>]*$/ did this in quadratic time: from each '<' of a long run of unclosed
 * tags it scanned to the end, 10 s for 160 KB of '</x' found by npm run fuzz.)
 */
function withoutUnfinishedTag(text: string): string {
  const lt = text.indexOf('<', text.lastIndexOf('>') + 1);
  return lt === -1 ? text : text.slice(0, lt);
}
