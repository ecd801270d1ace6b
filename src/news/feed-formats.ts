/**
 * The unified feed in three formats (RSS 2.0, Atom 1.0, JSON Feed 1.1), built with the `feed`
 * package and completed where it falls short of the specs or of what the hub must say:
 * provenance (Atom <source>, RSS <source>, network categories, JSON `_hub`), every enclosure
 * with its real media type, RFC 5005 / JSON Feed paging links, plain-text titles. Pure.
 */
import { Feed, type Item } from 'feed';
import { escapeXml, withoutInvalidXml } from '../shared/escape-xml.ts';
import { js2xml, xml2js, type ElementCompact } from 'xml-js';
import type { RiverItem, RiverPage } from './river.ts';
import type { HubSettings } from '../db/hub-settings.ts';
import { formatCursor } from './filters.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_TYPES: Record<FeedFormat, { ext: string; contentType: string }> = {
  rss: { ext: 'xml', contentType: 'application/rss+xml; charset=utf-8' },
  atom: { ext: 'atom', contentType: 'application/atom+xml; charset=utf-8' },
  json: { ext: 'json', contentType: 'application/feed+json; charset=utf-8' },
};

/** A network as feeds name it. */
export interface NetworkLabel {
  name: string;
  site: string | null;
  territory?: string | null;
}

export interface FeedInput {
  hub: HubSettings;
  title: string;
  description: string;
  /** Path of the feed without extension: `/feed` or `/networks/SLUG/feed`. */
  feedPath: string;
  /** Page showing the same stories: `/` or `/networks/SLUG`. */
  htmlPath: string;
  /** Canonical filter parameters (without the cursor). */
  params: URLSearchParams;
  /** `before=` of this page, when it is not the first (self links name the page, RFC 5005). */
  cursor?: string | null;
  page: RiverPage;
  networks: Map<string, NetworkLabel>;
  /** Instant shown as the feed's update time when it has no stories. */
  fallbackUpdated: number;
  /** Atom: each network's latest <updated> (stories.ts networksModifiedAt), for <source>. */
  sourceUpdated?: Map<string, number>;
}

/**
 * A story's own update time (Atom <updated>, JSON Feed date_modified): the latest its
 * publishers gave, never before its publication, nor after the hub stored that version (a
 * member's clock running ahead does not put a story in the future).
 */
export function storyUpdated(item: RiverItem): number {
  return Math.max(item.publishedAt, Math.min(item.modifiedAt, item.updatedAt));
}

/** The stable id of a story in every format: it is the hub id and never changes. */
export function itemUrn(id: string): string {
  return `urn:intercoop:item:${id}`;
}

/** Scheme (Atom) / domain (RSS) of the categories that name the publishing networks. */
export function networkScheme(base: string): string {
  return `${base}/networks`;
}

function clean(text: string): string;
function clean(text: string | null): string | null;
function clean(text: string | null): string | null {
  return text === null ? null : withoutInvalidXml(text);
}

function validUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function url(base: string, path: string, params?: URLSearchParams): string {
  const q = params?.toString();
  return `${base}${path}${q ? `?${q}` : ''}`;
}

/** Renders one page of the river in the requested format. */
export function renderFeed(format: FeedFormat, input: FeedInput): string {
  const base = input.hub.baseUrl;
  const { ext } = FEED_TYPES[format];
  const pageParams = new URLSearchParams(input.params);
  if (input.cursor) pageParams.set('before', input.cursor);
  // Self links name this page (RFC 5005); the feed's id names the whole filtered feed.
  const selfUrl = (fmt: FeedFormat) =>
    url(base, `${input.feedPath}.${FEED_TYPES[fmt].ext}`, pageParams);
  const nextUrl = input.page.next
    ? (() => {
        const p = new URLSearchParams(input.params);
        p.set('before', formatCursor(input.page.next!));
        return url(base, `${input.feedPath}.${ext}`, p);
      })()
    : null;
  const updated = Math.max(input.fallbackUpdated, ...input.page.items.map((i) => i.updatedAt));
  const feed = new Feed({
    id: url(base, `${input.feedPath}.atom`, input.params),
    title: clean(input.title),
    description: clean(input.description),
    link: url(base, input.htmlPath, input.params),
    language: input.hub.language,
    updated: new Date(updated),
    generator: 'Intercoop Hub',
    feedLinks: { rss: selfUrl('rss'), atom: selfUrl('atom'), json: selfUrl('json') },
    author: { name: clean(input.hub.title), link: base + '/' },
  });
  for (const item of input.page.items) feed.addItem(toFeedItem(item, base, format, input.networks));

  if (format === 'json') return finishJson(feed.json1(), input, nextUrl);
  if (format === 'atom') return finishAtom(feed.atom1(), input, nextUrl, updated);
  return finishRss(feed.rss2(), input, nextUrl);
}

function itemLink(item: RiverItem, base: string): string {
  return validUrl(item.url) ?? validUrl(item.links[0]) ?? `${base}/#item-${item.id}`;
}

