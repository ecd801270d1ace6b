/** /agenda.ics, /agenda.json and /events/:id.ics: the agenda for machines, with conditional GET. */
import { inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { events } from '../db/schema/events.ts';
import type { HubSettings } from '../db/hub-settings.ts';
import { eventProvenance, listOccurrences, type Occurrence } from './query.ts';
import type { AgendaRequest } from './request.ts';
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
  const occ = await listOccurrences(deps, { ...r, includeCancelled: true, limit: 5000 });
  const ids = [...new Set(occ.map((o) => o.eventId))];
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

/** /agenda.json's body. */
export async function agendaJson(
  deps: Deps,
  hub: HubSettings,
  r: AgendaRequest,
): Promise<{ body: string; lastModified: number }> {
  const occ = await listOccurrences(deps, { ...r, includeCancelled: true, limit: 2000 });
  const body = JSON.stringify({
    title: `${hub.title} — agenda`,
    timezone: hub.timezone,
    from: isoWithOffset(r.from.getTime(), hub.timezone),
    to: isoWithOffset(r.to.getTime(), hub.timezone),
    events: occ.map((o) => occurrenceJson(o, hub.baseUrl)),
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
