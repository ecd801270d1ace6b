/**
 * The candidate lookup: every stored entry of the items that new entries could join — items
 * sharing a distinctive guid or a story URL with them, items sharing an index key (item_keys)
 * within the candidate window, and the source's split entries (pins).
 *
 * Only what matching reads comes back, not the texts: candidates outnumber the items finally
 * joined several times over (2.8 rows per new item at 1,000 sources), and whole rows made
 * reading them a large part of storing. The store reads the few joined items' entries in full.
 *
 * The lookups serve a batch of documents at once (store-feed.ts): on D1 each query is a
 * subrequest, which Cloudflare caps per invocation, so a queue batch of ten sources reads its
 * known entries in one query and its candidates in one, not ten of each. Lists are bound as
 * JSON values (one bound parameter each: D1 takes 100 per statement), and the queries have a
 * fixed text; they are plain SQL read as arrays (Database.rows), the same on SQLite and D1:
 * building drizzle SQL and mapping its rows for every stored document cost more than running
 * it.
 *
 * Where the runtime keeps a filter of the keys item_keys holds (Database.indexKeys: a SQLite
 * file on Node), the keys it says the table cannot hold are left out before anything is built
 * for them: 88-93 % of a cold pull's probes on the bench, each a B-tree descent in
 * SQLite that found nothing. The batch's window, over which the boilerplate bound is counted,
 * still spans every input's, so the query returns the same rows.
 */
import { getTableColumns, type Column } from 'drizzle-orm';
import { entries, texts, type EntryRow } from '../../db/schema/items.ts';
import type { StoryText } from '../../db/texts.ts';
import type { Database } from '../../db/client.ts';
import type { KeyFilter } from '../../db/key-filter.ts';
import { MAX_INDEX_KEYS } from './fingerprint.ts';
import { chunks } from './chunk.ts';
// A value import from matcher.ts, which imports only types from here: no cycle at run time.
import { pushTo } from './matcher.ts';

/**
 * Inputs sharing one candidate window (the query was once run per four inputs, and its
 * windows are kept); index keys per input: the bands, the title and lead buckets.
 */
const PER_QUERY = 4;
const KEYS_PER_INPUT = MAX_INDEX_KEYS;

export interface LookupInput {
  /** Distinctive guid's hash, or null. */
  guidHash: string | null;
  /** Story URL, or null. */
  canonicalUrl: string | null;
  /** As stored in item_keys (fingerprint.ts indexKeyNumbers). */
  indexKeys: number[];
  publishedAt: number;
}

/** What matching compares of an entry, new or stored: where it comes from and its fingerprint. */
export interface MatchFields {
  sourceId: number;
  guid: string | null;
  guidHash: string;
  canonicalUrl: string | null;
  titleKey: string;
  leadKey: string;
  leadProbes: string;
  /** entries.serial_marks. */
  marks: string;
  minhash: string;
  shingleCount: number;
  publishedAt: number;
}

/** A stored entry as the matcher sees it (what matching reads, its item and network, its pin). */
export interface CandidateRow extends MatchFields {
  id: number;
  itemId: string;
  networkSlug: string;
  splitFromItemId: string | null;
}

/**
 * Inputs per execution of the candidate query: its lists are bound as JSON values (one bound
 * parameter each, whatever their length), so a batch of usual documents is one query — on D1
 * one subrequest rather than one per document — and a 10,000-item document ten, each value
 * well under D1's 2 MB.
 */
const INPUTS_PER_QUERY = 1000;

