/** RSS 2.0 of the published digests (/newsletter/archive.xml): the unfiltered edition of each. */
import type { HubSettings } from '../../db/hub-settings.ts';
import type { DigestRow } from '../../db/schema/newsletter.ts';
import type { DigestContent } from './build.ts';
import { renderDigest } from './render.ts';

const x = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

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
      return `<item><title>${x(rendered.subject)}</title><link>${x(link)}</link><guid isPermaLink="true">${x(link)}</guid><pubDate>${new Date(r.windowEnd).toUTCString()}</pubDate><description>${x(body)}</description></item>`;
    });
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${x(hub.title)} — ${hub.language === 'fr' ? 'lettres d’information' : 'newsletters'}</title><link>${x(hub.baseUrl)}/newsletter/archive</link><atom:link href="${x(hub.baseUrl)}/newsletter/archive.xml" rel="self" type="application/rss+xml"/><description>${x(x(hub.title)) /* HTML by custom in readers: the title is text */}</description><language>${hub.language}</language>${items.join('')}</channel></rss>\n`;
}
