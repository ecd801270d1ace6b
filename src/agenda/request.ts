/**
 * Reading the agenda's query string (INTERFACE.md): network (repeatable), tag, territory, q,
 * from, to. Dates are ISO 8601 (a date alone means that day in the hub's zone; `to` is then
 * inclusive). Invalid values raise AgendaQueryError with a message for the reader.
 */
import type { AgendaFilters } from './query.ts';
import { zonedToUtc } from './timezones.ts';

export class AgendaQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgendaQueryError';
  }
}

export interface AgendaRequest extends AgendaFilters {
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

/** More values than this for one filter is not a person's query: refused rather than silently cut. */
const MAX_VALUES = 50;
const MAX_TEXT = 200;

function list(url: URL, name: string): string[] {
  const values = [
    ...new Set(
      url.searchParams
        .getAll(name)
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  if (values.length > MAX_VALUES)
    throw new AgendaQueryError(`${name}= is repeated too often (at most ${MAX_VALUES} values)`);
  if (values.some((v) => v.length > MAX_TEXT))
    throw new AgendaQueryError(`${name}= is too long (at most ${MAX_TEXT} characters)`);
  return values;
}

/** Parses the filters of an agenda URL; default range: from now (or `defaultPastMs` before) to a year ahead. */
export function parseAgendaRequest(
  url: URL,
  zone: string,
  now: Date,
  defaultPastMs = 0,
): AgendaRequest {
  const networks = list(url, 'network');
  if (networks.some((n) => !/^[a-z0-9-]{1,64}$/.test(n)))
    throw new AgendaQueryError('network= takes network slugs (lowercase letters, digits, hyphens)');
  const tags = list(url, 'tag');
  const territories = list(url, 'territory');
  const q = (url.searchParams.get('q') ?? '').trim();
  if (q.length > MAX_TEXT)
    throw new AgendaQueryError(`q= is too long (at most ${MAX_TEXT} characters)`);
  const fromRaw = (url.searchParams.get('from') ?? '').trim();
  const toRaw = (url.searchParams.get('to') ?? '').trim();
  const from = fromRaw
    ? parseDate('from', fromRaw, zone, false)
    : new Date(now.getTime() - defaultPastMs);
  const to = toRaw ? parseDate('to', toRaw, zone, true) : new Date(from.getTime() + 366 * DAY);
  if (to.getTime() <= from.getTime()) throw new AgendaQueryError('to= must come after from=');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new AgendaQueryError('from= and to= may be at most three years apart');
  const params = new URLSearchParams();
  for (const n of networks) params.append('network', n);
  for (const t of tags) params.append('tag', t);
  for (const t of territories) params.append('territory', t);
  if (q) params.set('q', q);
  if (fromRaw) params.set('from', fromRaw);
  if (toRaw) params.set('to', toRaw);
  return { networks, tags, territories, q: q || undefined, from, to, params };
}
