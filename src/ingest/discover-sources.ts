/**
 * What a coordinator can add from one address (console, proposals): fetches it through the
 * same guarded fetcher as pulls and says which feeds and agendas it is or advertises. A site's
 * page gives its `<link rel="alternate">` ones; a feed or a calendar gives itself.
 */
import type { Deps } from '../deps.ts';
import { fetchDocument } from './fetch.ts';
import { decodeBody } from './decode.ts';
import { discoverFeeds, type DiscoveredFeed } from './discover.ts';
import { isHtmlPage, parseFeed } from './parse-feed.ts';
import { isCalendar } from '../agenda/store-calendar.ts';
import { IngestError } from './types.ts';
import { htmlToText } from '../shared/html-to-text.ts';

export interface Discovery {
  /** The address after redirects. */
  url: string;
  /** The member's site: the page itself, or the feed's own link. */
  site: string | null;
  /** The page's or feed's title, to suggest a name. */
  title: string | null;
  found: DiscoveredFeed[];
}

/** Throws IngestError (French message) when the address cannot be read. */
export async function discoverSources(deps: Deps, address: string): Promise<Discovery> {
  const outcome = await fetchDocument(deps, { url: address });
  if (outcome.status !== 'ok')
    throw new IngestError('http_error', `HTTP ${outcome.httpStatus}`, outcome.httpStatus);
  const text = decodeBody(outcome.body, outcome.contentType);
  if (isCalendar(text)) {
    const name =
      text
        .slice(0, 8192)
        .match(/^X-WR-CALNAME[^:\r\n]*:(.+)$/m)?.[1]
        ?.trim() ?? null;
    return {
      url: outcome.url,
      site: null,
      title: name,
      found: [{ url: outcome.url, kind: 'calendar', title: name }],
    };
  }
  if (isHtmlPage(text)) {
    const title = text.match(/<title[^>]*>([^<]{1,300})<\/title>/i)?.[1];
    return {
      url: outcome.url,
      site: outcome.url,
      title: htmlToText(title) || null,
      found: discoverFeeds(text, outcome.url),
    };
  }
  const feed = await parseFeed(text, outcome.url);
  return {
    url: outcome.url,
    site: feed.link ?? null,
    title: feed.title,
    found: [{ url: outcome.url, kind: 'feed', title: feed.title }],
  };
}
