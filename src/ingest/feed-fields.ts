import type { Enclosure } from './types.ts';
import { escapeXml } from '../shared/escape-xml.ts';
import { HtmlTextCollector, finishText, htmlToText } from '../shared/html-to-text.ts';
import { collapseText, isJsSpace } from '../shared/collapse-text.ts';
import { urlAgainst } from './url-against.ts';

/**
 * Field-level helpers shared by the XML and JSON feed readers: every value a member feed gives
 * passes through one of these, so the bounds (lengths, counts) hold whatever the format.
 */
export const LIMITS = {
  /** Items read from one document (newest first in practice); the rest are ignored. */
  items: 10_000,
  title: 1_000,
  summary: 500,
  author: 200,
  /** HTML content before sanitising (characters). */
  content: 512 * 1024,
  url: 2_048,
  categories: 30,
  category: 100,
  enclosures: 20,
  guid: 1_024,
};

/** Plain text from an HTML fragment: tags removed, entities decoded, whitespace collapsed, length bounded. */
export function plainText(html: string | null | undefined, max: number): string | null {
  if (!html || !/[<&]/.test(html)) return cleanText(html, max);
  // Only `max` characters survive: reading far beyond that is wasted work on long articles.
  return bounded(htmlToText(html, { maxChars: max * 4 }), max);
}

/**
 * plainText(html, max) read along a parse of the same HTML made for another purpose (the
 * sanitiser's, which feeds `collector`): an item whose summary and content are one HTML (an RSS
 * description alone, an Atom content alone) has it parsed once, not twice. Null when plainText
 * would not parse `html` whole (no markup, or longer than it reads): the caller calls plainText.
 */
export function plainTextAlong(
  html: string | null | undefined,
  max: number,
): { collector: HtmlTextCollector; text: () => string | null } | null {
  if (!html || !/[<&]/.test(html)) return null;
  const collector = new HtmlTextCollector(' ', max * 4);
  if (html.length > collector.budget) return null;
  return { collector, text: () => bounded(finishText(collector.collected, false), max) };
}

/**
 * plainText(asHtml, max) where asHtml is textToHtml(text): for a text of at most `max`
 * characters, the text made plain (cleanText), without parsing back the HTML just written. The
 * same for any such text (test/unit/summary-along.test.ts): the paragraphs and line breaks
 * textToHtml writes read back as spaces where the text had white space, its escapes as the
 * characters escaped, and a text that short is read whole.
 */
export function plainTextOfText(text: string, asHtml: string, max: number): string | null {
  return text.length <= max ? cleanText(text, max) : plainText(asHtml, max);
}

/**
 * A title written as HTML (RSS, Atom type="html", JSON Feed): like plainText, but a tag no HTML
 * knows is the writer's text, not markup — "Pain <et> beurre" keeps its "<et>", as feedparser
 * keeps it, where HTML parsing would make it vanish.
 */
export function titleText(html: string | null | undefined, max: number): string | null {
  if (!html?.includes('<')) return plainText(html, max);
  return plainText(
    html.replace(/<(\/?)([A-Za-z][A-Za-z0-9]{0,30})(\s*\/?>)/g, (tag, _slash, name: string) =>
      HTML_TAG_NAMES.has(name.toLowerCase()) ? tag : tag.replace('<', '&lt;'),
    ),
    max,
  );
}

/** Every element name of HTML (current and obsolete): other names in a title are text. */
const HTML_TAG_NAMES = new Set(
  (
    'a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br ' +
    'button canvas caption center cite code col colgroup data datalist dd del details dfn dialog ' +
    'dir div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 ' +
    'h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map ' +
    'mark marquee menu meta meter nav nobr noembed noframes noscript object ol optgroup option ' +
    'output p param picture plaintext pre progress q rp rt ruby s samp script search section ' +
    'select slot small source span strike strong style sub summary sup svg table tbody td ' +
    'template textarea tfoot th thead time title tr track tt u ul var video wbr xmp math'
  ).split(' '),
);

/** Text that is not HTML (Atom type="text", JSON content_text): whitespace collapsed, bounded. */
export function cleanText(text: string | null | undefined, max: number): string | null {
  // Only `max` characters survive: collapsing megabytes beyond them is wasted work.
  return text
    ? bounded(collapse(text.length > max * 8 ? text.slice(0, max * 8) : text), max)
    : null;
}

/** Whitespace collapsed; control characters (never text, often pasted in) removed. */
function collapse(text: string): string {
  return collapseText(text, false);
}

