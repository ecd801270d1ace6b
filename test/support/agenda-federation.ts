/**
 * A generated federation of agendas for the relay-merging tests (Node and workerd): every agenda
 * publishes events at the same few instants, at look-alike places (one venue name, many cities
 * and rooms), next to true relays of other agendas' events. Ground truth says which published
 * events are one event; `checkFederation` stores everything and counts wrong merges, relays
 * left apart and occurrences lost (a series absorbed by a one-off loses its other dates).
 */
import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { eventOccurrences, eventSources, sources } from '../../src/db/schema/index.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { addSource } from './store-fixtures.ts';

const CITIES = [
  'Lille',
  'Montpellier',
  'Nantes',
  'Rennes',
  'Lyon',
  'Marseille',
  'Toulouse',
  'Bordeaux',
  'Strasbourg',
  'Grenoble',
  'Dijon',
  'Brest',
  'Tours',
  'Angers',
  'Nancy',
  'Metz',
  'Rouen',
  'Caen',
  'Limoges',
  'Poitiers',
];
const TOPICS = [
  'gouvernance partagée',
  'finance solidaire',
  'circuits courts',
  'habitat participatif',
  'mobilité douce',
  'tiers-lieux ruraux',
  'énergie citoyenne',
  'réemploi et réparation',
];
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** The few instants everyone picks (Saturdays 10:00 UTC from 2026-10-03). */
const SLOTS = Array.from({ length: 6 }, (_, i) => Date.UTC(2026, 9, 3, 10, 0) + i * WEEK);

interface GenEvent {
  uid: string;
  title: string;
  start: number;
  location?: string;
  url?: string;
  rrule?: string;
  /** Ground truth: published events with the same group are one event. */
  group: string;
  /** Occurrence starts this event must keep (the series' dates within the window). */
  starts: number[];
}

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;');
const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

