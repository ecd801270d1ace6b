/**
 * The widgets' HTML: a compact list without the site's header and footer, meant to be framed
 * on a member's site. Every link is absolute and opens on the hub (or the story's own site) in
 * a new tab, so the frame never navigates away from the member's page.
 */
import { hubHref } from '../web/links.ts';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Lang } from '../web/i18n.ts';
import { defineMessages, formatDateTime } from '../web/i18n.ts';
import type { RiverItem } from '../news/river.ts';
import type { Occurrence } from '../agenda/query.ts';
import type { EmbedTheme } from './request.ts';
import { embedCss } from './style.ts';

export const embedMessages = defineMessages({
  fr: {
    news: 'Actualités',
    agenda: 'Agenda',
    allNews: 'Toutes les actualités',
    allAgenda: 'Tout l’agenda',
    noNews: 'Aucune actualité pour le moment.',
    noEvents: 'Aucun événement à venir.',
    allDay: 'toute la journée',
    on: 'sur',
  },
  en: {
    news: 'News',
    agenda: 'Agenda',
    allNews: 'All the news',
    allAgenda: 'The whole agenda',
    noNews: 'No news yet.',
    noEvents: 'No upcoming events.',
    allDay: 'all day',
    on: 'on',
  },
});

/** Only http(s) links become hrefs: a stored URL never turns into javascript:. */
function safeHref(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

export interface EmbedFrame {
  lang: Lang;
  theme: EmbedTheme;
  hubTitle: string;
  /** Where the heading and "see everything" link point, absolute. */
  moreHref: string;
}

/** The list and its two links, shared by the page and the script embed. */
export function EmbedBody(p: EmbedFrame & { heading: string; more: string; children: Child }) {
  return (
    <div class={`intercoop-embed theme-${p.theme}`} lang={p.lang}>
      <p class="ie-head">
        <a href={p.moreHref} target="_blank" rel="noopener">
          {p.heading} · {p.hubTitle}
        </a>
      </p>
      {p.children}
      <p class="ie-more">
        <a href={p.moreHref} target="_blank" rel="noopener">
          {p.more} {embedMessages(p.lang).on} {p.hubTitle} →
        </a>
      </p>
    </div>
  );
}

/** The page an iframe loads: the body and its style, nothing else. */
export function EmbedPage(p: { frame: EmbedFrame; title: string; children: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={p.frame.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <base target="_blank" />
          <title>{p.title}</title>
          <style dangerouslySetInnerHTML={{ __html: embedCss(p.frame.theme) }} />
        </head>
        <body>{p.children}</body>
      </html>
    </>
  );
}

export function NewsRows(p: {
  items: RiverItem[];
  lang: Lang;
  timeZone: string;
  names: Map<string, string>;
}) {
  if (p.items.length === 0) return <p class="ie-empty">{embedMessages(p.lang).noNews}</p>;
  return (
    <ul class="ie-list">
      {p.items.map((item) => {
        const href = safeHref(item.url) ?? safeHref(item.links[0]);
        const published = new Date(item.publishedAt);
        return (
          <li>
            <a class="ie-title" href={href} target="_blank" rel="noopener">
              {item.title}
            </a>
            <span class="ie-meta">
              <time datetime={published.toISOString()}>
                {formatDateTime(published, p.lang, p.timeZone, { dateStyle: 'medium' })}
              </time>
              {' · '}
              {item.networks.map((slug) => p.names.get(slug) ?? slug).join(', ')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function AgendaRows(p: {
  occurrences: Occurrence[];
  lang: Lang;
  timeZone: string;
  baseUrl: string;
  names: Map<string, string>;
}) {
  const m = embedMessages(p.lang);
  if (p.occurrences.length === 0) return <p class="ie-empty">{m.noEvents}</p>;
  return (
    <ul class="ie-list">
      {p.occurrences.map((o) => {
        const zone = o.allDay ? o.timezone : p.timeZone;
        const day = formatDateTime(o.start, p.lang, zone, {
          weekday: 'short',
          day: 'numeric',
          month: 'short',
        });
        const when = o.allDay
          ? `${day}, ${m.allDay}`
          : `${day}, ${formatDateTime(o.start, p.lang, zone, { timeStyle: 'short' })}`;
        const where = [o.location, o.networks.map((n) => p.names.get(n) ?? n).join(', ')]
          .filter(Boolean)
          .join(' · ');
        return (
          <li class={o.status === 'cancelled' ? 'ie-cancelled' : undefined}>
            <a
              class="ie-title"
              href={hubHref(`${p.baseUrl}/events/${o.eventId}`, `lang=${p.lang}`)}
              target="_blank"
              rel="noopener"
            >
              {o.title}
            </a>
            <span class="ie-meta">
              <time datetime={o.start.toISOString()}>{when}</time>
              {where ? ` · ${where}` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
