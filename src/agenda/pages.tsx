/** The agenda pages: /agenda (by day, filters, subscribe) and /events/:id. No JavaScript. */
import { MessagePage, type PageShell } from '../web/message-page.tsx';
import type { Lang } from '../web/i18n.ts';
import { defineMessages, formatDateTime } from '../web/i18n.ts';
import { Layout, type Alternate } from '../web/layout.tsx';
import { hubHref } from '../web/links.ts';
import type { Occurrence } from './query.ts';
import { localDate } from './timezones.ts';
import { foldText } from '../ingest/dedupe/text.ts';

export const m = defineMessages({
  fr: {
    title: 'Agenda',
    intro: 'Les événements des réseaux membres, rassemblés. Heures à l’heure de',
    filters: 'Filtrer l’agenda',
    network: 'Réseau',
    any: 'Tous',
    tag: 'Thème',
    territory: 'Territoire',
    q: 'Recherche',
    from: 'Du',
    to: 'Au',
    apply: 'Filtrer',
    reset: 'Tout afficher',
    subscribe: 'S’abonner à cet agenda (webcal)',
    download: 'Télécharger (.ics)',
    json: 'JSON',
    empty: 'Aucun événement ne correspond.',
    more: 'Événements suivants',
    allDay: 'Toute la journée',
    until: (d: string) => `jusqu’au ${d}`,
    place: 'Lieu :',
    by: 'Publié par',
    link: 'Voir sur le site',
    add: 'Ajouter à mon agenda',
    cancelled: 'Annulé',
    badQuery: 'Filtre invalide',
    notFound: 'Événement introuvable',
    notFoundText: 'Cet événement n’existe pas ou plus.',
    back: 'Retour à l’agenda',
    when: 'Quand',
    dates: 'Prochaines dates',
    repeats: 'Événement récurrent',
    description: 'Description',
    shownIn: (tz: string) => `Heures affichées à l’heure de ${tz}.`,
    localTime: (t: string, tz: string) => `${t} heure locale (${tz})`,
  },
  en: {
    title: 'Agenda',
    intro: 'Events of the member networks in one place. Times in',
    filters: 'Filter the agenda',
    network: 'Network',
    any: 'All',
    tag: 'Topic',
    territory: 'Territory',
    q: 'Search',
    from: 'From',
    to: 'To',
    apply: 'Filter',
    reset: 'Show all',
    subscribe: 'Subscribe to this agenda (webcal)',
    download: 'Download (.ics)',
    json: 'JSON',
    empty: 'No event matches.',
    more: 'Later events',
    allDay: 'All day',
    until: (d: string) => `until ${d}`,
    place: 'Place:',
    by: 'Published by',
    link: 'See on the website',
    add: 'Add to my calendar',
    cancelled: 'Cancelled',
    badQuery: 'Invalid filter',
    notFound: 'Event not found',
    notFoundText: 'This event does not exist (any more).',
    back: 'Back to the agenda',
    when: 'When',
    dates: 'Next dates',
    repeats: 'Recurring event',
    description: 'Description',
    shownIn: (tz: string) => `Times shown in ${tz} time.`,
    localTime: (t: string, tz: string) => `${t} local time (${tz})`,
  },
});

const css = `
.agenda-day{margin-top:1.5rem}.agenda-day>h2{border-bottom:2px solid var(--accent);\
padding-bottom:.2rem}
ul.events{list-style:none;padding:0;margin:0}ul.events>li{border-bottom:1px solid var(--line);\
padding:.7rem 0}
.event h3{margin:0 0 .2rem;font-size:1.1rem;line-height:1.3}.event p{margin:.15rem 0}.event \
.time{font-weight:600}
.cancelled h3{text-decoration:line-through}.badge{display:inline-block;font-size:.8rem;\
font-weight:700;color:var(--bad);border:1px solid var(--bad);border-radius:.3rem;padding:0 .3rem;\
margin-left:.3rem;text-decoration:none}
details.filters{margin:1rem 0}details.filters>summary{cursor:pointer;font-weight:600;\
color:var(--link)}
.actions{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:.95rem}.subscribe{display:flex;\
flex-wrap:wrap;gap:.3rem 1rem}
`;

