import type { ParsedFeed, ParseOutput } from './types.ts';

/**
 * ParsedFeed → what `intercoop parse` prints (INTERFACE.md): snake_case keys, dates as
 * ISO 8601 strings (UTC, "Z" offset), null where the source has nothing, no events.
 */
export function feedToParseOutput(feed: ParsedFeed): ParseOutput {
  return {
    kind: 'feed',
    title: feed.title,
    link: feed.link,
    warning: feed.warning ?? null,
    items: feed.items.map((item) => ({
      id: item.guid,
      url: item.url,
      title: item.title,
      published: item.published?.toISOString() ?? null,
      updated: item.updated?.toISOString() ?? null,
      author: item.author,
      summary: item.summary,
      content_html: item.contentHtml,
      categories: item.categories,
      enclosures: item.enclosures,
    })),
    events: [],
  };
}