/**
 * An index key held by more stories than this within the lookup's window is boilerplate, not a
 * story's print: it brings no candidates. Bench feeds that reuse sentences, and real members'
 * newsletter footers, "Lire la suite" summaries and recurring headings, give a few keys to
 * hundreds of stories, and every new entry probing one brought back every entry of all of them
 * (at 1,000 bench sources one band key was held by 247 stories, candidate entries per new
 * item grew from 0.9 at 250 sources to 3.2 at 1,000, and the lookup took a quarter of
 * storing), only for the matcher to reject them. Stories sharing a key are distinct stories
 * by construction (an entry that joins a story writes none of the keys the story has
 * already), so a key past this bound stands for many stories dedup kept apart.
 *
 * What it can cost: a duplicate whose only link to its story is such a key. A true copy links
 * through several: at the near-duplicate thresholds (Jaccard ≥ 0.8) two texts share on
 * average 3.3 of the 8 bands of 4 rows and at least two with probability 0.90 (at least one:
 * 0.98), and a relay keeps its title's bucket and its lead's. A key shared because of a
 * footer is a band whose four minima fall in the footer, while the copy's own words give the
 * others. Nor does a key of 33 stories point at one of them: a teaser matched on "same title,
 * same opening words" against 33 look-alikes would pick the closest in time, a guess. Lead
 * keys are already held to 4 look-alikes for excerpt checks (MAX_SHARED_LEAD, matcher.ts).
 * The distribution at 1,000 bench sources (538,127 keys in the window): 98.7 % held by one
 * story, 5,143 by two, 1,244 by 3-4, 547 by 5-8, 187 by 9-16, 39 by 17-32, 26 by more (8 by
 * over 64). 32 leaves every key a story and its relays could plausibly share, and bounds what
 * one probe costs: SQLite counts at most 33 rows of a key before giving up on it.
 *
 * Stories are counted as the key's rows in item_keys within the batch's window (one row per
 * story and key; a stale row after an edit or a split counts too), as of the batch's start:
 * the batch's own new stories count from the next batch on. That window is one entry's
 * candidate window (60 days) widened by the spread of the batch's publication dates: see
 * storiesBound for a batch that reaches further back.
 */
export const MAX_STORIES_PER_KEY = 32;

/** The most candidate windows' worth of stories a key may hold (storiesBound). */
const MAX_WINDOWS = 16;

/**
 * The bound for a lookup over [low, high]: MAX_STORIES_PER_KEY for each candidate window's
 * span (one entry's: 2 × windowMs) that the lookup's window covers, up to MAX_WINDOWS. A
 * first pull's batch reaches back over its feeds' archives, months or years: counted over all
 * of it, a monthly newsletter's footer or a yearly event's title would pass 32 though only one
 * or two stories hold it near any given entry; per window, the bound is the same density.
 */
export function storiesBound(low: number, high: number, windowMs: number): number {
  const windows = Math.min(MAX_WINDOWS, Math.max(1, (high - low) / (2 * windowMs)));
  return Math.ceil(MAX_STORIES_PER_KEY * windows);
}

/**
 * For a batch of documents, the items sharing with one of its inputs a distinctive guid or a
 * story URL, its sources' split entries (pins), the items asked for (`alsoItems`), and the
 * items with one of the batch's index keys published within the batch's window (`hits`, each
 * key row pointing at an entry of its item) unless more stories than the bound (storiesBound)
 * have the key there (`probed`: how many, counted up to one more than the bound); then every
 * entry of those items, and the keys over the bound (id and item null: key).
 *
 * Which document wanted each item is told by lookupCandidates from what each row carries:
 * - `places` (column 15): what found its item through the lists, as list places ('g3': the
 *   fourth guid hash, 'u', 's': URLs, sources), comma-separated, or null;
 * - `pairs` (column 16), on the row of an entry key rows point at: those rows' keys and
 *   publications, space-separated (a key is wanted within its own group's window: the
 *   documents are those whose probe of the key covers the publication), null on the others.
 * An entry may come twice (its item found through the lists and a key, or through two of its
 * entries' keys): lookupCandidates keeps it once. The hits are not rows of their own: a row
 * per hit, mostly empty cells, cost as much to hand to JavaScript as reading the candidates,
 * and their entries were read twice (for their item, then as candidates), now once, in entry
 * order, each item's other entries right after it.
 *
 * The keys come as one sorted list of distinct numbers with one window for all: probing
 * [key, from, to, tag] lists cost a JSON value to parse and four json_extract per probe, half
 * of a probe's cost (a cold pull probes ~11 keys per new item, nearly all absent), and the
 * query took ~9 % of the main thread; guid hashes, URLs and sources likewise come as flat
 * lists of distinct values. Parameters: the window's bounds, the bound + 1, the keys (JSON
 * list), the bound, the window's bounds again, then JSON lists of guid hashes, URLs, sources
 * and item ids wanted by no document (alsoItems), and the bound once more. `probed` is
 * materialized so that a key's count is made once (hits then seek only the keys that are
 * there: most probed keys are absent); `hits` too, grouped by entry.
 */