export interface NetworkOption {
  slug: string;
  name: string;
  territory: string | null;
}

interface AgendaPageProps {
  lang: Lang;
  hubTitle: string;
  hubTimezone: string;
  baseUrl: string;
  path: string;
  langParam: string;
  params: URLSearchParams;
  networks: NetworkOption[];
  occurrences: Occurrence[];
  error?: string;
  /** Said when the window answered is narrower than the one asked for (calendar-feeds.ts). */
  notice?: string | null;
  /** The page after this one (`after=`), when the window holds more. */
  nextHref?: string | null;
}

function timeText(o: Occurrence, lang: Lang, tz: string): string {
  const mm = m(lang);
  const dayOpts: Intl.DateTimeFormatOptions = { dateStyle: 'long' };
  if (o.allDay) {
    const last = o.end ? new Date(o.end.getTime() - 1) : o.start;
    return localDate(last.getTime(), o.timezone) !== localDate(o.start.getTime(), o.timezone)
      ? `${mm.allDay}, ${mm.until(formatDateTime(last, lang, o.timezone, dayOpts))}`
      : mm.allDay;
  }
  const t = (d: Date) => formatDateTime(d, lang, tz, { timeStyle: 'short' });
  if (!o.end) return t(o.start);
  if (localDate(o.end.getTime(), tz) !== localDate(o.start.getTime(), tz))
    return (
      `${t(o.start)} – ` +
      `${formatDateTime(o.end, lang, tz, { dateStyle: 'long', timeStyle: 'short' })}`
    );
  return `${t(o.start)} – ${t(o.end)}`;
}

/** The local time where the event happens, when that zone is not the hub's. */
function elsewhere(o: Occurrence, lang: Lang, tz: string): string | null {
  if (o.allDay || o.timezone === tz || o.timezone === 'UTC') return null;
  return m(lang).localTime(
    formatDateTime(o.start, lang, o.timezone, { timeStyle: 'short' }),
    o.timezone,
  );
}

function EventItem(p: {
  o: Occurrence;
  lang: Lang;
  tz: string;
  names: Map<string, string>;
  langParam: string;
}) {
  const mm = m(p.lang);
  const { o } = p;
  const cancelled = o.status === 'cancelled';
  const here = elsewhere(o, p.lang, p.tz);
  const eventHref = hubHref(`/events/${o.eventId}`, p.langParam);
  return (
    <li class={cancelled ? 'event cancelled' : 'event'}>
      <h3>
        <a href={eventHref}>{o.title}</a>
        {cancelled ? <span class="badge">{mm.cancelled}</span> : null}
      </h3>
      <p class="time">
        <time datetime={o.start.toISOString()}>{timeText(o, p.lang, p.tz)}</time>
        {here ? <span class="muted"> · {here}</span> : null}
      </p>
      {o.location ? (
        <p class="place">
          <span class="muted">{mm.place}</span> {o.location}
        </p>
      ) : null}
      <p class="provenance">
        {mm.by}{' '}
        {o.networks.map((n, i) => (
          <>
            {i ? ', ' : ''}
            <a href={hubHref(`/networks/${n}`, p.langParam)}>{p.names.get(n) ?? n}</a>
          </>
        ))}
      </p>
      <p class="actions">
        {(o.url ?? o.links[0]) ? (
          <a href={o.url ?? o.links[0]}>
            {mm.link}
            <span class="sr-label"> : {o.title}</span>
          </a>
        ) : null}
        <a href={`/events/${o.eventId}.ics`} type="text/calendar">
          {mm.add}
          <span class="sr-label"> : {o.title}</span>
        </a>
      </p>
    </li>
  );
}