function ics(slug: string, list: GenEvent[]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:-//${slug}//FR`];
  for (const e of list) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      'DTSTAMP:20260901T080000Z',
      `DTSTART:${stamp(e.start)}`,
      `DTEND:${stamp(e.start + 2 * 3600_000)}`,
      `SUMMARY:${esc(e.title)}`,
    );
    if (e.location) lines.push(`LOCATION:${esc(e.location)}`);
    if (e.url) lines.push(`URL:${e.url}`);
    if (e.rrule) lines.push(`RRULE:${e.rrule}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

const weekly = (start: number, count: number) =>
  Array.from({ length: count }, (_, k) => start + k * WEEK);

/** The federation: `n` agendas (slugs agenda-0…), their events and the ground truth. */
export function buildFederation(n: number): Array<{ slug: string; events: GenEvent[] }> {
  const agendas = Array.from({ length: n }, (_, i) => ({
    slug: `agenda-${i}`,
    events: [] as GenEvent[],
  }));
  const city = (i: number) => CITIES[i % CITIES.length]!;
  // Unique per agenda: a city and, where cities repeat, a room.
  const venue = (i: number) =>
    `Maison des associations, ${city(i)}, salle ${Math.floor(i / CITIES.length) + 1}`;
  const slot = (i: number, k = 0) => SLOTS[(i + k) % SLOTS.length]!;

  for (let i = 0; i < n; i++) {
    const own = agendas[i]!.events;
    const me = `agenda-${i}`;
    // A specific event of its own, at a shared instant and a look-alike place.
    const meetingTitle = `Rencontre ${TOPICS[i % TOPICS.length]} du réseau ${i}`;
    own.push({
      uid: `rencontre@${me}`,
      title: meetingTitle,
      start: slot(i),
      location: venue(i),
      url: `https://${me}.example/agenda/rencontre-${i}`,
      group: `${me}/rencontre`,
      starts: [slot(i)],
    });
    // The generic title everyone uses, at the same instants, same venue name, another city or room.
    own.push({
      uid: `ag@${me}`,
      title: 'Assemblée générale',
      start: slot(i, 1),
      location: venue(i),
      group: `${me}/ag`,
      starts: [slot(i, 1)],
    });
    // Similar workshop titles at the same instant and venue name.
    own.push({
      uid: `atelier@${me}`,
      title: `Atelier ${i % 2 ? 'vélo' : 'couture'} solidaire`,
      start: slot(i, 2),
      location: venue(i),
      group: `${me}/atelier`,
      starts: [slot(i, 2)],
    });
    // Weekly series, one-offs and monthly series sharing a title, a first date and a place:
    // a one-off (stored first) next to a weekly series, a monthly series next to it.
    const permanence = "Permanence d'accueil des porteurs de projets";
    const kind = i % 3;
    own.push({
      uid: `permanence@${me}`,
      title: permanence,
      start: SLOTS[0]!,
      location: venue(kind === 0 ? i + 1 : kind === 1 ? i : i - 1),
      rrule: kind === 0 ? undefined : kind === 1 ? 'FREQ=WEEKLY;COUNT=10' : 'FREQ=MONTHLY;COUNT=4',
      group: `${me}/permanence`,
      starts:
        kind === 0
          ? [SLOTS[0]!]
          : kind === 1
            ? weekly(SLOTS[0]!, 10)
            : [0, 1, 2, 3].map((m) => Date.UTC(2026, 9 + m, 3, 10, 0)),
    });
    // Two events of one agenda at one instant with one title (two rooms): two events.
    if (i % 4 === 1) {
      for (const room of [1, 2])
        own.push({
          uid: `double-${room}@${me}`,
          title: `Formation comptabilité coopérative du réseau ${i}`,
          start: slot(i, 3),
          group: `${me}/double-${room}`,
          starts: [slot(i, 3)],
        });
    }
  }

  // True relays, in both orders of storage (a relaying agenda before or after the original).
  const variants = [
    (t: string) => `[Relais] ${t}`,
    (t: string) => `${t} (relais)`,
    (t: string) => `Relayé depuis un réseau ami : ${t}`,
    (t: string) => t.toUpperCase(),
  ];
  for (let i = 0; i < n; i += 3) {
    const original = agendas[i]!.events[0]!;
    const relay = agendas[(i + 7) % n]!;
    const v = (i / 3) % 5;
    relay.events.push({
      uid: `relais-${i}@${relay.slug}`,
      // The fifth variant renames the event but links to the same page.
      title: v < 4 ? variants[v]!(original.title) : 'Le rendez-vous de la rentrée',
      start: original.start,
      location: v % 2 ? undefined : v === 2 ? city(i) : original.location,
      url: v === 4 ? `${original.url}?utm_source=agenda` : undefined,
      group: original.group,
      starts: original.starts,
    });
  }
  // Relayed weekly series: same rule, the other dates must stay.
  for (let i = 1; i < n; i += 6) {
    const original = agendas[i]!.events[3]!;
    const relay = agendas[(i + 4) % n]!;
    relay.events.push({
      ...original,
      uid: `relais-permanence-${i}@${relay.slug}`,
      title: `[Relais] ${original.title}`,
    });
  }
  return agendas;
}

export interface FederationReport {
  agendas: number;
  published: number;
  /** Published events merged with an event of another group. */
  wrongMerges: number;
  /** Relays (published events beyond the first of their group) left apart from their group. */
  missedRelays: number;
  relays: number;
  /** Expected occurrence starts missing from the event their group was stored in. */
  lostOccurrences: number;
  /** How many provenance rows record each merge reason. */
  reasons: Record<string, number>;
  /** A merge detail of each reason, as recorded. */
  details: Record<string, string>;
}

