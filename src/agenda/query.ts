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

/**
 * Where a page of occurrences stopped: the last one's start and event. Occurrence rows are
 * rewritten when a calendar changes, so their ids are no cursor; (start, event) names an
 * occurrence for readers (one event has one occurrence per instant).
 */
export interface OccurrenceCursor {
  start: number;
  eventId: string;
}

export interface OccurrencePage {
  occurrences: Occurrence[];
  /** Where the next page starts; null when this one holds the last occurrence. */
  next: OccurrenceCursor | null;
}

/** Rows read per query while the tag filter (checked after the query) drops some. */
const SCAN_BATCH = 500;

/**
 * One page of occurrences overlapping [from, to), earliest first, after `after`: `limit` of
 * them and the cursor of the next page, however many the range holds (no hidden cap).
 */
export async function pageOccurrences(
  deps: Deps,
  query: OccurrenceQuery & { limit: number; after?: OccurrenceCursor | null },
): Promise<OccurrencePage> {
  const from = query.from.getTime();
  const to = query.to.getTime();
  // An empty window (asked wholly outside the kept range) holds nothing, not what spans it.
  if (to <= from) return { occurrences: [], next: null };
  const filter = await eventFilterCondition(deps, query);
  if (!filter) return { occurrences: [], next: null };
  const base: (SQL | undefined)[] = [
    lt(eventOccurrences.start, to),
    or(gt(eventOccurrences.end, from), gte(eventOccurrences.start, from)),
    filter.where,
  ];
  if (!query.includeCancelled)
    base.push(eq(eventOccurrences.status, 'confirmed'), sql`${events.status} != 'cancelled'`);
  // One more than the page, to know whether another follows; more while tags may drop rows.
  const batch = filter.tags.length ? Math.max(SCAN_BATCH, query.limit + 1) : query.limit + 1;
  const out: Occurrence[] = [];
  let scan = query.after ?? null;
  for (;;) {
    const after = scan
      ? and(
          gte(eventOccurrences.start, scan.start),
          or(gt(eventOccurrences.start, scan.start), gt(eventOccurrences.eventId, scan.eventId)),
        )
      : undefined;
    const rows = await deps.db.orm
      .select({ o: eventOccurrences, e: events })
      .from(eventOccurrences)
      .innerJoin(events, eq(events.id, eventOccurrences.eventId))
      .where(and(...base, after))
      .orderBy(asc(eventOccurrences.start), asc(eventOccurrences.eventId), asc(eventOccurrences.id))
      .limit(batch);
    const prov = await eventProvenance(deps, [...new Map(rows.map((r) => [r.e.id, r.e])).values()]);
    for (const { o, e } of rows) {
      // A second row for one event at one instant (a calendar listing it twice) is one occurrence.
      if (scan && scan.start === o.start && scan.eventId === e.id) continue;
      scan = { start: o.start, eventId: e.id };
      const p = prov.get(e.id)!;
      if (!matchesTags(filter.tags, filter.tagNetworks, e.categories, p.networks)) continue;
      if (out.length === query.limit) {
        const last = out[out.length - 1]!;
        return { occurrences: out, next: { start: last.start.getTime(), eventId: last.eventId } };
      }
      out.push(occurrenceOf(o, e, p));
    }
    if (rows.length < batch) return { occurrences: out, next: null };
  }
}

function occurrenceOf(
  o: typeof eventOccurrences.$inferSelect,
  e: EventRow,
  p: Provenance,
): Occurrence {
  return {
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
  };
}

/** The first `limit` occurrences overlapping [from, to) (default 500), earliest first. */
export async function listOccurrences(deps: Deps, query: OccurrenceQuery): Promise<Occurrence[]> {
  return (await pageOccurrences(deps, { ...query, limit: Math.max(query.limit ?? 500, 1) }))
    .occurrences;
}

/**
 * Every event with an occurrence overlapping [from, to) that passes the filters, earliest
 * first: /agenda.ics writes each once, its series as RRULE, so no occurrence count caps it.
 */
export async function listEventIds(deps: Deps, query: OccurrenceQuery): Promise<string[]> {
  const from = query.from.getTime();
  const to = query.to.getTime();
  if (to <= from) return [];
  const filter = await eventFilterCondition(deps, query);
  if (!filter) return [];
  const live = query.includeCancelled
    ? sql``
    : sql` and o.status = 'confirmed' and ${events.status} != 'cancelled'`;
  const rows = await deps.db.orm
    .select({ id: events.id, url: events.url, categories: events.categories })
    .from(events)
    .where(
      and(
        filter.where,
        sql`exists (select 1 from event_occurrences o where o.event_id = ${events.id}
          and o.start < ${to} and (o.end > ${from} or o.start >= ${from})${live})`,
      ),
    )
    .orderBy(asc(events.start), asc(events.id));
  if (!filter.tags.length) return rows.map((r) => r.id);
  const prov = await eventProvenance(deps, rows);
  return rows
    .filter((r) =>
      matchesTags(filter.tags, filter.tagNetworks, r.categories, prov.get(r.id)!.networks),
    )
    .map((r) => r.id);
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
