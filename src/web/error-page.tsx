/**
 * Not-found and bad-request answers: JSON for machines (/api/*, feeds, calendars, OPML), an
 * HTML page in the visitor's language for everyone else.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HubContext } from '../http.ts';
import { MessagePage, shellOf } from './message-page.tsx';
import { defineMessages } from './i18n.ts';
import { pageContext } from './page-context.ts';

const t = defineMessages({
  fr: {
    notFound: 'Page introuvable',
    notFoundText: (path: string) => `Il n’y a rien à l’adresse ${path}.`,
    badRequest: 'Demande incorrecte',
    home: 'Retour aux actualités',
  },
  en: {
    notFound: 'Page not found',
    notFoundText: (path: string) => `There is nothing at ${path}.`,
    badRequest: 'Bad request',
    home: 'Back to the news',
  },
});

/** Paths whose readers are programs: they get JSON errors. */
export function wantsJson(path: string): boolean {
  return path.startsWith('/api/') || /\.(xml|atom|json|ics|opml|rss)$/i.test(path);
}

export async function errorPage(
  c: HubContext,
  status: ContentfulStatusCode,
  message?: string,
): Promise<Response> {
  const path = new URL(c.req.url).pathname;
  const x = await pageContext(c);
  const m = t(x.lang);
  const title = status === 404 ? m.notFound : m.badRequest;
  const text = status === 404 ? m.notFoundText(path) : (message ?? m.badRequest);
  return c.html(
    <MessagePage
      {...shellOf(x)}
      title={title}
      text={text}
      status="bad"
      link={{ href: '/', label: m.home }}
    />,
    status,
  );
}