export const CANDIDATES_SQL = `with probed(key, stories) as materialized (
  select k.value, (select count(*) from (select 1 from item_keys c
      where c.key = k.value and c.published_at between ? and ?
      limit ? + 0))
    from json_each(?) k
),
hits(entry_id, pairs) as materialized (
  select item_keys.entry_id, group_concat(p.key || ' ' || quote(item_keys.published_at), ' ')
    from probed p cross join item_keys
    where p.stories between 1 and ?
      and item_keys.key = p.key and item_keys.published_at between ? and ?
    group by item_keys.entry_id
),
listed(item_id, place) as (
  select e.item_id, 'g' || g.key from json_each(?) g cross join entries e
    where substr(e.guid_hash, 1, 12) = substr(g.value, 1, 12)
      and e.guid_hash = g.value and e.guid is not null
  union all
  select e.item_id, 'u' || u.key from json_each(?) u cross join entries e
    where e.canonical_url = u.value
  union all
  select e.item_id, 's' || s.key from json_each(?) s cross join entries e
    where e.source_id = s.value and e.split_from_item_id is not null
  union all select i.value, null from json_each(?) i
)
select e.id, e.item_id, e.source_id, e.network_slug, e.guid, e.guid_hash, e.canonical_url,
  e.title_key, e.lead_key, e.lead_probes, e.serial_marks, e.minhash, e.shingle_count,
  e.published_at, e.split_from_item_id, w.places, null
from (select item_id, group_concat(place) as places from listed group by item_id) w
cross join entries e on e.item_id = w.item_id
union all
select e.id, e.item_id, e.source_id, e.network_slug, e.guid, e.guid_hash, e.canonical_url,
  e.title_key, e.lead_key, e.lead_probes, e.serial_marks, e.minhash, e.shingle_count,
  e.published_at, e.split_from_item_id, null, iif(e.id = x.id, h.pairs, null)
from hits h cross join entries x on x.id = h.entry_id cross join entries e on e.item_id = x.item_id
union all select null, null, key, null, null, null, null, null, null, null, null,
  null, null, null, null, null, null from probed where stories > ?`;
// `limit ? + 0`, not `limit ?`: SQLite (3.53) reads a bare parameter's value when it plans a
// LIMIT, so binding it again (every run: better-sqlite3 binds every parameter) made it throw
// the prepared plan away and parse and plan the whole query anew at each lookup, ~0.2 ms, 650
// times in a 1,000-source pull. An expression is evaluated when the query runs.
// CROSS JOIN keeps the lists outside: each value is a probe of an index. No ORDER BY: it
// copied every row into a sorter, minhash and all; lookupCandidates sorts the entries (by
// item, then id) itself. A hit's publication is written by quote(), which gives a REAL's
// exact value on every SQLite version (20 digits when 15 do not give it back; a plain text
// conversion may keep 15): the window test in lookupCandidates reads back the number SQLite
// compared.
/**
 * A candidate (or an entry the batch writes, or one the matcher registers: id null) with its
 * fields always in this order. Stored rows, new entries and edited ones all pass through the
 * same matching functions: built each their own way (object spreads, literals in other
 * orders), they were objects of several shapes, which V8 read through slow generic lookups
 * and for which it threw away and recompiled those functions.
 */
export function candidateRow<Id extends number | null>(
  id: Id,
  itemId: string,
  networkSlug: string,
  splitFromItemId: string | null,
  f: MatchFields,
): Omit<CandidateRow, 'id'> & { id: Id } {
  return {
    id,
    itemId,
    sourceId: f.sourceId,
    networkSlug,
    guid: f.guid,
    guidHash: f.guidHash,
    canonicalUrl: f.canonicalUrl,
    titleKey: f.titleKey,
    leadKey: f.leadKey,
    leadProbes: f.leadProbes,
    marks: f.marks,
    minhash: f.minhash,
    shingleCount: f.shingleCount,
    publishedAt: f.publishedAt,
    splitFromItemId,
  };
}

function candidateOf(r: unknown[]): CandidateRow {
  return candidateRow(r[0] as number, r[1] as string, r[3] as string, r[14] as string | null, {
    sourceId: r[2] as number,
    guid: r[4] as string | null,
    guidHash: r[5] as string,
    canonicalUrl: r[6] as string | null,
    titleKey: r[7] as string,
    leadKey: r[8] as string,
    leadProbes: r[9] as string,
    marks: r[10] as string,
    minhash: r[11] as string,
    shingleCount: r[12] as number,
    publishedAt: r[13] as number,
  });
}

/**
 * The index keys the lookup probes for these inputs: each input's keys (as stored numbers)
 * with the candidate window of its group of PER_QUERY inputs — the earliest one's publication
 * − window to the latest one's + window.
 */
