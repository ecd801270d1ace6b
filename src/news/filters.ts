/**
 * The filters of the unified feed and the news pages (INTERFACE.md): `network=` (repeatable),
 * `tag=`, `territory=`, `q=`, `limit=` and the paging cursor `before=`. Pure: parses a
 * URLSearchParams into a RiverQuery or says clearly what is wrong.
 */

/** Where the previous page stopped: the last story's (published_at, id). Stable under inserts. */
export interface RiverCursor {
  publishedAt: number;
  id: string;
}

export interface RiverQuery {
  networks: string[];
  tag: string | null;
  territory: string | null;
  q: string | null;
  limit: number;
  before: RiverCursor | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A filter a person typed wrong: answered with 400 and this message. */
export class RiverQueryError extends Error {}

const SLUG = /^[a-z0-9-]{1,64}$/;

/** Parses the filters; blank fields count as absent (an HTML form sends them empty). */
export function parseRiverQuery(params: URLSearchParams, defaultLimit = DEFAULT_LIMIT): RiverQuery {
  const text = (name: string, max = 200): string | null => {
    const v = params.get(name)?.trim();
    if (!v) return null;
    if (v.length > max)
      throw new RiverQueryError(`${name}= is too long (at most ${max} characters)`);
    return v;
  };
  const networks = [
    ...new Set(
      params
        .getAll('network')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  for (const n of networks) {
    if (!SLUG.test(n))
      throw new RiverQueryError(`network=${n} is not a network slug (letters a-z, digits and -)`);
  }
  if (networks.length > 50)
    throw new RiverQueryError('network= is repeated too often (at most 50)');
  let limit = defaultLimit;
  const rawLimit = params.get('limit')?.trim();
  if (rawLimit) {
    if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_LIMIT) {
      throw new RiverQueryError(`limit= must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    limit = Number(rawLimit);
  }
  return {
    networks,
    tag: text('tag'),
    territory: text('territory'),
    q: text('q'),
    limit,
    before: parseCursor(params.get('before')),
  };
}

function parseCursor(raw: string | null): RiverCursor | null {
  if (!raw) return null;
  const m = /^(\d{1,15})~([A-Za-z0-9_-]{1,64})$/.exec(raw.trim());
  if (!m)
    throw new RiverQueryError(
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
  const p = new URLSearchParams();
  for (const n of [...q.networks].sort()) p.append('network', n);
  if (q.tag) p.set('tag', q.tag);
  if (q.territory) p.set('territory', q.territory);
  if (q.q) p.set('q', q.q);
  if (q.limit !== defaultLimit) p.set('limit', String(q.limit));
  if (q.before) p.set('before', formatCursor(q.before));
  return p;
}

/** True when the query narrows the river (a filtered feed deserves its own alternate link). */
export function isFiltered(q: RiverQuery): boolean {
  return q.networks.length > 0 || !!q.tag || !!q.territory || !!q.q;
}
