/**
 * The occurrences of one event inside the window: RRULE instances (rrule/iterate.ts, bounded
 * by a step budget) and RDATEs, DTSTART always the first (RFC 5545 §3.8.5.3), EXDATEs taken
 * out, and RECURRENCE-ID overrides put in place of the instance they name. Recurrence runs in
 * DTSTART's wall clock; each instance becomes an instant in its zone.
 */
import type { EventStatus, ParsedOccurrence } from './parse-calendar.ts';
import { type Budget, iterateRule } from './rrule/iterate.ts';
import { type JcalRecur, ruleFromJcal } from './rrule/rule.ts';
import { weekdayOf } from './rrule/year-info.ts';
import {
  DAY_MS,
  type DateValue,
  firstProp,
  instantOf,
  type JcalComponent,
  props,
  readDate,
  readDates,
  readDuration,
  text,
} from './jcal-values.ts';
import { offsetMinutes } from './timezones.ts';

/** Above this many EXDATE + RDATE values, an event is refused rather than read. */
export const MAX_DATE_VALUES_PER_EVENT = 200_000;

export interface SeriesContext {
  /** The zone recurrence runs in (DTSTART's; UTC for a DTSTART in UTC). */
  zone: string;
  from: number;
  to: number;
  maxOccurrences: number;
  budget: Budget;
  errors: string[];
}

export interface SeriesStart {
  dtstart: DateValue;
  /** Instant of DTSTART. */
  start: number;
  /** How an occurrence's end follows its start: nominal days (wall clock) then exact ms. */
  length: { days: number; ms: number } | null;
}

export function statusOf(c: JcalComponent): EventStatus {
  const s = (text(c, 'status') ?? '').toUpperCase();
  return s === 'CANCELLED' ? 'cancelled' : s === 'TENTATIVE' ? 'tentative' : 'confirmed';
}

/** Wall clock of an instant in `zone`, as ms read as if UTC. */
function wallOf(instant: number, zone: string): number {
  return instant + offsetMinutes(zone, instant) * 60_000;
}

/** The instant of a wall-clock time in `zone`. */
function instantOfWall(wall: number, zone: string): number {
  return instantOf({ wall, date: false, utc: zone === 'UTC', tzid: null }, zone);
}

/** Where an occurrence starting at `wall` ends, or null when the event has no end. */
function endOf(s: SeriesStart, wall: number, start: number, zone: string): number | null {
  if (!s.length) return null;
  if (!s.length.days) return start + s.length.ms;
  return instantOfWall(wall + s.length.days * DAY_MS, zone) + s.length.ms;
}

/** UNTIL in DTSTART's wall clock: a date includes its whole day, UTC is converted. */
function untilWall(value: unknown, zone: string): number | null {
  if (value === undefined || value === null) return null;
  const v = readDate(String(value), null);
  if (!v) throw new Error(`RRULE UNTIL=${String(value)} illisible`);
  if (v.date) return v.wall + DAY_MS - 1000;
  return v.utc ? wallOf(v.wall, zone) : v.wall;
}

