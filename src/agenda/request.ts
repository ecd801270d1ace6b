/**
 * Reading the agenda's query string (INTERFACE.md): the hub's one filter grammar
 * (src/filter-grammar.ts: network, tag, territory repeatable, q) plus from and to. Dates are ISO 8601
 * (a date alone means that day in the hub's zone; `to` is then inclusive). Invalid values
 * raise the grammar's FilterError (here AgendaQueryError) with a message for the reader.
 */
import { appendFilters, FilterError, parseFilters, type Filters } from '../filter-grammar.ts';
import { zonedToUtc } from './timezones.ts';

export { FilterError as AgendaQueryError };
const AgendaQueryError = FilterError;

export interface AgendaRequest extends Filters {
  from: Date;
  to: Date;
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

/** Parses the filters of an agenda URL; default range: from now (or `defaultPastMs` before) to a year ahead. */
export function parseAgendaRequest(
  url: URL,
  zone: string,
  now: Date,
  defaultPastMs = 0,
): AgendaRequest {
  const filters = parseFilters(url.searchParams);
  const fromRaw = (url.searchParams.get('from') ?? '').trim();
  const toRaw = (url.searchParams.get('to') ?? '').trim();
  const from = fromRaw
    ? parseDate('from', fromRaw, zone, false)
    : new Date(now.getTime() - defaultPastMs);
  const to = toRaw ? parseDate('to', toRaw, zone, true) : new Date(from.getTime() + 366 * DAY);
  if (to.getTime() <= from.getTime()) throw new AgendaQueryError('to= must come after from=');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new AgendaQueryError('from= and to= may be at most three years apart');
  const params = appendFilters(new URLSearchParams(), filters);
  if (fromRaw) params.set('from', fromRaw);
  if (toRaw) params.set('to', toRaw);
  return { ...filters, from, to, params };
}
