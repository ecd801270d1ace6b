/**
 * Read side of the news river: the latest stories with the feed filters, newest first, paged
 * by a (published_at, id) cursor, each with the networks that published it and its links.
 */
import { and, desc, eq, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { items, texts } from '../db/schema/items.ts';
import { itemWithText, textOfItem, type ItemWithText } from '../db/texts.ts';
import { foldText } from '../ingest/dedupe/text.ts';
import { resolveNetworks, searchWords, type Filters } from '../filter-grammar.ts';
import { filterNetworks } from '../federation/directory.ts';
import { itemProvenance, type Provenance } from './stories.ts';
import type { RiverCursor, RiverQuery } from './filters.ts';

export interface RiverItem extends Omit<ItemWithText, 'searchText' | 'categoryKeys'>, Provenance {}

export interface RiverPage {
  items: RiverItem[];
  /** Cursor of the next (older) page, null on the last page. */
  next: RiverCursor | null;
}

/**
 * The SQL conditions a story must meet for the filters (src/filter-grammar.ts), or null when they
 * can match nothing (a territory without networks). Lists travel as one JSON parameter each,
 * so a long "any of" never nears D1's 100 bound parameters. Used by the river, the feeds and
 * the digest's selection per subscriber.
 */
export async function storyConditions(deps: Deps, f: Filters): Promise<SQL[] | null> {
  const where: SQL[] = [];
  const needNetworks = f.territories.length > 0 || f.tags.length > 0;
  const { allowed, tagNetworks } = resolveNetworks(
    f,
    needNetworks ? await filterNetworks(deps) : [],
  );
  // A member network, or a network of an upstream hub that a member hub relays (hubs of hubs).
  const publishedBy = (slugs: Set<string>) =>
    sql`exists (select 1 from entries e
      left join upstream_entries u on u.source_id = e.source_id and u.guid = e.guid,
      json_each(${JSON.stringify([...slugs])}) w
      where e.item_id = ${items.id} and (e.network_slug = w.value
        or exists (select 1 from json_each(u.networks) j where j.value = w.value)))`;
  if (allowed) {
    if (!allowed.size) return null;
    where.push(publishedBy(allowed));
  }
  if (tagNetworks) {
    // The story's own categories (folded keys, see categoryKeys) or a tag of a network that
    // published it.
    const keys = JSON.stringify([...new Set(f.tags.map(foldText))]);
    const own = sql`exists (select 1 from json_each(${keys}) k
      where ${items.categoryKeys} like '%|' || k.value || '|%')`;
    where.push(tagNetworks.size ? sql`(${own} or ${publishedBy(tagNetworks)})` : own);
  }
  // Both sides folded (search_text is stored folded): accents and case ignored on SQLite
  // and D1 alike; folded words hold only letters, digits and spaces, never a LIKE wildcard.
  for (const word of searchWords(f.q)) where.push(like(items.searchText, `%${word}%`));
  return where;
}

/** One page of the river. */
export async function listRiver(deps: Deps, q: RiverQuery): Promise<RiverPage> {
  const conditions = await storyConditions(deps, q);
  if (!conditions) return { items: [], next: null };
  if (q.before) {
    conditions.push(
      or(
        lt(items.publishedAt, q.before.publishedAt),
        and(eq(items.publishedAt, q.before.publishedAt), lt(items.id, q.before.id)),
      )!,
    );
  }
  const { searchText: _s, categoryKeys: _c, ...columns } = itemWithText;
  const rows = await deps.db.orm
    .select(columns)
    .from(items)
    .leftJoin(texts, textOfItem)
    .where(and(...conditions))
    .orderBy(desc(items.publishedAt), desc(items.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const provenance = await itemProvenance(
    deps,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      ...r,
      ...(provenance.get(r.id) ?? { networks: [], links: [], modifiedAt: r.publishedAt }),
    })),
    next: rows.length > q.limit && last ? { publishedAt: last.publishedAt, id: last.id } : null,
  };
}

/**
 * A short string that changes whenever what the feeds show may have changed: a new story or
 * entry (rowids only grow), a finished pull (edits in place happen inside pulls), a network
 * edited, the hub's own settings changed. Every part is an O(1) lookup, so it is cheap enough
 * to read on each request and to key cached feeds on.
 */
export async function storeVersion(deps: Deps): Promise<string> {
  let prepared = versionQueries.get(deps.db.orm);
  if (!prepared) {
    // An aggregate without GROUP BY always yields one row, even on an empty store.
    prepared = deps.db.orm
      .select({
        i: sql<number | null>`max(${items}.rowid)`,
        e: sql<number | null>`(select max(id) from entries)`,
        p: sql<
          string | null
        >`(select id || '-' || coalesce(finished_at, 0) from pulls order by id desc limit 1)`,
        n: sql<number | null>`(select max(updated_at) from networks)`,
        // The hub's title, address and language show in every feed; a few hundred bytes.
        h: sql<string | null>`(select value from settings where key = 'hub')`,
      })
      .from(items)
      .prepare();
    versionQueries.set(deps.db.orm, prepared);
  }
  // Prepared once per database: on SQLite this is a ~10 µs lookup, cheap enough per request.
  const row = await prepared.get();
  return `${row?.i ?? 0}.${row?.e ?? 0}.${row?.p ?? 0}.${row?.n ?? 0}.${row?.h ?? ''}`;
}

type VersionRow = {
  i: number | null;
  e: number | null;
  p: string | null;
  n: number | null;
  h: string | null;
};
const versionQueries = new WeakMap<
  object,
  { get(): VersionRow | undefined | Promise<VersionRow | undefined> }
>();
