/**
 * Reading the agenda: occurrences in a range with their event and provenance, filtered the
 * INTERFACE.md way (network, tag, territory, q). Used by /agenda*, /events/:id and the digest.
 */
import { and, asc, eq, gt, gte, inArray, lt, or, like, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { events, eventOccurrences, eventSources, type EventRow } from '../db/schema/events.ts';
import { foldText } from '../ingest/dedupe/text.ts';
import { chunks, IN_LIST } from '../ingest/dedupe/chunk.ts';
import { resolveNetworks, searchWords, type Filters } from '../filter-grammar.ts';
import { filterNetworks } from '../federation/directory.ts';

/** The hub's filters (src/filter-grammar.ts); a caller may leave out those it does not use. */
export type AgendaFilters = Partial<Filters>;

export interface OccurrenceQuery extends AgendaFilters {
  from: Date;
  to: Date;
  limit?: number;
  /** Cancelled occurrences too (the page shows them struck through); default false. */
  includeCancelled?: boolean;
}

export interface Provenance {
  networks: string[];
  links: string[];
}

/** One occurrence of an event, with what a reader needs. */
export interface Occurrence extends Provenance {
  eventId: string;
  title: string;
  start: Date;
  end: Date | null;
  allDay: boolean;
  timezone: string;
  location: string | null;
  url: string | null;
  description: string | null;
  categories: string[];
  status: string;
  /** Recurrence-id instant for occurrences of a series. */
  recurrenceId: Date | null;
}

const fold = (s: string) => foldText(s);
/** Provenance of events: networks (those still publishing first) and every link. */
export async function eventProvenance(
  deps: Deps,
  eventList: Pick<EventRow, 'id' | 'url'>[],
): Promise<Map<string, Provenance>> {
  const out = new Map<string, Provenance>();
  for (const e of eventList) out.set(e.id, { networks: [], links: e.url ? [e.url] : [] });
  const ids = eventList.map((e) => e.id);
  for (const part of chunks(ids, IN_LIST)) {
    const rows = await deps.db.orm
      .select({
        eventId: eventSources.eventId,
        network: eventSources.networkSlug,
        url: eventSources.url,
        removed: eventSources.removed,
      })
      .from(eventSources)
      .where(inArray(eventSources.eventId, part))
      .orderBy(asc(eventSources.removed), asc(eventSources.id));
    for (const r of rows) {
      const p = out.get(r.eventId)!;
      if (!p.networks.includes(r.network)) p.networks.push(r.network);
      if (r.url && !p.links.includes(r.url)) p.links.push(r.url);
    }
  }
  return out;
}

/**
 * The SQL condition an event must meet for the network/territory/tag/q filters. Tags match a
 * network's tags or the event's categories: checked by `matchesTags` after the query.
 * Returns null when a filter can match nothing.
 */
export async function eventFilterCondition(
  deps: Deps,
  f: AgendaFilters,
): Promise<{ where: SQL | undefined; tagNetworks: Set<string> | null; tags: string[] } | null> {
  const conds: SQL[] = [];
  const filters = {
    networks: f.networks ?? [],
    tags: f.tags ?? [],
    territories: f.territories ?? [],
  };
  const needNetworks = filters.territories.length > 0 || filters.tags.length > 0;
  const { allowed, tagNetworks } = resolveNetworks(
    filters,
    needNetworks ? await filterNetworks(deps) : [],
  );
  if (allowed) {
    if (!allowed.size) return null;
    conds.push(
      inArray(
        events.id,
        deps.db.orm
          .select({ id: eventSources.eventId })
          .from(eventSources)
          .where(
            sql`${eventSources.networkSlug} in (select value from json_each(${JSON.stringify([...allowed])}))`,
          ),
      ),
    );
  }
  // Tags are matched after the query (categories need accent folding SQLite cannot do).
  const tags = filters.tags.map(fold).filter(Boolean);
  // search_text is stored folded; folded words hold no LIKE wildcard.
  for (const word of searchWords(f.q ?? null)) conds.push(like(events.searchText, `%${word}%`));
  return { where: conds.length ? and(...conds) : undefined, tagNetworks, tags };
}

/** Whether an event passes the tag filter (its networks' tags or its own categories). */
export function matchesTags(
  tags: string[],
  tagNetworks: Set<string> | null,
  categories: string[],
  eventNetworks: string[],
): boolean {
  if (!tags.length) return true;
  if (categories.some((c) => tags.includes(fold(c)))) return true;
  return !!tagNetworks && eventNetworks.some((n) => tagNetworks.has(n));
}

/** Occurrences overlapping [from, to), earliest first, with their event and provenance. */
export async function listOccurrences(deps: Deps, query: OccurrenceQuery): Promise<Occurrence[]> {
  const limit = Math.min(Math.max(query.limit ?? 500, 1), 5000);
  const filter = await eventFilterCondition(deps, query);
  if (!filter) return [];
  const from = query.from.getTime();
  const to = query.to.getTime();
  const conds: (SQL | undefined)[] = [
    lt(eventOccurrences.start, to),
    or(gt(eventOccurrences.end, from), gte(eventOccurrences.start, from)),
    filter.where,
  ];
  if (!query.includeCancelled)
    conds.push(eq(eventOccurrences.status, 'confirmed'), sql`${events.status} != 'cancelled'`);
  const rows = await deps.db.orm
    .select({ o: eventOccurrences, e: events })
    .from(eventOccurrences)
    .innerJoin(events, eq(events.id, eventOccurrences.eventId))
    .where(and(...conds))
    .orderBy(asc(eventOccurrences.start), asc(eventOccurrences.id))
    .limit(filter.tags.length ? 5000 : limit);
  const uniqueEvents = new Map(rows.map((r) => [r.e.id, r.e]));
  const prov = await eventProvenance(deps, [...uniqueEvents.values()]);
  const out: Occurrence[] = [];
  for (const { o, e } of rows) {
    const p = prov.get(e.id)!;
    if (!matchesTags(filter.tags, filter.tagNetworks, e.categories, p.networks)) continue;
    out.push({
      eventId: e.id,
      title: o.title ?? e.title,
      start: new Date(o.start),
      end: o.end === null ? null : new Date(o.end),
      allDay: e.allDay,
      timezone: e.timezone,
      location: o.location ?? e.location,
      url: e.url,
      description: e.description,
      categories: e.categories,
      status: e.status === 'cancelled' ? 'cancelled' : o.status,
      recurrenceId: o.recurrenceId === null ? null : new Date(o.recurrenceId),
      networks: p.networks,
      links: p.links,
    });
    if (out.length >= limit) break;
  }
  return out;
}

/** One event with its provenance and occurrences in the window; null when unknown. */
export async function getEvent(
  deps: Deps,
  id: string,
): Promise<{
  event: EventRow;
  provenance: Provenance;
  occurrences: {
    start: Date;
    end: Date | null;
    status: string;
    title: string | null;
    location: string | null;
  }[];
} | null> {
  const [event] = await deps.db.orm.select().from(events).where(eq(events.id, id));
  if (!event) return null;
  const prov = (await eventProvenance(deps, [event])).get(event.id)!;
  const occ = await deps.db.orm
    .select()
    .from(eventOccurrences)
    .where(eq(eventOccurrences.eventId, id))
    .orderBy(asc(eventOccurrences.start))
    .limit(1000);
  return {
    event,
    provenance: prov,
    occurrences: occ.map((o) => ({
      start: new Date(o.start),
      end: o.end === null ? null : new Date(o.end),
      status: event.status === 'cancelled' ? 'cancelled' : o.status,
      title: o.title,
      location: o.location,
    })),
  };
}
