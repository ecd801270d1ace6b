/**
 * RSS 2.0 of the published digests (/newsletter/archive.xml): the unfiltered edition of each,
 * written by the `feed` package like the news feeds.
 */
import { Feed } from 'feed';
import type { HubSettings } from '../../db/hub-settings.ts';
import type { DigestRow } from '../../db/schema/newsletter.ts';
import type { DigestContent } from './build.ts';
import { renderDigest } from './render.ts';
import { escapeXml, withoutInvalidXml } from '../../shared/escape-xml.ts';

export function archiveRss(
  hub: HubSettings,
  rows: DigestRow[],
  names: Map<string, string>,
): string {
  const published = rows.filter((r) => r.edition);
  const feed = new Feed({
    id: `${hub.baseUrl}/newsletter/archive`,
    title: withoutInvalidXml(
      `${hub.title} — ${hub.language === 'fr' ? 'lettres d’information' : 'newsletters'}`,
    ),
    // HTML by custom in readers: the title is text.
    description: escapeXml(withoutInvalidXml(hub.title)),
    link: `${hub.baseUrl}/newsletter/archive`,
    language: hub.language,
    // The newest edition's date, not the time of the request: the body (and its ETag) stays
    // the same until a digest is published.
    updated: new Date(published[0]?.windowEnd ?? 0),
    generator: 'Intercoop Hub',
    feedLinks: { rss: `${hub.baseUrl}/newsletter/archive.xml` },
  });
  for (const r of published) {
    const rendered = renderDigest(
      r.edition as DigestContent,
      {
        lang: hub.language,
        hubTitle: hub.title,
        baseUrl: hub.baseUrl,
        timezone: hub.timezone,
        date: r.windowEnd,
      },
      (s) => names.get(s) ?? s,
    );
    // The body of the email without its document shell.
    const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(rendered.html)?.[1] ?? rendered.html;
    feed.addItem({
      title: withoutInvalidXml(rendered.subject),
      // A link and no id: `feed` makes the link the guid, a permalink.
      link: `${hub.baseUrl}/newsletter/archive/${r.id}`,
      date: new Date(r.windowEnd),
      description: withoutInvalidXml(body),
    });
  }
  return feed.rss2();
}
