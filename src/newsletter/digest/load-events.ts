/** Upcoming events for the digest, from the agenda (occurrences expanded, cancelled ones left out). */
import { inArray } from 'drizzle-orm';
import { listOccurrences } from '../../agenda/query.ts';
import { events } from '../../db/schema/index.ts';
import type { EventsLoader } from './load-content.ts';

/** At most this many occurrences are considered per digest (the message shows fewer). */
const MAX_EVENTS = 200;

export const agendaEvents: EventsLoader = async (deps, from, to) => {
  const list = await listOccurrences(deps, {
    from: new Date(from),
    to: new Date(to),
    limit: MAX_EVENTS,
  });
  const ids = [...new Set(list.map((o) => o.eventId))];
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await deps.db.orm
      .select({ id: events.id, firstSeenAt: events.firstSeenAt })
      .from(events)
      .where(inArray(events.id, ids.slice(i, i + 90)));
    for (const r of rows) seen.set(r.id, r.firstSeenAt);
  }
  return list.map((o) => ({
    firstSeenAt: seen.get(o.eventId),
    id: o.eventId,
    title: o.title,
    start: o.start.getTime(),
    end: o.end?.getTime() ?? null,
    allDay: o.allDay,
    timezone: o.timezone,
    location: o.location,
    url: o.url ?? o.links[0] ?? null,
    networks: o.networks,
  }));
};