export function keyProbes(
  inputs: LookupInput[],
  windowMs: number,
): Array<[key: number, from: number, to: number]> {
  const probes: Array<[number, number, number]> = [];
  for (let start = 0; start < inputs.length; start += PER_QUERY) {
    const end = Math.min(inputs.length, start + PER_QUERY);
    const [low, high] = groupWindow(inputs, start, end, windowMs);
    for (let i = start; i < end; i++)
      for (const key of inputs[i]!.indexKeys.slice(0, KEYS_PER_INPUT))
        probes.push([key, low, high]);
  }
  return probes;
}

/**
 * The candidate window of inputs[start..end), one group of PER_QUERY inputs: the earliest
 * one's publication − window to the latest one's + window.
 */
function groupWindow(
  inputs: LookupInput[],
  start: number,
  end: number,
  windowMs: number,
): [low: number, high: number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    low = Math.min(low, inputs[i]!.publishedAt - windowMs);
    high = Math.max(high, inputs[i]!.publishedAt + windowMs);
  }
  return [low, high];
}

/** One document's lookup: its source and its inputs. */
export interface LookupDocument {
  sourceId: number;
  inputs: LookupInput[];
}

/** A stored entry found by the lookup, with the documents (their indexes) that wanted it. */
export interface FoundRow {
  row: CandidateRow;
  /**
   * Indexes of the documents whose lookup found it (none: only an `alsoItems` item, or one
   * whose key is within the batch's window but no probe's own).
   */
  docs: number[];
}

/** One candidate query's lists (see CANDIDATES_SQL). */
interface Lists {
  /** Distinct guid hashes, URLs, sources → the documents that look them up. */
  guids: Map<string, number[]>;
  urls: Map<string, number[]>;
  splits: Map<number, number[]>;
  /** Index key → its probes' windows and documents (only keys the table may hold). */
  probes: Map<number, Array<[from: number, to: number, tag: number]>>;
  /**
   * The batch's window: every probe's own window within it, those of keys left out too (the
   * boilerplate bound is counted over it, whichever keys the table holds).
   */
  low: number;
  high: number;
  inputs: number;
}

const emptyLists = (): Lists => ({
  guids: new Map(),
  urls: new Map(),
  splits: new Map(),
  probes: new Map(),
  low: Number.POSITIVE_INFINITY,
  high: Number.NEGATIVE_INFINITY,
  inputs: 0,
});

/**
 * Adds a document's inputs (its tag) to the lists, starting new lists in `queries` as they
 * fill; returns the lists being filled. Each input's keys are probed within its group's window
 * (as keyProbes gives them), those the filter says the table cannot hold left out. A module
 * function, not a callback made at each call: see pushTo (matcher.ts).
 */
function addProbes(
  queries: Lists[],
  current: Lists,
  sourceId: number,
  inputs: LookupInput[],
  tag: number,
  windowMs: number,
  filter: KeyFilter | null,
): Lists {
  let lists = current;
  addTag(lists.splits, sourceId, tag);
  for (let start = 0; start < inputs.length; start += PER_QUERY) {
    if (lists.inputs >= INPUTS_PER_QUERY) {
      queries.push(lists);
      lists = emptyLists();
      addTag(lists.splits, sourceId, tag);
    }
    const end = Math.min(inputs.length, start + PER_QUERY);
    let keys = 0;
    for (let i = start; i < end; i++) {
      const input = inputs[i]!;
      if (input.guidHash !== null) addTag(lists.guids, input.guidHash, tag);
      if (input.canonicalUrl !== null) addTag(lists.urls, input.canonicalUrl, tag);
      keys += Math.min(input.indexKeys.length, KEYS_PER_INPUT);
    }
    if (keys) {
      const [low, high] = groupWindow(inputs, start, end, windowMs);
      lists.low = Math.min(lists.low, low);
      lists.high = Math.max(lists.high, high);
      for (let i = start; i < end; i++) {
        const { indexKeys } = inputs[i]!;
        for (let k = 0; k < indexKeys.length && k < KEYS_PER_INPUT; k++) {
          const key = indexKeys[k]!;
          if (filter === null || filter.mayHold(key)) pushTo(lists.probes, key, [low, high, tag]);
        }
      }
    }
    lists.inputs += end - start;
  }
  return lists;
}

