import { IngestError, type ParsedFeed, type ParsedItem } from './types.ts';
import {
  LIMITS,
  cleanCategories,
  cleanEnclosure,
  cleanText,
  parseDate,
  plainText,
  plainTextAlong,
  titleText,
  resolveUrl,
  textToHtml,
  uniqueEnclosures,
} from './feed-fields.ts';
import { sanitizeHtmlWithText } from './sanitize.ts';

/** JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read natively. */
export function parseJsonFeed(text: string, baseUrl: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new IngestError('parse_error', `JSON invalide : ${(err as Error).message}`);
  }
  if (
    !isObject(doc) ||
    typeof doc.version !== 'string' ||
    // The URL is the spec's; "1.1" or "1" alone are common and feedparser reads them too.
    !/^(?:https?:\/\/(?:www\.)?jsonfeed\.org\/version\/)?1(?:\.\d+)?\/?$/.test(doc.version.trim())
  ) {
    throw new IngestError(
      'not_a_feed',
      'Ce document JSON n’est pas un JSON Feed (pas de "version": "https://jsonfeed.org/version/1.1").',
    );
  }
  const feedLink = resolveUrl(str(doc.home_page_url), baseUrl);
  const feedBase = feedLink ?? baseUrl;
  const feedAuthor = authorName(doc);
  // A loop, not a callback made per document: V8 keeps optimised code only while a closure
  // that runs it lives, and compiled such callbacks again and again in a pull.
  const items: ParsedItem[] = [];
  if (Array.isArray(doc.items))
    for (const item of doc.items.slice(0, LIMITS.items))
      if (isObject(item)) items.push(jsonItem(item, feedBase, feedAuthor));
  return {
    kind: 'feed',
    format: 'json',
    title: cleanText(str(doc.title), LIMITS.title),
    link: feedLink,
    items,
  };
}

function jsonItem(
  item: Record<string, unknown>,
  feedBase: string,
  feedAuthor: string | null,
): ParsedItem {
  const url = resolveUrl(str(item.url), feedBase) ?? resolveUrl(str(item.external_url), feedBase);
  const base = url ?? feedBase;
  const html = str(item.content_html);
  const textContent = str(item.content_text);
  const ownSummary = cleanText(str(item.summary), LIMITS.summary);
  // Without a summary of its own, the item's is read from its HTML: in the same parse.
  const along = ownSummary === null ? plainTextAlong(html, LIMITS.summary) : null;
  const sanitized = html
    ? sanitizeHtmlWithText(html.slice(0, LIMITS.content), base, along?.collector)
    : null;
  const contentHtml = sanitized
    ? sanitized.html
    : textContent
      ? textToHtml(textContent.slice(0, LIMITS.content))
      : null;
  const id = typeof item.id === 'number' ? String(item.id) : str(item.id);
  const published = parseDate(str(item.date_published));
  const updated = parseDate(str(item.date_modified));
  const attachments = Array.isArray(item.attachments) ? item.attachments.filter(isObject) : [];
  return {
    guid: id?.trim() ? id.trim().slice(0, LIMITS.guid) : null,
    url,
    title: titleText(str(item.title), LIMITS.title),
    // Like Atom: a modification date is the best estimate of publication when that is missing.
    published: published ?? updated,
    updated,
    author: authorName(item) ?? feedAuthor,
    summary: ownSummary ?? (along ? along.text() : plainText(html ?? textContent, LIMITS.summary)),
    contentHtml: contentHtml || null,
    ...(sanitized?.html ? { contentText: sanitized.text } : {}),
    categories: cleanCategories(Array.isArray(item.tags) ? item.tags.map(str) : []),
    enclosures: uniqueEnclosures(
      attachments.map((a) => cleanEnclosure(str(a.url), str(a.mime_type), a.size_in_bytes, base)),
    ),
  };
}

/** JSON Feed 1.1 `authors[]`, or 1.0 `author`. */
function authorName(node: Record<string, unknown>): string | null {
  const authors = Array.isArray(node.authors)
    ? node.authors
    : isObject(node.author)
      ? [node.author]
      : [];
  const names: string[] = [];
  for (const a of authors) {
    const name = isObject(a) ? str(a.name) : null;
    if (name?.trim()) names.push(name);
  }
  return cleanText(names.join(', '), LIMITS.author);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
