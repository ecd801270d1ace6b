/**
 * The one filter grammar of the hub (INTERFACE.md, README "Filtres"): the feeds, the news
 * page, the agenda and the newsletter's choices all read `network=`, `tag=`, `territory=`
 * (each repeatable: any of the values) and `q=` (words, accents and case folded) here, and
 * write them back with `appendFilters`, so a link built by one reads the same in the others.
 * Pure: URLSearchParams (a query string or a posted form) in, Filters out, or a FilterError
 * whose message is answered as a 400.
 */
import { foldText } from './ingest/dedupe/text.ts';

export interface Filters {
  /** Network slugs; a story or event published by any of them matches. */
  networks: string[];
  /** Network tags or the story's/event's own categories (accents and case ignored). */
  tags: string[];
  /** Network territories (accents and case ignored). */
  territories: string[];
  /** Free text: every word must appear (accents and case ignored). */
  q: string | null;
}

/** A filter a person typed wrong: answered with 400 and this message. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

/** More values than this for one filter is not a person's query: refused, not silently cut. */
export const MAX_FILTER_VALUES = 50;
const MAX_TEXT = 200;
const SLUG = /^[a-z0-9-]{1,64}$/;

/** Every non-blank value of a repeatable parameter, trimmed, first spelling of each kept. */
function values(params: URLSearchParams, name: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of params.getAll(name)) {
    const v = raw.trim();
    if (!v) continue; // an HTML form sends unchosen fields empty
    if (v.length > MAX_TEXT)
      throw new FilterError(`${name}= is too long (at most ${MAX_TEXT} characters)`);
    // "Économie" and "economie" are one choice: keep the first spelling.
    const key = name === 'network' ? v : foldText(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  if (out.length > MAX_FILTER_VALUES)
    throw new FilterError(`${name}= is repeated too often (at most ${MAX_FILTER_VALUES} values)`);
  return out;
}

/** Reads network, tag, territory (repeatable: any of) and q from a query string or a form. */
export function parseFilters(params: URLSearchParams): Filters {
  const networks = values(params, 'network');
  const badSlug = networks.find((n) => !SLUG.test(n));
  if (badSlug !== undefined)
    throw new FilterError(
      `network=${badSlug} is not a network slug (lowercase letters a-z, digits and -)`,
    );
  const q = params.get('q')?.trim() ?? '';
  if (q.length > MAX_TEXT) throw new FilterError(`q= is too long (at most ${MAX_TEXT} characters)`);
  return {
    networks,
    tags: values(params, 'tag'),
    territories: values(params, 'territory'),
    q: q || null,
  };
}

/**
 * Appends the filters in one fixed order (networks sorted, then tags, territories, q): next
 * links, cache keys and links from the newsletter to the river all spell a query one way.
 */
export function appendFilters(params: URLSearchParams, f: Filters): URLSearchParams {
  for (const n of [...f.networks].sort()) params.append('network', n);
  for (const t of f.tags) params.append('tag', t);
  for (const t of f.territories) params.append('territory', t);
  if (f.q) params.set('q', f.q);
  return params;
}

/** The filters alone as a query string's parameters. */
export function filterParams(f: Filters): URLSearchParams {
  return appendFilters(new URLSearchParams(), f);
}

/** Reads `limit=` (the feeds' and /agenda.json's page size): 1 to `max`, `fallback` when absent. */
export function parseLimit<T extends number | null>(
  params: URLSearchParams,
  fallback: T,
  max: number,
): number | T {
  const raw = params.get('limit')?.trim();
  if (!raw) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new FilterError(`limit= must be a whole number from 1 to ${max}`);
  return Number(raw);
}

/** True when the filters narrow anything. */
export function hasFilters(f: Filters): boolean {
  return f.networks.length > 0 || f.tags.length > 0 || f.territories.length > 0 || !!f.q;
}

/** The words of `q=` as stored search text holds them (folded), at most 8. */
export function searchWords(q: string | null): string[] {
  return q ? foldText(q).split(' ').filter(Boolean).slice(0, 8) : [];
}

/** What a network says of itself, as far as filters are concerned. */
export interface FilterNetwork {
  slug: string;
  territory: string | null;
  tags: string[];
}

/**
 * The networks the network/territory filters allow (null: no such filter), and the networks
 * whose own tags match the tag filter (null: no tag filter). Resolved against the (small)
 * networks table once per query, accents and case folded, so SQL only compares slugs.
 */
export function resolveNetworks(
  f: Pick<Filters, 'networks' | 'tags' | 'territories'>,
  all: readonly FilterNetwork[],
): { allowed: Set<string> | null; tagNetworks: Set<string> | null } {
  let allowed: Set<string> | null = f.networks.length ? new Set(f.networks) : null;
  if (f.territories.length) {
    const wanted = new Set(f.territories.map(foldText));
    const inTerritory = all
      .filter((n) => n.territory && wanted.has(foldText(n.territory)))
      .map((n) => n.slug);
    allowed = allowed ? new Set(inTerritory.filter((s) => allowed!.has(s))) : new Set(inTerritory);
  }
  let tagNetworks: Set<string> | null = null;
  if (f.tags.length) {
    const wanted = new Set(f.tags.map(foldText));
    tagNetworks = new Set(
      all.filter((n) => n.tags.some((t) => wanted.has(foldText(t)))).map((n) => n.slug),
    );
  }
  return { allowed, tagNetworks };
}

/**
 * A test of the network/tag/territory filters (q aside: it needs the text) for things
 * published by `publishers` with these categories; empty lists mean "everything". Built once
 * per set of choices, run per story or event.
 */
export function filterMatcher(
  f: Pick<Filters, 'networks' | 'tags' | 'territories'>,
  all: readonly FilterNetwork[],
): (publishers: readonly string[], categories: readonly string[]) => boolean {
  const { allowed, tagNetworks } = resolveNetworks(f, all);
  const wanted = new Set(f.tags.map(foldText));
  return (publishers, categories) => {
    if (allowed && !publishers.some((n) => allowed.has(n))) return false;
    if (
      tagNetworks &&
      !categories.some((c) => wanted.has(foldText(c))) &&
      !publishers.some((n) => tagNetworks.has(n))
    )
      return false;
    return true;
  };
}

/**
 * The keys under which a story's categories are searched: folded, each between '|' (a folded
 * text never holds '|'), so `LIKE '%|economie sociale|%'` matches one whole category.
 */
export function categoryKeys(categories: readonly string[]): string {
  // Each folded category once, in order, empty ones left out: a loop rather than map and filter,
  // whose arrays changed hidden class once optimised (see deriveItem, dedupe/best-item.ts).
  const seen = new Set<string>();
  const keys: string[] = [];
  for (const category of categories) {
    const key = foldText(category);
    if (key && !seen.has(key)) {
      seen.add(key);
      keys.push(key);
    }
  }
  return keys.length ? `|${keys.join('|')}|` : '';
}
