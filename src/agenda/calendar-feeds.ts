/** /agenda.ics, /agenda.json and /events/:id.ics: the agenda for machines, with conditional GET. */
import { inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { events } from '../db/schema/events.ts';
import type { HubSettings } from '../db/hub-settings.ts';
import { eventProvenance, listEventIds, pageOccurrences, type Occurrence } from './query.ts';
import { formatAfter, windowShortened, type AgendaRequest } from './request.ts';
import { writeCalendar } from './ics.ts';
import { isoWithOffset } from './timezones.ts';
import { chunks, IN_LIST } from '../ingest/dedupe/chunk.ts';

/** The agenda as iCalendar: every event with an occurrence in range (cancelled ones included, marked). */
export async function agendaIcs(
  deps: Deps,
  hub: HubSettings,
  r: AgendaRequest,
  name: string,
): Promise<{ body: string; lastModified: number }> {
  // Every event of the window, each once with its series as RRULE: no occurrence count caps it.
  const ids = await listEventIds(deps, { ...r, limit: undefined, includeCancelled: true });
  return eventsIcs(deps, hub, ids, name);
}

/** iCalendar for the given event ids. */
export async function eventsIcs(
  deps: Deps,
  hub: HubSettings,
  ids: string[],
  name: string,
): Promise<{ body: string; lastModified: number }> {
  const rows = [];
  for (const part of chunks(ids, IN_LIST))
    rows.push(...(await deps.db.orm.select().from(events).where(inArray(events.id, part))));
  rows.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  const prov = await eventProvenance(deps, rows);
  const body = writeCalendar(
    rows.map((event) => ({ event, provenance: prov.get(event.id)! })),
    { calendarName: name, baseUrl: hub.baseUrl, timezone: hub.timezone },
  );
  return { body, lastModified: rows.reduce((m, e) => Math.max(m, e.updatedAt), 0) };
}

/** One occurrence in /agenda.json (and the shape other features can reuse). */
export function occurrenceJson(o: Occurrence, baseUrl: string) {
  const base = baseUrl.replace(/\/$/, '');
  return {
    id: o.eventId,
    title: o.title,
    start: isoWithOffset(o.start.getTime(), o.timezone),
    end: o.end ? isoWithOffset(o.end.getTime(), o.timezone) : null,
    all_day: o.allDay,
    timezone: o.timezone,
    status: o.status,
    location: o.location,
    url: o.url ?? o.links[0] ?? null,
    description: o.description,
    categories: o.categories,
    networks: o.networks,
    links: o.links,
    event_url: `${base}/events/${o.eventId}`,
    ics_url: `${base}/events/${o.eventId}.ics`,
  };
}

/** /agenda.json's page size when `limit=` is not given. */
export const DEFAULT_AGENDA_LIMIT = 500;

/** What the answer says of its window: the one asked for, the one answered, and why they differ. */
export function windowJson(r: AgendaRequest, zone: string) {
  const shortened = windowShortened(r);
  const iso = (d: Date) => isoWithOffset(d.getTime(), zone);
  return {
    from: iso(r.from),
    to: iso(r.to),
    kept_from: iso(r.kept.from),
    kept_to: iso(r.kept.to),
    shortened: shortened.from || shortened.to,
    notice: windowNotice(r, 'fr'),
  };
}

/** A sentence for people when the window answered is narrower than the one asked for. */
export function windowNotice(r: AgendaRequest, lang: 'fr' | 'en'): string | null {
  const { from, to } = windowShortened(r);
  if (!from && !to) return null;
  return lang === 'fr'
    ? 'Le hub garde les occurrences d’un mois en arrière à un an en avant : ' +
        'la période demandée a été réduite à cette plage.'
    : 'The hub keeps occurrences from one month back to one year ahead: ' +
        'the requested window was narrowed to that range.';
}

/** /agenda.json's body: one page of occurrences, next_url for the following one. */
export async function agendaJson(
  deps: Deps,
  hub: HubSettings,
  r: AgendaRequest,
): Promise<{ body: string; lastModified: number }> {
  const limit = r.limit ?? DEFAULT_AGENDA_LIMIT;
  const page = await pageOccurrences(deps, { ...r, includeCancelled: true, limit });
  const occ = page.occurrences;
  let nextUrl: string | null = null;
  if (page.next) {
    const p = new URLSearchParams(r.params);
    if (r.limit !== null) p.set('limit', String(r.limit));
    p.set('after', formatAfter(page.next));
    nextUrl = `${hub.baseUrl.replace(/\/$/, '')}/agenda.json?${p}`;
  }
  const body = JSON.stringify({
    title: `${hub.title} — agenda`,
    timezone: hub.timezone,
    from: isoWithOffset(r.requested.from.getTime(), hub.timezone),
    to: isoWithOffset(r.requested.to.getTime(), hub.timezone),
    window: windowJson(r, hub.timezone),
    events: occ.map((o) => occurrenceJson(o, hub.baseUrl)),
    ...(nextUrl ? { next_url: nextUrl } : {}),
  });
  return { body, lastModified: occ.length ? await lastUpdate(deps, occ) : 0 };
}

async function lastUpdate(deps: Deps, occ: Occurrence[]): Promise<number> {
  const ids = [...new Set(occ.map((o) => o.eventId))];
  let max = 0;
  for (const part of chunks(ids, IN_LIST)) {
    for (const r of await deps.db.orm
      .select({ u: events.updatedAt })
      .from(events)
      .where(inArray(events.id, part)))
      max = Math.max(max, r.u);
  }
  return max;
}