/** Adds a document (its tag) to those of a list's value, once. */
function addTag<K>(list: Map<K, number[]>, value: K, tag: number): void {
  const tags = list.get(value);
  if (!tags) list.set(value, [tag]);
  else if (!tags.includes(tag)) tags.push(tag);
}

/** What the lookup found, and the keys it did not follow. */
export interface Candidates {
  found: FoundRow[];
  /**
   * Probed keys held by more stories than the bound within the batch's window: they
   * brought nothing, and must bring nothing from the batch's own new entries either.
   */
  hotKeys: Set<number>;
}

/**
 * Stored entries of every candidate item of each document of a batch, each entry once. Each
 * index key is looked up within the candidate window of its group of inputs (keyProbes), as
 * when each group was a query of its own, unless it is boilerplate (MAX_STORIES_PER_KEY).
 * `alsoItems`: items whose entries are wanted whatever matches (those whose entries a document
 * edits: a later document of the batch may find them).
 */
export async function lookupCandidates(
  db: Database,
  documents: LookupDocument[],
  windowMs: number,
  alsoItems: string[] = [],
): Promise<Candidates> {
  // Keys the table cannot hold bring nothing: where the runtime knows them without asking
  // (Database.indexKeys), they are not probed.
  const { indexKeys } = db;
  return indexKeys
    ? indexKeys.reading((filter) => lookup(db, documents, windowMs, alsoItems, filter))
    : lookup(db, documents, windowMs, alsoItems, null);
}

/** lookupCandidates, with the filter of the keys to probe if there is one. */
async function lookup(
  db: Database,
  documents: LookupDocument[],
  windowMs: number,
  alsoItems: string[],
  filter: KeyFilter | null,
): Promise<Candidates> {
  const queries: Lists[] = [];
  let lists = emptyLists();
  for (let tag = 0; tag < documents.length; tag++) {
    const { sourceId, inputs } = documents[tag]!;
    if (inputs.length) lists = addProbes(queries, lists, sourceId, inputs, tag, windowMs, filter);
  }
  if (lists.inputs || alsoItems.length) queries.push(lists);
  const found = new Map<number, FoundRow>();
  const hotKeys = new Set<number>();
  for (const [i, q] of queries.entries()) {
    // No key to probe at all: an empty window.
    const [low, high] = q.low <= q.high ? [q.low, q.high] : [0, -1];
    const bound = storiesBound(low, high, windowMs);
    const guidTags = [...q.guids.values()];
    const urlTags = [...q.urls.values()];
    const splitTags = [...q.splits.values()];
    const params = [
      low,
      high,
      bound + 1,
      // Sorted (a typed array sorts numbers without a comparator): SQLite walks the index in
      // order.
      JSON.stringify(Array.from(Float64Array.from(q.probes.keys()).sort())),
      bound,
      low,
      high,
      JSON.stringify([...q.guids.keys()]),
      JSON.stringify([...q.urls.keys()]),
      JSON.stringify([...q.splits.keys()]),
      JSON.stringify(i === queries.length - 1 ? alsoItems : []),
      bound,
    ];
    const rows = await db.rows(CANDIDATES_SQL, params);
    // The documents that wanted each item: those whose list value found one of its entries,
    // and those whose probe of a key covers a hit on one of its entries.
    const itemDocs = new Map<string, number[]>();
    const entryRows: unknown[][] = [];
    for (const r of rows) {
      if (r[0] === null) {
        hotKeys.add(r[2] as number);
        continue;
      }
      entryRows.push(r);
      const itemId = r[1] as string;
      if (r[15] !== null)
        for (const place of (r[15] as string).split(',')) {
          const at = Number(place.slice(1));
          const list = place[0] === 'g' ? guidTags : place[0] === 'u' ? urlTags : splitTags;
          for (const tag of list[at]!) addTag(itemDocs, itemId, tag);
        }
      if (r[16] !== null) {
        const pairs = (r[16] as string).split(' ');
        for (let p = 0; p < pairs.length; p += 2) {
          const at = Number(pairs[p + 1]);
          for (const [from, to, tag] of q.probes.get(Number(pairs[p])) ?? [])
            if (at >= from && at <= to) addTag(itemDocs, itemId, tag);
        }
      }
    }
    for (const r of entryRows.sort(byItemThenId)) {
      const docs = itemDocs.get(r[1] as string) ?? [];
      const seen = found.get(r[0] as number);
      if (!seen) found.set(r[0] as number, { row: candidateOf(r), docs: docs.slice() });
      else for (const d of docs) if (!seen.docs.includes(d)) seen.docs.push(d);
    }
  }
  return { found: [...found.values()], hotKeys };
}

