/**
 * The query of the unified feed and the news pages: the hub's one filter grammar
 * (src/filter-grammar.ts: network=, tag=, territory= repeatable, q=) plus `limit=` and the paging
 * cursor `before=`. Pure: parses a URLSearchParams into a RiverQuery or says clearly what is
 * wrong (FilterError, answered with 400).
 */
import {
  appendFilters,
  FilterError,
  hasFilters,
  parseFilters,
  parseLimit,
  type Filters,
} from '../filter-grammar.ts';

/** Where the previous page stopped: the last story's (published_at, id). Stable under inserts. */
export interface RiverCursor {
  publishedAt: number;
  id: string;
}

export interface RiverQuery extends Filters {
  limit: number;
  before: RiverCursor | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A filter a person typed wrong: the grammar's one error type, answered with 400. */
export { FilterError as RiverQueryError };

/** Parses the filters; blank fields count as absent (an HTML form sends them empty). */
export function parseRiverQuery(params: URLSearchParams, defaultLimit = DEFAULT_LIMIT): RiverQuery {
  return {
    ...parseFilters(params),
    limit: parseLimit(params, defaultLimit, MAX_LIMIT) ?? defaultLimit,
    before: parseCursor(params.get('before')),
  };
}

function parseCursor(raw: string | null): RiverCursor | null {
  if (!raw) return null;
  const m = /^(\d{1,15})~([A-Za-z0-9_-]{1,64})$/.exec(raw.trim());
  if (!m)
    throw new FilterError(
      'before= is not a paging cursor from this hub (follow the next link as given)',
    );
  return { publishedAt: Number(m[1]), id: m[2]! };
}

/** The `before=` value that continues after this story. */
export function formatCursor(c: RiverCursor): string {
  return `${c.publishedAt}~${c.id}`;
}

/**
 * The same query as URL parameters, in a fixed order: used for the next-page links and as
 * the cache key, so two spellings of one query share one cached response.
 */
export function riverParams(q: RiverQuery, defaultLimit = DEFAULT_LIMIT): URLSearchParams {
  const p = appendFilters(new URLSearchParams(), q);
  if (q.limit !== defaultLimit) p.set('limit', String(q.limit));
  if (q.before) p.set('before', formatCursor(q.before));
  return p;
}

/** True when the query narrows the river (a filtered feed deserves its own alternate link). */
export function isFiltered(q: RiverQuery): boolean {
  return hasFilters(q);
}