function toFeedItem(
  item: RiverItem,
  base: string,
  format: FeedFormat,
  labels: Map<string, NetworkLabel>,
): Item {
  const summary = clean(item.summary);
  return {
    id: itemUrn(item.id),
    guid: itemUrn(item.id),
    title: clean(item.title),
    link: itemLink(item, base),
    date: new Date(storyUpdated(item)),
    published: new Date(item.publishedAt),
    // RSS descriptions are HTML by custom; the stored summary is plain text.
    description: summary
      ? format === 'rss'
        ? escapeXml(summary, { quotes: false })
        : summary
      : undefined,
    content: clean(item.contentHtml) ?? undefined,
    author: item.author ? [{ name: clean(item.author) }] : undefined,
    category: [
      ...item.categories.map((c) => ({ name: clean(c), term: clean(c) })),
      // Atom's label is the network's name (a downstream hub shows it); RSS's text stays the slug.
      ...item.networks.map((slug) => ({
        name: format === 'atom' ? (labels.get(slug)?.name ?? slug) : slug,
        term: slug,
        scheme: networkScheme(base),
        domain: networkScheme(base),
      })),
    ],
  };
}

// ---------- XML post-processing (xml-js objects; attribute values escaped once, on output) ----------

type El = ElementCompact & Record<string, any>;

// xml-js turns `"` into `&quot;` before calling this, and escapes nothing else in attributes.
const escapeAttr = (v: string) => v.replace(/&(?!quot;)/g, '&amp;').replace(/</g, '&lt;');

function parseXml(xml: string): El {
  return xml2js(xml, {
    compact: true,
    alwaysArray: ['entry', 'item', 'link', 'category', 'author', 'atom:link'],
  }) as El;
}

function toXml(doc: El): string {
  // xml-js escapes text, and only quotes in attribute values: the rest is done here, once.
  return js2xml(doc, { compact: true, spaces: 2, attributeValueFn: escapeAttr });
}

function sourceNetwork(
  input: FeedInput,
  item: RiverItem,
): { slug: string; label: NetworkLabel } | null {
  const slug = item.networks[0];
  if (!slug) return null;
  return { slug, label: input.networks.get(slug) ?? { name: slug, site: null } };
}

function finishAtom(
  xml: string,
  input: FeedInput,
  nextUrl: string | null,
  feedUpdated: number,
): string {
  const base = input.hub.baseUrl;
  const doc = parseXml(xml);
  const feed = doc.feed as El;
  feed._attributes = { ...(feed._attributes as object), 'xml:lang': input.hub.language };
  feed.title = { _attributes: { type: 'text' }, _text: clean(input.title) };
  if (feed.subtitle)
    feed.subtitle = { _attributes: { type: 'text' }, _text: clean(input.description) };
  const links = (feed.link as El[]) ?? [];
  links.push({
    _attributes: { rel: 'first', href: url(base, `${input.feedPath}.atom`, input.params) },
  });
  if (nextUrl) links.push({ _attributes: { rel: 'next', href: nextUrl } });
  feed.link = links;
  const entries = (feed.entry as El[] | undefined) ?? [];
  entries.forEach((entry, i) => {
    const item = input.page.items[i]!;
    entry.title = { _attributes: { type: 'text' }, _text: clean(item.title) };
    if (item.summary) entry.summary = { _attributes: { type: 'text' }, _text: clean(item.summary) };
    const entryLinks = (entry.link as El[]).filter((l) => l._attributes?.rel !== 'enclosure');
    entryLinks[0]!._attributes = {
      rel: 'alternate',
      type: 'text/html',
      href: itemLink(item, base),
    };
    for (const link of item.links) {
      const href = validUrl(link);
      if (href && href !== itemLink(item, base))
        entryLinks.push({ _attributes: { rel: 'related', href } });
    }
    for (const enc of item.enclosures) {
      const href = validUrl(enc.url);
      if (!href) continue;
      const attrs: Record<string, string> = { rel: 'enclosure', href };
      if (enc.type && /^[\w.+-]+\/[\w.+-]+/.test(enc.type)) attrs.type = enc.type;
      if (enc.length && enc.length > 0) attrs.length = String(enc.length);
      entryLinks.push({ _attributes: attrs });
    }
    entry.link = entryLinks;
    // Atom allows one <source>: the earliest publisher; the others are network categories.
    const src = sourceNetwork(input, item);
    if (src) {
      const sourceLinks: El[] = [
        {
          _attributes: {
            rel: 'self',
            type: 'application/atom+xml',
            href: `${base}/networks/${src.slug}/feed.atom`,
          },
        },
      ];
      const site = validUrl(src.label.site);
      if (site)
        sourceLinks.push({ _attributes: { rel: 'alternate', type: 'text/html', href: site } });
      // The network's latest <updated>, never later than this feed's own.
      const sourceUpdated = Math.min(
        input.sourceUpdated?.get(src.slug) ?? feedUpdated,
        feedUpdated,
      );
      entry.source = {
        id: { _text: `${base}/networks/${src.slug}` },
        title: { _attributes: { type: 'text' }, _text: clean(src.label.name) },
        link: sourceLinks,
        updated: { _text: new Date(sourceUpdated).toISOString() },
      };
    }
  });
  return toXml(doc);
}

