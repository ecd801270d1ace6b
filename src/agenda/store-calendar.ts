/**
 * Stores one calendar document of a source: events created, updated, relays merged into the
 * event they repeat, events the source dropped marked cancelled (kept, never deleted).
 * Change detection hashes the meaningful fields (DTSTAMP ignored): a re-pull of an unchanged
 * calendar writes nothing, except rolling forward once a day what the moving window brings in
 * (series, and events announced beyond the window when first read).
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { insertGroups, type Statement } from '../db/client.ts';
import {
  events,
  eventOccurrences,
  eventSources,
  type EventRow,
  type EventSourceRow,
} from '../db/schema/events.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { readHubSettings } from '../db/hub-settings.ts';
import { sha256Hex } from '../shared/hash.ts';
import { mergeReasonWords } from '../ingest/dedupe/merge-reasons.ts';
import { foldText } from '../ingest/dedupe/text.ts';
import { IngestError, type StoreResult } from '../ingest/types.ts';
import { ITEMS_PER_SLICE, yieldToEventLoop } from '../ingest/yield.ts';
import {
  DEFAULT_AHEAD_MS,
  looksLikeCalendar,
  parseCalendar,
  type ParsedCalendar,
  type ParsedEvent,
  type ParseCalendarOptions,
} from './parse-calendar.ts';
import { eventTitleKey, sameEvent, type EventMerge } from './event-similarity.ts';
import { chunks, IN_LIST } from '../ingest/dedupe/chunk.ts';

/** Whether a fetched document is an iCalendar stream (refresh.ts routes it here). */
export function isCalendar(text: string): boolean {
  return looksLikeCalendar(text);
}

/** Window and caps; the defaults suit production (a year ahead, a month back, with margins). */
export type StoreCalendarOptions = Pick<
  ParseCalendarOptions,
  'pastMs' | 'aheadMs' | 'maxEvents' | 'maxOccurrencesPerEvent'
>;

const ROLL_EVERY_MS = 24 * 3600_000;

/** The hash of what matters in an event: its republished components (DTSTAMP removed) and zone. */
function contentHash(ev: ParsedEvent): string {
  return sha256Hex(JSON.stringify([ev.timezone, ev.components]));
}

function eventIdFor(source: SourceRow, uid: string): string {
  return sha256Hex(`${source.id}\u0000${uid}`).slice(0, 20);
}

function eventValues(ev: ParsedEvent, now: number, windowEnd: number) {
  return {
    uid: ev.uid,
    title: ev.title ?? '(sans titre)',
    description: ev.description,
    location: ev.location,
    url: ev.url,
    categories: ev.categories,
    status: ev.status,
    start: ev.start,
    end: ev.end,
    allDay: ev.allDay,
    timezone: ev.timezone,
    rrule: ev.rrule,
    components: ev.components,
    titleKey: eventTitleKey(ev.title),
    searchText: foldText(
      [ev.title, ev.location, ev.description, ev.categories.join(' ')].filter(Boolean).join(' '),
    ).slice(0, 4000),
    expandedUntil: windowEnd,
    updatedAt: now,
  };
}

function occurrenceInserts(deps: Deps, eventId: string, ev: ParsedEvent): Statement[] {
  const rows = ev.occurrences.map((o) => ({
    eventId,
    start: o.start,
    end: o.end,
    recurrenceId: o.recurrenceId,
    status: o.status,
    title: o.title,
    location: o.location,
  }));
  return insertGroups(deps.db, eventOccurrences, rows).map((group) =>
    deps.db.orm.insert(eventOccurrences).values(group),
  );
}

/** What the reader needs besides the document: the hub's zone and the time it reads at. */
export async function calendarReadOptions(
  deps: Deps,
  options: StoreCalendarOptions = {},
): Promise<ParseCalendarOptions> {
  const hub = await readHubSettings(deps.db);
  return { now: deps.clock.now(), hubTimezone: hub.timezone, ...options };
}

/**
 * Reads `text` (an iCalendar document of `source`) and writes its events. Throws IngestError
 * ('parse_error' / 'not_a_feed') when nothing is readable; single bad events are skipped and
 * logged. Returns how many events were new, updated (including ones marked cancelled) or unchanged.
 */
export async function storeCalendar(
  deps: Deps,
  source: SourceRow,
  text: string,
  options: StoreCalendarOptions = {},
): Promise<StoreResult> {
  const parsed = parseCalendar(text, await calendarReadOptions(deps, options));
  return storeParsedCalendar(deps, source, parsed, options);
}