/** Entry rows of CANDIDATES_SQL in the order matching reads them: by item, then id. */
function byItemThenId(a: unknown[], b: unknown[]): number {
  const [itemA, itemB] = [a[1] as string, b[1] as string];
  if (itemA !== itemB) return itemA < itemB ? -1 : 1;
  return (a[0] as number) - (b[0] as number);
}

/**
 * Every stored entry, whole and with its text, of the given items: those a batch joins or
 * edits, a few per document, in one query (the ids bound as one JSON list).
 */
export async function entriesOfItems(
  db: Database,
  itemIds: string[],
): Promise<Array<EntryRow & StoryText>> {
  const found: Array<EntryRow & StoryText> = [];
  const { sql, decode } = entriesOfItemsQuery();
  for (const part of chunks(itemIds, ITEMS_PER_QUERY))
    for (const r of await db.rows(sql, [JSON.stringify(part)])) found.push(decode(r));
  return found;
}

/**
 * entriesOfItems' query, plain SQL with a fixed text read as arrays (Database.rows), and the
 * decoding of its rows as the query builder would give them (each column's own mapping: JSON
 * lists, booleans). Built from the schema once: the query builder wrote and prepared the same
 * SQL again for every batch (2 % of a cold pull's main thread).
 */
const entriesOfItemsQuery = (() => {
  let built: { sql: string; decode(r: unknown[]): EntryRow & StoryText } | undefined;
  return () => {
    if (built) return built;
    const columns: Array<[string, string, Column]> = [
      ...Object.entries(getTableColumns(entries)).map(([key, c]): [string, string, Column] => [
        key,
        `e."${c.name}"`,
        c,
      ]),
      ['summary', 't."summary"', texts.summary],
      ['contentHtml', 't."content_html"', texts.contentHtml],
    ];
    const sql = `select ${columns.map(([, name]) => name).join(', ')}
from entries e left join texts t on t.key = e.text_key
where e.item_id in (select value from json_each(?))
order by e.id`;
    const decode = (r: unknown[]) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const [key, , column] = columns[i]!;
        const value = r[i];
        row[key] = value === null ? null : column.mapFromDriverValue(value);
      }
      return row as unknown as EntryRow & StoryText;
    };
    return (built = { sql, decode });
  };
})();

/** Item ids per entries-of-items query: JSON well under D1's 2 MB per value. */
const ITEMS_PER_QUERY = 5000;

/** Known-entry pairs per query (JSON, one bound value). */
const PAIRS_PER_QUERY = 5000;

/**
 * What each source already has under these guids (id and content hash, from a covering
 * index), for every document of a batch in one query; the first query also says the highest
 * entry id ever given (sqlite_sequence, or the table's, whichever is higher), from which the
 * batch numbers its new entries (see store-feed.ts).
 */
export const KNOWN_SQL = `select e.id, e.source_id, e.guid_hash, e.content_hash
from json_each(?) j cross join entries e
where e.source_id = json_extract(j.value, '$[0]') and e.guid_hash = json_extract(j.value, '$[1]')`;
const KNOWN_AND_LAST_ID_SQL = `${KNOWN_SQL}
union all select max(coalesce((select max(id) from entries), 0),
  coalesce((select seq from sqlite_sequence where name = 'entries'), 0)), null, null, null`;

export interface StoredGuid {
  id: number;
  sourceId: number;
  guidHash: string;
  contentHash: string;
}

/** Known entries of (source, guid hash) pairs, and the last entry id given (see KNOWN_SQL). */
export async function knownEntries(
  db: Database,
  pairs: Array<[number, string]>,
): Promise<{ known: StoredGuid[]; lastId: number }> {
  const known: StoredGuid[] = [];
  let lastId = 0;
  for (let start = 0; start === 0 || start < pairs.length; start += PAIRS_PER_QUERY) {
    const part = JSON.stringify(pairs.slice(start, start + PAIRS_PER_QUERY));
    for (const r of await db.rows(start === 0 ? KNOWN_AND_LAST_ID_SQL : KNOWN_SQL, [part])) {
      if (r[1] === null) lastId = Number(r[0]);
      else
        known.push({
          id: r[0] as number,
          sourceId: r[1] as number,
          guidHash: r[2] as string,
          contentHash: r[3] as string,
        });
    }
  }
  return { known, lastId };
}