/** Occurrences of the series `master` (with its `overrides`) that overlap [from, to). */
export function expandSeries(
  master: JcalComponent,
  overrides: JcalComponent[],
  s: SeriesStart,
  ctx: SeriesContext,
): ParsedOccurrence[] {
  const { zone, from, to } = ctx;
  const masterStatus = statusOf(master);
  const dtstartWall = s.dtstart.utc ? s.dtstart.wall : wallOf(s.start, zone);
  const spanMs = s.length ? s.length.days * DAY_MS + s.length.ms : 0;
  // Instances starting this early can still overlap the window; later than `to` cannot.
  const firstWall = wallOf(from, zone) - spanMs - DAY_MS;
  const lastWall = wallOf(to, zone) + DAY_MS;

  const exdates = new Set<number>();
  const exdays = new Set<number>();
  const rdates: number[] = [];
  let values = 0;
  for (const name of ['exdate', 'rdate'] as const) {
    for (const p of props(master, name)) {
      values += p.length - 3;
      if (values > MAX_DATE_VALUES_PER_EVENT)
        throw new Error(`plus de ${MAX_DATE_VALUES_PER_EVENT} dates EXDATE/RDATE`);
      for (const v of readDates(p)) {
        if (!v || v.wall < firstWall - DAY_MS || v.wall > lastWall + DAY_MS) continue;
        const at = instantOf(v, zone);
        if (name === 'rdate') rdates.push(at);
        else {
          exdates.add(at);
          // An EXDATE written as a date in a timed series takes out that day's instance.
          if (v.date && !s.dtstart.date) exdays.add(Math.floor(v.wall / DAY_MS));
        }
      }
    }
  }

  // Instances (RECURRENCE-IDs) from the rules, capped to what the window can hold.
  const instants = new Map<number, number>(); // instant → wall clock
  const startFields = fieldsOf(dtstartWall);
  for (const p of props(master, 'rrule')) {
    const recur = p[3] as JcalRecur;
    let rule: ReturnType<typeof ruleFromJcal>;
    try {
      rule = ruleFromJcal(recur, startFields, untilWall(recur?.until, zone));
    } catch (err) {
      ctx.errors.push(`RRULE ignored: ${(err as Error).message}`);
      continue;
    }
    if (rule.count !== null) {
      // DTSTART counts as the first instance even when the rule would not produce it.
      const first = iterateRule({ ...rule, count: 1 }, dtstartWall, ctx.budget, {
        end: Number.MAX_SAFE_INTEGER,
      }).next();
      if (first.value !== dtstartWall) rule.count -= 1;
      if (rule.count < 1) continue;
    }
    let inWindow = 0;
    for (const wall of iterateRule(rule, dtstartWall, ctx.budget, {
      end: lastWall,
      skipTo: firstWall,
    })) {
      if (wall > lastWall) break;
      if (wall < firstWall) continue;
      instants.set(instantOfWall(wall, zone), wall);
      if (++inWindow >= ctx.maxOccurrences) break;
    }
    if (ctx.budget.exhausted) {
      ctx.errors.push('recurrence expansion stopped: the rule asks for too much work');
      break;
    }
  }
  if (dtstartWall >= firstWall && dtstartWall <= lastWall) instants.set(s.start, dtstartWall);
  for (const at of rdates) if (!instants.has(at)) instants.set(at, wallOf(at, zone));

  // Overrides by the instance they replace (and by day, for dates written for times).
  const byRid = new Map<number, JcalComponent>();
  const byRidDay = new Map<number, JcalComponent>();
  for (const o of overrides) {
    const rid = firstProp(o, 'recurrence-id');
    const v = rid ? readDates(rid)[0] : null;
    if (!v) continue;
    byRid.set(instantOf(v, zone), o);
    if (v.date !== s.dtstart.date) byRidDay.set(Math.floor(v.wall / DAY_MS), o);
  }

  const out: ParsedOccurrence[] = [];
  const used = new Set<JcalComponent>();
  const add = (rid: number, wall: number, o: JcalComponent | undefined) => {
    let start = rid;
    let end = endOf(s, wall, rid, zone);
    if (o) {
      used.add(o);
      const moved = readOverride(o, s, zone);
      if (!moved) return;
      start = moved.start;
      end = moved.end;
    }
    if ((end ?? start) < from || start >= to) return;
    out.push({
      start,
      end,
      recurrenceId: rid,
      status: masterStatus === 'cancelled' ? 'cancelled' : o ? statusOf(o) : masterStatus,
      title: o ? text(o, 'summary') : null,
      location: o ? text(o, 'location') : null,
    });
  };
  for (const [rid, wall] of [...instants].sort((a, b) => a[0] - b[0])) {
    const day = Math.floor(wall / DAY_MS);
    if (exdates.has(rid) || exdays.has(day)) continue;
    add(rid, wall, byRid.get(rid) ?? byRidDay.get(day));
  }
  // An override whose instance the rules do not give (or outside the window) is still an occurrence.
  for (const o of overrides) {
    if (used.has(o)) continue;
    const v = readDates(firstProp(o, 'recurrence-id')!)[0];
    if (!v) continue;
    const rid = instantOf(v, zone);
    if (!exdates.has(rid)) add(rid, v.wall, o);
  }
  out.sort((a, b) => a.start - b.start || (a.recurrenceId ?? 0) - (b.recurrenceId ?? 0));
  return out.slice(0, ctx.maxOccurrences);
}

function fieldsOf(wall: number) {
  const d = new Date(wall);
  return {
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: weekdayOf(Math.floor(wall / DAY_MS)),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** An override's own start and end (its end defaults to the series' length); null if unreadable. */
function readOverride(
  o: JcalComponent,
  s: SeriesStart,
  zone: string,
): { start: number; end: number | null } | null {
  const dtstart = firstProp(o, 'dtstart');
  const v = dtstart ? readDates(dtstart)[0] : null;
  if (!v) return null;
  const start = instantOf(v, zone);
  const dtend = firstProp(o, 'dtend');
  const e = dtend ? readDates(dtend)[0] : null;
  if (e) {
    const end = instantOf(e, zone);
    return { start, end: end >= start ? end : null };
  }
  const duration = firstProp(o, 'duration');
  const d = duration ? readDuration(duration[3]) : null;
  if (d) return { start, end: endOf({ ...s, length: d }, v.wall, start, zone) };
  return { start, end: endOf(s, v.date ? v.wall : wallOf(start, zone), start, zone) };
}