/** Writes a calendar already read (on Node, by a reader thread: ingest/feed-reader.ts). */
export async function storeParsedCalendar(
  deps: Deps,
  source: SourceRow,
  parsed: ParsedCalendar,
  options: Pick<StoreCalendarOptions, 'aheadMs'> = {},
): Promise<StoreResult> {
  const now = deps.clock.now().getTime();
  if (parsed.errors.length)
    deps.log.warn('calendar events skipped', {
      sourceId: source.id,
      errors: parsed.errors.slice(0, 10),
      count: parsed.errors.length,
    });
  // Where parseCalendar stopped expanding: the same default.
  const windowEnd = now + (options.aheadMs ?? DEFAULT_AHEAD_MS);
  const orm = deps.db.orm;

  const known = new Map<string, EventSourceRow>();
  for (const row of await orm
    .select()
    .from(eventSources)
    .where(eq(eventSources.sourceId, source.id)))
    known.set(row.uid, row);
  // Everything the loop needs, read up front in chunks (one query per event would crawl on D1).
  const knownEvents = await loadEvents(deps, [
    ...new Set([...known.values()].map((r) => r.eventId)),
  ]);
  const provenance = await loadProvenance(deps, [...knownEvents.keys()]);
  const relayPool = await loadRelayCandidates(
    deps,
    source,
    parsed.events.filter((e) => !known.has(e.uid)).map((e) => e.start),
  );

  const result: StoreResult = {
    new: 0,
    updated: 0,
    unchanged: 0,
    ...(parsed.truncation ? { truncated: parsed.truncation } : {}),
  };
  const seen = new Set<string>();
  let pending: Statement[] = [];
  const flush = async () => {
    if (pending.length) await deps.db.batch(pending);
    pending = [];
  };

  let handled = 0;
  for (const ev of parsed.events) {
    if (seen.has(ev.uid)) continue;
    seen.add(ev.uid);
    const hash = contentHash(ev);
    const mine = known.get(ev.uid);
    if (mine) {
      const event = knownEvents.get(mine.eventId);
      if (!event) continue;
      const primaryGone =
        event.primarySourceId !== source.id &&
        (provenance.get(event.id) ?? []).every(
          (r) => r.sourceId !== event.primarySourceId || r.removed,
        );
      const owns = event.primarySourceId === source.id || primaryGone;
      if (mine.contentHash === hash && !mine.removed) {
        result.unchanged++;
        // Roll forward as the window moves, without counting it as a change, what may have
        // occurrences past the stored expansion: a series (RRULE or RDATE alone), or an event
        // announced beyond the window when first read (stored then without its occurrence).
        const pastStored = ev.recurring || ev.start >= event.expandedUntil;
        if (owns && pastStored && event.expandedUntil < windowEnd - ROLL_EVERY_MS) {
          pending.push(
            orm.delete(eventOccurrences).where(eq(eventOccurrences.eventId, event.id)),
            ...occurrenceInserts(deps, event.id, ev),
          );
          pending.push(
            orm.update(events).set({ expandedUntil: windowEnd }).where(eq(events.id, event.id)),
          );
        }
      } else {
        result.updated++;
        pending.push(
          orm
            .update(eventSources)
            .set({ contentHash: hash, url: ev.url, removed: false, updatedAt: now })
            .where(eq(eventSources.id, mine.id)),
        );
        if (owns) {
          pending.push(
            orm
              .update(events)
              .set({ ...eventValues(ev, now, windowEnd), primarySourceId: source.id })
              .where(eq(events.id, event.id)),
          );
          pending.push(
            orm.delete(eventOccurrences).where(eq(eventOccurrences.eventId, event.id)),
            ...occurrenceInserts(deps, event.id, ev),
          );
        } else if (event.status === 'cancelled' && ev.status !== 'cancelled') {
          pending.push(
            orm
              .update(events)
              .set({ status: ev.status, updatedAt: now })
              .where(eq(events.id, event.id)),
          );
        }
      }
    } else {
      result.new++;
      const relayOf = findRelayTarget(relayPool, ev);
      const eventId = relayOf?.id ?? eventIdFor(source, ev.uid);
      if (!relayOf) {
        pending.push(
          orm
            .insert(events)
            .values({
              id: eventId,
              primarySourceId: source.id,
              firstSeenAt: now,
              ...eventValues(ev, now, windowEnd),
            })
            .onConflictDoNothing(),
        );
        pending.push(...occurrenceInserts(deps, eventId, ev));
      }
      pending.push(
        orm.insert(eventSources).values({
          eventId,
          sourceId: source.id,
          networkSlug: source.networkSlug,
          uid: ev.uid,
          url: ev.url,
          contentHash: hash,
          removed: false,
          mergeReason: relayOf?.reason ?? 'first',
          mergeDetail: relayOf
            ? `${mergeReasonWords(relayOf.reason)} — ${relayOf.detail} (événement ${relayOf.id})`
            : null,
          firstSeenAt: now,
          updatedAt: now,
        }),
      );
    }
    if (pending.length >= 40) await flush();
    // Storing thousands of events is a long synchronous stretch on SQLite: let requests in.
    if (++handled % ITEMS_PER_SLICE === 0) await yieldToEventLoop();
  }
  await flush();

  // Events this source no longer publishes: provenance marked removed; the event is cancelled once no source has it.
  // A calendar cut short by the caps says nothing about the events it did not reach.
  for (const row of parsed.truncation ? [] : known.values()) {
    if (++handled % ITEMS_PER_SLICE === 0) await yieldToEventLoop();
    if (seen.has(row.uid) || row.removed) continue;
    result.updated++;
    await deps.db.batch([
      orm
        .update(eventSources)
        .set({ removed: true, updatedAt: now })
        .where(eq(eventSources.id, row.id)),
    ]);
    const others = (provenance.get(row.eventId) ?? []).filter((r) => r.id !== row.id && !r.removed);
    if (!others.length) {
      await deps.db.batch([
        orm
          .update(events)
          .set({ status: 'cancelled', updatedAt: now })
          .where(eq(events.id, row.eventId)),
        orm
          .update(eventOccurrences)
          .set({ status: 'cancelled' })
          .where(eq(eventOccurrences.eventId, row.eventId)),
      ]);
    }
  }
  if (!parsed.events.length && parsed.errors.length)
    throw new IngestError('parse_error', `Aucun événement lisible : ${parsed.errors[0]}`);
  return result;
}