/** Cuts at a word boundary and marks the cut with an ellipsis; null for empty text. */
function bounded(text: string, max: number): string | null {
  if (!text) return null;
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Plain-text content as HTML paragraphs (JSON Feed content_text, Atom type="text"). */
export function textToHtml(text: string): string {
  const escaped = escapeXml(text, { quotes: false });
  return escaped
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** An absolute http(s) URL resolved against `base`, or null. */
export function resolveUrl(value: string | null | undefined, base: string | null): string | null {
  const raw = value?.trim();
  if (!raw || raw.length > LIMITS.url) return null;
  try {
    const url = base ? urlAgainst(raw, base) : new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A base URL for resolving: `value` resolved against `base` (any scheme), else `base`. */
export function resolveBase(value: string | null | undefined, base: string | null): string | null {
  if (!value?.trim()) return base;
  try {
    return (base ? new URL(value.trim(), base) : new URL(value.trim())).href;
  } catch {
    return base;
  }
}

/** North-American and European zone abbreviations V8's Date parser does not all know. */
export const ZONES: Record<string, string> = {
  UT: '+0000',
  UTC: '+0000',
  GMT: '+0000',
  Z: '+0000',
  WET: '+0000',
  WEST: '+0100',
  CET: '+0100',
  CEST: '+0200',
  MET: '+0100',
  MEST: '+0200',
  EET: '+0200',
  EEST: '+0300',
  BST: '+0100',
  EST: '-0500',
  EDT: '-0400',
  CST: '-0600',
  CDT: '-0500',
  MST: '-0700',
  MDT: '-0600',
  PST: '-0800',
  PDT: '-0700',
};

/**
 * A zone name's offset (ZONES), else the name. A module function, not a callback made at each
 * call: V8 keeps optimised code only while a closure that runs it lives.
 */
const zoneOffset = (zone: string) => ZONES[zone] ?? zone;

/** RFC 822 / RFC 3339 / W3CDTF date, or null when missing or unreadable (never an Invalid Date). */
export function parseDate(value: string | null | undefined): Date | null {
  const raw = value?.trim();
  if (!raw || raw.length > 100) return null;
  const date = new Date(dateText(raw));
  const time = date.getTime();
  if (Number.isNaN(time)) return null;
  // Year 0 or 275760 are parse accidents, not publication dates.
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 2200 ? date : null;
}

/**
 * A date as Date reads it: "Lun, 02 Nov 2026 10:00:00 CET" without its leading weekday, in any
 * language, and with its zone name as an offset, that is
 * raw.replace(/^[^\d,]{2,12},\s{0,}/, '').replace(/\b([A-Z]{1,4})$/, zoneOffset), written out:
 * the two regular expressions took half of parseDate's time (an item has one or two dates).
 */
export function dateText(raw: string): string {
  let text = raw;
  // The weekday: 2 to 12 characters, no digit, up to the first comma, then white space.
  const comma = text.indexOf(',');
  if (comma >= 2 && comma <= 12 && !hasAsciiDigit(text, comma)) {
    let from = comma + 1;
    while (from < text.length && isJsSpace(text.charCodeAt(from))) from++;
    text = text.slice(from);
  }
  // The zone: 1 to 4 capital letters at the end, after a word boundary (not after a letter,
  // digit or "_", so not after a fifth capital letter).
  let start = text.length;
  while (start > 0 && text.length - start < 4 && isCapital(text.charCodeAt(start - 1))) start--;
  if (start === text.length || (start > 0 && isWordCharacter(text.charCodeAt(start - 1))))
    return text;
  return text.slice(0, start) + zoneOffset(text.slice(start));
}

/** Whether text[0, end) holds 0-9 (\d without the u flag). */
function hasAsciiDigit(text: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

function isCapital(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** \w without the u and i flags: what \b tells apart. */
function isWordCharacter(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
  );
}

/** Trimmed, de-duplicated (case-insensitively) categories, bounded in number and length. */
export function cleanCategories(values: Array<string | null | undefined>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const c = cleanText(value, LIMITS.category);
    if (!c) continue;
    // French has no case mappings of its own (Unicode's SpecialCasing tailors only Lithuanian,
    // Turkish and Azeri), so toLocaleLowerCase('fr') is toLowerCase, at 60× its cost in V8.
    const lower = c.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    out.push(c);
    if (out.length >= LIMITS.categories) break;
  }
  return out;
}

/** An enclosure with an absolute URL and a sane length, or null. */
export function cleanEnclosure(
  url: string | null | undefined,
  type: string | null | undefined,
  length: unknown,
  base: string | null,
): Enclosure | null {
  const absolute = resolveUrl(url, base);
  if (!absolute) return null;
  const n = typeof length === 'number' ? length : Number.parseInt(String(length ?? ''), 10);
  const mime = type?.trim().toLowerCase();
  return {
    url: absolute,
    type: mime && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mime) ? mime : null,
    length: Number.isSafeInteger(n) && n > 0 ? n : null,
  };
}

/** Drops duplicate enclosure URLs and keeps at most LIMITS.enclosures. */
export function uniqueEnclosures(list: Array<Enclosure | null>): Enclosure[] {
  // A loop, not filter: see nodes (parse-xml-feed.ts).
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  for (const e of list) {
    if (!e || seen.has(e.url)) continue;
    seen.add(e.url);
    if (out.length < LIMITS.enclosures) out.push(e);
  }
  return out;
}
