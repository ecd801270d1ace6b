import { hubHref } from '../web/links.ts';
import type { RiverItem } from './river.ts';
import { defineMessages, formatDateTime, type Lang } from '../web/i18n.ts';

const t = defineMessages({
  fr: { by: 'Publié par', links: 'Lu aussi sur', author: 'par', via: 'via' },
  en: { by: 'Published by', links: 'Also seen at', author: 'by', via: 'via' },
});

/** Host name of a link, for a short label. */
function host(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return url;
  }
}

/** Only http(s) links become hrefs: a stored URL never turns into javascript:. */
function safeHref(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

export interface StoryProps {
  item: RiverItem;
  lang: Lang;
  timeZone: string;
  names: Map<string, { name: string }>;
  /** Heading level inside the page. */
  level?: 2 | 3;
  /** `lang=xx` when the reader chose a language by URL: links to the hub's pages keep it. */
  langParam: string;
}

/** One story of the river: title link, date, summary, every network that published it, links. */
export function Story({ item, lang, timeZone, names, level = 2, langParam }: StoryProps) {
  const m = t(lang);
  const href = safeHref(item.url) ?? safeHref(item.links[0]);
  const title = href ? <a href={href}>{item.title}</a> : item.title;
  const heading = level === 2 ? <h2>{title}</h2> : <h3>{title}</h3>;
  const links = item.links.filter((l) => safeHref(l));
  return (
    <article id={`item-${item.id}`} class="story">
      {heading}
      <p class="meta">
        <time datetime={new Date(item.publishedAt).toISOString()}>
          {formatDateTime(new Date(item.publishedAt), lang, timeZone)}
        </time>
        {item.author ? ` · ${m.author} ${item.author}` : ''}
      </p>
      {item.summary ? <p>{item.summary}</p> : null}
      <p class="provenance">
        {m.by}{' '}
        {item.networks.map((slug, i) => {
          const hub = (
            <a href={hubHref(`/networks/${slug}`, langParam)}>{names.get(slug)?.name ?? slug}</a>
          );
          // A member that is itself a hub: the networks it names, "Animacoop, via Hub Occitanie".
          const origins = (item.origins ?? []).filter((o) => o.via === slug);
          return (
            <>
              {i > 0 ? (item.origins?.length ? ' ; ' : ', ') : ''}
              {origins.length ? (
                <>
                  {origins.map((o) => o.name).join(', ')}, {m.via} {hub}
                </>
              ) : (
                hub
              )}
            </>
          );
        })}
        {links.length > 1 ? (
          <>
            {' · '}
            {m.links}{' '}
            {links.map((l, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <a href={l} rel="nofollow">
                  {host(l)}
                </a>
              </>
            ))}
          </>
        ) : null}
      </p>
    </article>
  );
}
