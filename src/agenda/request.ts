/**
 * Reading the agenda's query string (INTERFACE.md): the hub's one filter grammar
 * (src/filter-grammar.ts: network, tag, territory repeatable, q) plus from and to. Dates are ISO 8601
 * (a date alone means that day in the hub's zone; `to` is then inclusive). Invalid values
 * raise the grammar's FilterError (here AgendaQueryError) with a message for the reader.
 */
import {
  appendFilters,
  FilterError,
  parseFilters,
  parseLimit,
  type Filters,
} from '../filter-grammar.ts';
import type { OccurrenceCursor } from './query.ts';
import { zonedToUtc } from './timezones.ts';
import { defaultWindow, keptRange } from './window.ts';

export { FilterError as AgendaQueryError };
const AgendaQueryError = FilterError;

export interface AgendaRequest extends Filters {
  /** The window answered: the one asked for, within the range the hub keeps (see below). */
  from: Date;
  to: Date;
  /** The window asked for (or the default one). */
  requested: { from: Date; to: Date };
  /**
   * The range the hub keeps occurrences for: a month back, a year ahead, on day boundaries
   * (window.ts). A window reaching out of it is shortened, and the answer says so.
   */
  kept: { from: Date; to: Date };
  /** `limit=` (/agenda.json's page size), null when not given. */
  limit: number | null;
  /** `after=`: where the previous page stopped (/agenda.json's next_url). */
  after: OccurrenceCursor | null;
  /** The query string to carry on links (filters only, no lang). */
  params: URLSearchParams;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DAY = 24 * 3600_000;
/** The widest range one request may ask for. */
const MAX_RANGE_MS = 3 * 366 * DAY;

function parseDate(name: string, value: string, zone: string, endOfDay: boolean): Date {
  const d = DATE_ONLY.exec(value);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const check = new Date(Date.UTC(y, m - 1, day));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== day)
      throw new AgendaQueryError(`${name}=${value} is not a valid date (expected YYYY-MM-DD)`);
    const ms = zonedToUtc({ year: y, month: m, day, hour: 0, minute: 0, second: 0 }, zone);
    return new Date(
      endOfDay
        ? zonedToUtc({ year: y, month: m, day: day + 1, hour: 0, minute: 0, second: 0 }, zone)
        : ms,
    );
  }
  if (DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new AgendaQueryError(
    `${name}=${value} is not an ISO 8601 date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+01:00)`,
  );
}

/**
 * Parses the filters of an agenda URL. Without from=, the window is today's (from midnight in
 * the hub's zone, `defaultPastDays` earlier) to a year ahead (window.ts): the same all day, so
 * the documents made from it keep their ETag until their data changes or the day turns.
 */
export function parseAgendaRequest(
  url: URL,
  zone: string,
  now: Date,
  defaultPastDays = 0,
): AgendaRequest {
  const filters = parseFilters(url.searchParams);
  const fromRaw = (url.searchParams.get('from') ?? '').trim();
  const toRaw = (url.searchParams.get('to') ?? '').trim();
  const byDefault = defaultWindow(now, zone, defaultPastDays);
  const from = fromRaw ? parseDate('from', fromRaw, zone, false) : byDefault.from;
  const to = toRaw
    ? parseDate('to', toRaw, zone, true)
    : fromRaw
      ? new Date(from.getTime() + 366 * DAY)
      : byDefault.to;
  if (to.getTime() <= from.getTime()) throw new AgendaQueryError('to= must come after from=');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new AgendaQueryError('from= and to= may be at most three years apart');
  const params = appendFilters(new URLSearchParams(), filters);
  if (fromRaw) params.set('from', fromRaw);
  if (toRaw) params.set('to', toRaw);
  const kept = keptRange(now, zone);
  // Answered within the kept range; a window wholly outside it answers nothing (from = to).
  const windowFrom = new Date(
    Math.min(Math.max(from.getTime(), kept.from.getTime()), kept.to.getTime()),
  );
  const windowTo = new Date(
    Math.max(Math.min(to.getTime(), kept.to.getTime()), windowFrom.getTime()),
  );
  return {
    ...filters,
    from: windowFrom,
    to: windowTo,
    requested: { from, to },
    kept,
    limit: parseLimit(url.searchParams, null, MAX_AGENDA_LIMIT),
    after: parseAfter(url.searchParams.get('after')),
    params,
  };
}

/** The most occurrences one /agenda.json page may hold (next_url continues). */
export const MAX_AGENDA_LIMIT = 2000;

function parseAfter(raw: string | null): OccurrenceCursor | null {
  if (!raw?.trim()) return null;
  const m = /^(-?\d{1,15})~([a-z0-9]{1,64})$/.exec(raw.trim());
  if (!m)
    throw new AgendaQueryError(
      'after= is not a paging cursor from this hub (follow next_url as given)',
    );
  return { start: Number(m[1]), eventId: m[2]! };
}

/** The `after=` value that continues after this occurrence. */
export function formatAfter(c: OccurrenceCursor): string {
  return `${c.start}~${c.eventId}`;
}

/** Whether the window answered is narrower than the one asked for. */
export function windowShortened(r: AgendaRequest): { from: boolean; to: boolean } {
  return {
    from: r.from.getTime() > r.requested.from.getTime(),
    to: r.to.getTime() < r.requested.to.getTime(),
  };
}
