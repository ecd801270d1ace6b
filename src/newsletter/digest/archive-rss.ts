/** RSS 2.0 of the published digests (/newsletter/archive.xml): the unfiltered edition of each. */
import type { HubSettings } from '../../db/hub-settings.ts';
import type { DigestRow } from '../../db/schema/newsletter.ts';
import type { DigestContent } from './build.ts';
import { renderDigest } from './render.ts';
import { escapeXml } from '../../shared/escape-xml.ts';

export function archiveRss(
  hub: HubSettings,
  rows: DigestRow[],
  names: Map<string, string>,
): string {
  const items = rows
    .filter((r) => r.edition)
    .map((r) => {
      const link = `${hub.baseUrl}/newsletter/archive/${r.id}`;
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
      return `<item><title>${escapeXml(rendered.subject)}</title><link>${escapeXml(link)}</link><guid isPermaLink="true">${escapeXml(link)}</guid><pubDate>${new Date(r.windowEnd).toUTCString()}</pubDate><description>${escapeXml(body)}</description></item>`;
    });
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${escapeXml(hub.title)} — ${hub.language === 'fr' ? 'lettres d’information' : 'newsletters'}</title><link>${escapeXml(hub.baseUrl)}/newsletter/archive</link><atom:link href="${escapeXml(hub.baseUrl)}/newsletter/archive.xml" rel="self" type="application/rss+xml"/><description>${escapeXml(escapeXml(hub.title)) /* HTML by custom in readers: the title is text */}</description><language>${hub.language}</language>${items.join('')}</channel></rss>\n`;
}