function finishRss(xml: string, input: FeedInput, nextUrl: string | null): string {
  const base = input.hub.baseUrl;
  const doc = parseXml(xml);
  const rss = doc.rss as El;
  rss._attributes = {
    ...(rss._attributes as object),
    'xmlns:atom': 'http://www.w3.org/2005/Atom',
    'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
    'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  };
  const channel = rss.channel as El;
  channel.title = { _text: clean(input.title) };
  channel.description = { _text: clean(input.description) };
  if (nextUrl)
    (channel['atom:link'] as El[]).push({
      _attributes: { rel: 'next', href: nextUrl, type: 'application/rss+xml' },
    });
  const items = (channel.item as El[] | undefined) ?? [];
  items.forEach((el, i) => {
    const item = input.page.items[i]!;
    el.title = { _text: clean(item.title) };
    // RSS <author> must be an e-mail address: a name goes in dc:creator.
    delete el.author;
    if (item.author) el['dc:creator'] = { _text: clean(item.author) };
    // One enclosure per item in RSS 2.0 (readers disagree on more): the first valid one.
    delete el.enclosure;
    const enc = item.enclosures.map((e) => ({ ...e, url: validUrl(e.url) })).find((e) => e.url);
    if (enc)
      el.enclosure = {
        _attributes: {
          url: enc.url!,
          length: String(enc.length ?? 0),
          type: enc.type || 'application/octet-stream',
        },
      };
    const src = sourceNetwork(input, item);
    if (src)
      el.source = {
        _attributes: { url: `${base}/networks/${src.slug}/feed.xml` },
        _text: clean(src.label.name),
      };
    // Ordered as RSS 2.0 lists them (readers do not care, validators sometimes do).
    const ordered: El = {};
    for (const k of [
      'title',
      'link',
      'description',
      'content:encoded',
      'dc:creator',
      'category',
      'enclosure',
      'guid',
      'pubDate',
      'source',
    ]) {
      if (el[k] !== undefined) ordered[k] = el[k];
    }
    items[i] = ordered;
  });
  channel.item = items;
  return toXml(doc);
}

interface JsonFeedItem {
  id: string;
  [k: string]: unknown;
}

function finishJson(json: string, input: FeedInput, nextUrl: string | null): string {
  const base = input.hub.baseUrl;
  const doc = JSON.parse(json) as Record<string, unknown> & { items: JsonFeedItem[] };
  const out: Record<string, unknown> = {
    version: 'https://jsonfeed.org/version/1.1',
    title: clean(input.title),
    home_page_url: url(base, input.htmlPath, input.params),
    feed_url: url(base, `${input.feedPath}.json`, input.params),
    description: clean(input.description),
    language: input.hub.language,
    authors: [{ name: clean(input.hub.title), url: `${base}/` }],
  };
  if (nextUrl) out.next_url = nextUrl;
  // The networks behind the stories' `_hub.networks`, so that a hub pulling this one (a hub of
  // hubs) can name them: "Animacoop, via Hub Occitanie".
  out._hub = {
    networks: [...input.networks].map(([slug, n]) => ({
      slug,
      name: clean(n.name),
      ...(n.site ? { home_page_url: n.site } : {}),
      ...(n.territory ? { territory: clean(n.territory) } : {}),
    })),
  };
  out.items = doc.items.map((raw, i) => {
    const item = input.page.items[i]!;
    const author = item.author ? [{ name: clean(item.author) }] : undefined;
    const entry: Record<string, unknown> = {
      id: raw.id,
      url: raw.url,
      title: raw.title,
      content_html:
        clean(item.contentHtml) ??
        (item.summary ? escapeXml(clean(item.summary), { quotes: false }) : ''),
    };
    if (item.summary) entry.summary = clean(item.summary);
    entry.date_published = raw.date_published;
    entry.date_modified = raw.date_modified;
    if (author) {
      entry.authors = author;
      entry.author = author[0]; // JSON Feed 1.0 readers
    }
    if (item.categories.length) entry.tags = item.categories.map((c) => clean(c));
    const attachments = item.enclosures
      .map((e) => ({
        url: validUrl(e.url),
        mime_type: e.type || 'application/octet-stream',
        ...(e.length ? { size_in_bytes: e.length } : {}),
      }))
      .filter((a) => a.url);
    if (attachments.length) entry.attachments = attachments;
    entry._hub = {
      networks: item.networks,
      links: item.links,
      // Networks of an upstream hub a member hub relayed (hubs of hubs).
      ...(item.origins?.length ? { origins: item.origins } : {}),
    };
    return entry;
  });
  return JSON.stringify(out);
}
