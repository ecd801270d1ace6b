/** Upcoming events for the digest, from the agenda (occurrences expanded, cancelled ones left out). */
import { listOccurrences } from '../agenda/query.ts';
import type { EventsLoader } from './sources.ts';

/** At most this many occurrences are considered per digest (the message shows fewer). */
const MAX_EVENTS = 200;

export const agendaEvents: EventsLoader = async (deps, from, to) => {
  const list = await listOccurrences(deps, { from: new Date(from), to: new Date(to), limit: MAX_EVENTS });
  return list.map((o) => ({
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
