/**
 * A network's next events on its page: the agenda filtered on that network, a few rows with
 * their day, time and place, and a link to the whole filtered agenda.
 */
import type { Deps } from '../deps.ts';
import { listOccurrences, type Occurrence } from '../agenda/query.ts';
import { defaultWindow } from '../agenda/window.ts';
import { defineMessages, formatDateTime, type Lang } from '../web/i18n.ts';
import { hubHref } from '../web/links.ts';

const UPCOMING = 5;

const t = defineMessages({
  fr: {
    title: 'Prochains événements',
    none: 'Aucun événement à venir dans l’agenda de ce réseau.',
    all: 'Tout l’agenda de ce réseau',
    allDay: 'toute la journée',
  },
  en: {
    title: 'Upcoming events',
    none: 'No upcoming events in this network’s agenda.',
    all: 'This network’s whole agenda',
    allDay: 'all day',
  },
});

/** The agenda's default window (today's events onwards), as the agenda widget beside it shows. */
export function upcomingEvents(deps: Deps, slug: string, zone: string): Promise<Occurrence[]> {
  return listOccurrences(deps, {
    networks: [slug],
    ...defaultWindow(deps.clock.now(), zone),
    limit: UPCOMING,
  });
}

export function UpcomingEvents(p: {
  slug: string;
  occurrences: Occurrence[];
  lang: Lang;
  timeZone: string;
  langParam: string;
}) {
  const m = t(p.lang);
  return (
    <section aria-labelledby="upcoming">
      <h2 id="upcoming">{m.title}</h2>
      {p.occurrences.length === 0 ? (
        <p>{m.none}</p>
      ) : (
        <ul class="sources">
          {p.occurrences.map((o) => {
            // An all-day event is a date where it happens; a timed one is shown in the hub's zone.
            const when = o.allDay
              ? `${formatDateTime(o.start, p.lang, o.timezone, { dateStyle: 'full' })}, ${m.allDay}`
              : formatDateTime(o.start, p.lang, p.timeZone, {
                  dateStyle: 'full',
                  timeStyle: 'short',
                });
            return (
              <li>
                <a href={hubHref(`/events/${o.eventId}`, p.langParam)}>{o.title}</a>{' '}
                <span class="muted">
                  · <time datetime={o.start.toISOString()}>{when}</time>
                  {o.location ? ` · ${o.location}` : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <a href={hubHref('/agenda', p.langParam, new URLSearchParams({ network: p.slug }))}>
          {m.all} →
        </a>
      </p>
    </section>
  );
}