/** Groups occurrences by day in the hub's zone, keeping order. */
function byDay(list: Occurrence[], tz: string): [string, Occurrence[]][] {
  const groups = new Map<string, Occurrence[]>();
  for (const o of list) {
    const key = o.allDay
      ? localDate(o.start.getTime(), o.timezone)
      : localDate(o.start.getTime(), tz);
    const g = groups.get(key) ?? [];
    g.push(o);
    groups.set(key, g);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

function dayHeading(day: string, lang: Lang): string {
  const [y, mo, d] = day.split('-').map(Number);
  const text = formatDateTime(new Date(Date.UTC(y!, mo! - 1, d!)), lang, 'UTC', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The /agenda page. */
export function AgendaPage(p: AgendaPageProps) {
  const mm = m(p.lang);
  const names = new Map(p.networks.map((n) => [n.slug, n.name]));
  const territories = [
    ...new Set(p.networks.map((n) => n.territory).filter((t): t is string => !!t)),
  ].sort();
  const chosen = new Set(p.params.getAll('network'));
  const chosenTerritories = new Set(p.params.getAll('territory').map(foldText));
  const qs = p.params.toString();
  const icsPath = `/agenda.ics${qs ? `?${qs}` : ''}`;
  const webcal = `${p.baseUrl.replace(/^https?:\/\//, 'webcal://').replace(/\/$/, '')}${icsPath}`;
  const alternates: Alternate[] = qs
    ? [{ type: 'text/calendar', title: `${p.hubTitle} — agenda (filtré)`, href: icsPath }]
    : [];
  const days = byDay(p.occurrences, p.hubTimezone);
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={mm.title}
      path={p.path}
      langParam={p.langParam}
      alternates={alternates}
    >
      <style>{css}</style>
      <h1>{mm.title}</h1>
      <p class="muted">{mm.shownIn(p.hubTimezone)}</p>
      <details class="filters" open={!!qs || !!p.error}>
        <summary>{mm.filters}</summary>
        <form class="filters" method="get" action="/agenda" aria-label={mm.filters}>
          <label>
            {mm.network}
            <select name="network" multiple={chosen.size > 1}>
              <option value="">{mm.any}</option>
              {p.networks.map((n) => (
                <option value={n.slug} selected={chosen.has(n.slug)}>
                  {n.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {mm.territory}
            <select name="territory" multiple={chosenTerritories.size > 1}>
              <option value="">{mm.any}</option>
              {territories.map((t) => (
                <option value={t} selected={chosenTerritories.has(foldText(t))}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          {/* One box per chosen tag (any of them matches) and one to add another. */}
          {[...p.params.getAll('tag'), ''].map((tag) => (
            <label>
              {mm.tag}
              <input type="text" name="tag" value={tag} />
            </label>
          ))}
          <label>
            {mm.q}
            <input type="search" name="q" value={p.params.get('q') ?? ''} />
          </label>
          <label>
            {mm.from}
            <input type="date" name="from" value={p.params.get('from') ?? ''} />
          </label>
          <label>
            {mm.to}
            <input type="date" name="to" value={p.params.get('to') ?? ''} />
          </label>
          {p.langParam ? <input type="hidden" name="lang" value={p.langParam.slice(5)} /> : null}
          <button type="submit">{mm.apply}</button>
          {qs ? <a href={hubHref('/agenda', p.langParam)}>{mm.reset}</a> : null}
        </form>
      </details>
      <p class="subscribe">
        <a href={webcal}>{mm.subscribe}</a>
        <a href={icsPath} type="text/calendar">
          {mm.download}
        </a>
        <a href={`/agenda.json${qs ? `?${qs}` : ''}`} type="application/json">
          {mm.json}
        </a>
      </p>
      {p.error ? (
        <p role="alert" class="bad">
          <strong>{mm.badQuery} :</strong> {p.error}
        </p>
      ) : null}
      {p.notice ? (
        <p role="status" class="muted">
          {p.notice}
        </p>
      ) : null}
      {!p.error && !days.length ? <p>{mm.empty}</p> : null}
      {days.map(([day, list]) => (
        <section class="agenda-day" aria-labelledby={`d-${day}`}>
          <h2 id={`d-${day}`}>
            <time datetime={day}>{dayHeading(day, p.lang)}</time>
          </h2>
          <ul class="events">
            {list.map((o) => (
              <EventItem
                o={o}
                lang={p.lang}
                tz={p.hubTimezone}
                names={names}
                langParam={p.langParam}
              />
            ))}
          </ul>
        </section>
      ))}
      {p.nextHref ? (
        <nav class="pager" aria-label={mm.more}>
          <a href={p.nextHref} rel="next">
            {mm.more} →
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}

interface EventPageProps {
  lang: Lang;
  hubTitle: string;
  hubTimezone: string;
  path: string;
  langParam: string;
  networks: NetworkOption[];
  /** Upcoming occurrences of the event (the next one first). */
  occurrences: Occurrence[];
  title: string;
  description: string | null;
  rrule: string | null;
}

/** /events/:id. */
export function EventPage(p: EventPageProps) {
  const mm = m(p.lang);
  const names = new Map(p.networks.map((n) => [n.slug, n.name]));
  const first = p.occurrences[0];
  return (
    <Layout
      lang={p.lang}
      hubTitle={p.hubTitle}
      title={p.title}
      path={p.path}
      langParam={p.langParam}
    >
      <style>{css}</style>
      <p>
        <a href={hubHref('/agenda', p.langParam)}>← {mm.back}</a>
      </p>
      <h1>{p.title}</h1>
      {p.rrule ? <p class="muted">{mm.repeats}</p> : null}
      {p.description ? (
        <section aria-label={mm.description}>
          {p.description.split(/\n+/).map((line) => (
            <p>{line}</p>
          ))}
        </section>
      ) : null}
      <h2>{p.rrule ? mm.dates : mm.when}</h2>
      <ul class="events">
        {p.occurrences.slice(0, 20).map((o) => (
          <li class={o.status === 'cancelled' ? 'event cancelled' : 'event'}>
            <h3>
              {dayHeading(
                o.allDay
                  ? localDate(o.start.getTime(), o.timezone)
                  : localDate(o.start.getTime(), p.hubTimezone),
                p.lang,
              )}
              {o.status === 'cancelled' ? <span class="badge">{mm.cancelled}</span> : null}
            </h3>
            <p class="time">
              <time datetime={o.start.toISOString()}>{timeText(o, p.lang, p.hubTimezone)}</time>
              {elsewhere(o, p.lang, p.hubTimezone) ? (
                <span class="muted"> · {elsewhere(o, p.lang, p.hubTimezone)}</span>
              ) : null}
            </p>
            {o.location ? (
              <p class="place">
                <span class="muted">{mm.place}</span> {o.location}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {first ? (
        <>
          <p class="provenance">
            {mm.by}{' '}
            {first.networks.map((n, i) => (
              <>
                {i ? ', ' : ''}
                <a href={hubHref(`/networks/${n}`, p.langParam)}>{names.get(n) ?? n}</a>
              </>
            ))}
          </p>
          <p class="actions">
            {first.links.map((l) => (
              <a href={l}>{mm.link}</a>
            ))}
            <a href={`${p.path.split('?')[0]}.ics`} type="text/calendar">
              {mm.add}
            </a>
          </p>
        </>
      ) : null}
    </Layout>
  );
}

/** The 404 page of /events/:id. */
export function EventNotFound(p: PageShell) {
  const mm = m(p.lang);
  return (
    <MessagePage
      {...p}
      title={mm.notFound}
      text={mm.notFoundText}
      status="bad"
      link={{ href: '/agenda', label: mm.back }}
    />
  );
}