/** Stores the federation through storeCalendar (as pulls would) and checks it against the truth. */
export async function checkFederation(deps: Deps, n: number): Promise<FederationReport> {
  const federation = buildFederation(n);
  const sourceOf = new Map<string, number>();
  for (const a of federation) {
    const src = await addSource(deps, a.slug, `https://${a.slug}.example/agenda.ics`);
    sourceOf.set(a.slug, src.id);
  }
  for (const a of federation) {
    const [src] = await deps.db.orm
      .select()
      .from(sources)
      .where(eq(sources.id, sourceOf.get(a.slug)!));
    await storeCalendar(deps, src!, ics(a.slug, a.events));
  }
  const rows = await deps.db.orm
    .select({
      eventId: eventSources.eventId,
      sourceId: eventSources.sourceId,
      uid: eventSources.uid,
      mergeReason: eventSources.mergeReason,
      mergeDetail: eventSources.mergeDetail,
    })
    .from(eventSources);
  const reasons: Record<string, number> = {};
  const details: Record<string, string> = {};
  const ours = new Set(sourceOf.values());
  for (const r of rows) {
    if (!ours.has(r.sourceId)) continue;
    reasons[r.mergeReason] = (reasons[r.mergeReason] ?? 0) + 1;
    if (r.mergeDetail) details[r.mergeReason] = r.mergeDetail;
  }
  const eventOf = new Map(rows.map((r) => [`${r.sourceId}|${r.uid}`, r.eventId]));
  const groupsOfEvent = new Map<string, Set<string>>();
  const eventsOfGroup = new Map<string, Set<string>>();
  const expected = new Map<string, number[]>();
  let published = 0;
  for (const a of federation)
    for (const e of a.events) {
      published++;
      const eventId = eventOf.get(`${sourceOf.get(a.slug)}|${e.uid}`);
      if (!eventId) throw new Error(`not stored: ${a.slug} ${e.uid}`);
      (groupsOfEvent.get(eventId) ?? groupsOfEvent.set(eventId, new Set()).get(eventId)!).add(
        e.group,
      );
      (eventsOfGroup.get(e.group) ?? eventsOfGroup.set(e.group, new Set()).get(e.group)!).add(
        eventId,
      );
      expected.set(e.group, e.starts);
    }
  let wrongMerges = 0;
  for (const groups of groupsOfEvent.values()) wrongMerges += groups.size - 1;
  let missedRelays = 0;
  let relays = 0;
  for (const a of federation) for (const e of a.events) if (e.uid.startsWith('relais')) relays++;
  for (const ids of eventsOfGroup.values()) missedRelays += ids.size - 1;
  let lostOccurrences = 0;
  const occurrences = await deps.db.orm
    .select({ eventId: eventOccurrences.eventId, start: eventOccurrences.start })
    .from(eventOccurrences);
  const startsOf = new Map<string, Set<number>>();
  for (const o of occurrences)
    (startsOf.get(o.eventId) ?? startsOf.set(o.eventId, new Set()).get(o.eventId)!).add(o.start);
  for (const [group, ids] of eventsOfGroup) {
    for (const id of ids) {
      const stored = startsOf.get(id) ?? new Set();
      for (const s of expected.get(group)!) if (!stored.has(s)) lostOccurrences++;
    }
  }
  return {
    agendas: n,
    published,
    wrongMerges,
    missedRelays,
    relays,
    lostOccurrences,
    reasons,
    details,
  };
}

/** What both runtimes must report for the generated federation. */
export function expectCleanFederation(report: FederationReport): void {
  expect(report.relays).toBeGreaterThan(100);
  expect(report).toMatchObject({ wrongMerges: 0, lostOccurrences: 0, missedRelays: 0 });
  // Every relay records why it joined, in words.
  expect((report.reasons.same_event ?? 0) + (report.reasons.same_url ?? 0)).toBe(report.relays);
  expect(report.details.same_event).toMatch(/^même événement — même début, même titre/);
  expect(report.details.same_url).toMatch(/^même URL — https:\/\/agenda-\d+\.example\//);
}