async function loadEvents(deps: Deps, ids: string[]): Promise<Map<string, EventRow>> {
  const out = new Map<string, EventRow>();
  for (const part of chunks(ids, IN_LIST)) {
    await yieldToEventLoop();
    for (const e of await deps.db.orm.select().from(events).where(inArray(events.id, part)))
      out.set(e.id, e);
  }
  return out;
}

async function loadProvenance(deps: Deps, ids: string[]): Promise<Map<string, EventSourceRow[]>> {
  const out = new Map<string, EventSourceRow[]>();
  for (const part of chunks(ids, IN_LIST)) {
    await yieldToEventLoop();
    for (const r of await deps.db.orm
      .select()
      .from(eventSources)
      .where(inArray(eventSources.eventId, part))) {
      const list = out.get(r.eventId) ?? [];
      list.push(r);
      out.set(r.eventId, list);
    }
  }
  return out;
}

interface RelayCandidateRow {
  id: string;
  title: string;
  location: string | null;
  url: string | null;
  start: number;
  rrule: string | null;
}

/** Stored events of other sources starting when the new events start (relays are looked for among them). */
async function loadRelayCandidates(
  deps: Deps,
  source: SourceRow,
  starts: number[],
): Promise<Map<number, RelayCandidateRow[]>> {
  const out = new Map<number, RelayCandidateRow[]>();
  const unique = [...new Set(starts)];
  for (const part of chunks(unique, IN_LIST)) {
    await yieldToEventLoop();
    const rows = await deps.db.orm
      .select({
        id: events.id,
        title: events.title,
        location: events.location,
        url: events.url,
        start: events.start,
        rrule: events.rrule,
      })
      .from(events)
      .where(and(inArray(events.start, part), ne(events.status, 'cancelled')));
    if (!rows.length) continue;
    const mine = new Set<string>();
    const ids = rows.map((r) => r.id);
    for (const idPart of chunks(ids, IN_LIST)) {
      for (const r of await deps.db.orm
        .select({ eventId: eventSources.eventId })
        .from(eventSources)
        .where(and(eq(eventSources.sourceId, source.id), inArray(eventSources.eventId, idPart))))
        mine.add(r.eventId);
    }
    for (const r of rows) {
      if (mine.has(r.id)) continue;
      const list = out.get(r.start) ?? [];
      list.push(r);
      out.set(r.start, list);
    }
  }
  return out;
}

/**
 * A stored event of another source that is this very event (agenda/event-similarity.ts), if any, and
 * why. Candidates were loaded by start instant and exclude the source's own events.
 */
function findRelayTarget(
  pool: Map<number, RelayCandidateRow[]>,
  ev: ParsedEvent,
): (EventMerge & { id: string }) | null {
  const list = pool.get(ev.start) ?? [];
  const mine = {
    title: ev.title ?? '',
    location: ev.location,
    url: ev.url,
    start: ev.start,
    rrule: ev.rrule,
  };
  for (let i = 0; i < list.length; i++) {
    const candidate = list[i]!;
    const merge = sameEvent(candidate, mine);
    if (!merge) continue;
    // One event of this source per stored event: a second look-alike stays apart.
    list.splice(i, 1);
    return { id: candidate.id, ...merge };
  }
  return null;
}
