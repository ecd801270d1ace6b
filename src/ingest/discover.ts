import { BoundedHtmlParser } from './bounded-html.ts';

export interface DiscoveredFeed {
  url: string;
  kind: 'feed' | 'calendar';
  title: string | null;
}

/** `<link rel="alternate" type=…>` types the hub can read, and what each gives. */
const TYPES: Record<string, DiscoveredFeed['kind']> = {
  'application/rss+xml': 'feed',
  'application/atom+xml': 'feed',
  'application/feed+json': 'feed',
  'application/json': 'feed',
  'application/rdf+xml': 'feed',
  'text/calendar': 'calendar',
};

/**
 * The feeds and calendars a member's page advertises (pure): a site URL alone is enough in
 * networks.yaml. Reads `<link rel="alternate">` anywhere in the document (htmlparser2 skips
 * comments and script text), resolves hrefs against the first `<base href>` — wherever it
 * stands, as browsers do — then the page URL, keeps http(s) only (webcal: is https), drops
 * duplicates and keeps document order.
 */
export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  const links: Array<{ href: string; kind: DiscoveredFeed['kind']; title: string | null }> = [];
  let baseHref: string | null = null;
  const parser = new BoundedHtmlParser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && baseHref === null && attrs.href !== undefined)
          baseHref = attrs.href.trim();
        if (name !== 'link' || attrs.href === undefined) return;
        const rel = (attrs.rel ?? '').toLowerCase().split(/[\t\n\f\r ]+/);
        if (!rel.includes('alternate')) return;
        const type = (attrs.type ?? '').split(';')[0]!.trim().toLowerCase();
        const kind = TYPES[type];
        if (!kind) return;
        const title = attrs.title?.replace(/\s+/g, ' ').trim() || null;
        links.push({ href: attrs.href.trim(), kind, title });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const base = resolve(baseHref ?? '', pageUrl) ?? pageUrl;
  const seen = new Set<string>();
  const found: DiscoveredFeed[] = [];
  for (const link of links) {
    const url = resolve(link.href, base);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    found.push({ url, kind: link.kind, title: link.title });
  }
  return found;
}

function resolve(href: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (url.protocol === 'webcal:') url = new URL(`https:${url.href.slice('webcal:'.length)}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}
