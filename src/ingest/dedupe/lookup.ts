/**
 * The candidate lookup: every stored entry of the items that new entries could join — items
 * sharing a distinctive guid or a story URL with them, items sharing an index key (item_keys)
 * within the candidate window, and the source's split entries (pins).
 *
 * Only what matching reads comes back, not the texts: candidates outnumber the items finally
 * joined several times over (2.8 rows per new item at 1,000 sources), and whole rows made
 * reading them a large part of storing. The store reads the few joined items' entries in full.
 *
 * The queries have a fixed shape (lists bound as JSON, or a few values per execution with the
 * unused slots bound to NULL, which matches nothing) so they are prepared once per database
 * and reused; they are plain SQL read as arrays (Database.rows), the same on SQLite and D1:
 * building drizzle SQL and mapping its rows for every stored document cost more than running
 * it.
 */
import { inArray, sql } from 'drizzle-orm';
import { entries, texts, type EntryRow } from '../../db/schema/items.ts';
import { entryWithText, textOfEntry, type StoryText } from '../../db/texts.ts';
import type { Database } from '../../db/client.ts';
import { MAX_INDEX_KEYS } from './fingerprint.ts';

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

/** `?, ?, …` for n parameters. */
const slots = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Inputs per execution of the candidate query: its lists are bound as three JSON values (one
 * bound parameter each, whatever their length), so a usual document is one query — on D1 one
 * subrequest rather than one per four inputs — and a 10,000-item one twenty, each value well
 * under D1's 2 MB. A multiple of PER_QUERY.
 */
const INPUTS_PER_QUERY = 500;

/**
 * The entries of every item sharing with an input a distinctive guid, a story URL or an index
 * key within its window, and the source's split entries (pins). Parameters: the guid hashes
 * and the URLs as JSON lists, the source, the keys as a JSON list of [key, from, to].
 */
const CANDIDATES_SQL = `select id, item_id, source_id, network_slug, guid, guid_hash, canonical_url,
  title_key, lead_key, lead_probes, serial_marks, minhash, shingle_count, published_at,
  split_from_item_id
from entries where item_id in (
  select item_id from entries
    where guid_hash in (select value from json_each(?)) and guid is not null
  union select item_id from entries where canonical_url in (select value from json_each(?))
  union select item_id from entries where source_id = ? and split_from_item_id is not null
  union select item_keys.item_id from json_each(?) k cross join item_keys
    where item_keys.key = json_extract(k.value, '$[0]')
      and item_keys.published_at
        between json_extract(k.value, '$[1]') and json_extract(k.value, '$[2]')
)
order by item_id, id`;
// CROSS JOIN keeps the keys outside: each one is a probe of item_keys' primary key.

function candidateOf(r: unknown[]): CandidateRow {
  return {
    id: r[0] as number,
    itemId: r[1] as string,
    sourceId: r[2] as number,
    networkSlug: r[3] as string,
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
    splitFromItemId: r[14] as string | null,
  };
}

/**
 * Stored entries of every candidate item. Each index key is looked up within the candidate
 * window of its group of PER_QUERY inputs (the earliest one's publication − window to the
 * latest one's + window), as when each group was a query of its own.
 */
export async function lookupCandidates(
  db: Database,
  sourceId: number,
  inputs: LookupInput[],
  windowMs: number,
): Promise<CandidateRow[]> {
  const found: CandidateRow[] = [];
  for (let from = 0; from < inputs.length; from += INPUTS_PER_QUERY) {
    const guids: string[] = [];
    const urls: string[] = [];
    const keys: Array<[number, number, number]> = [];
    const part = inputs.slice(from, from + INPUTS_PER_QUERY);
    for (let start = 0; start < part.length; start += PER_QUERY) {
      const group = part.slice(start, start + PER_QUERY);
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (const input of group) {
        low = Math.min(low, input.publishedAt - windowMs);
        high = Math.max(high, input.publishedAt + windowMs);
      }
      for (const input of group) {
        if (input.guidHash !== null) guids.push(input.guidHash);
        if (input.canonicalUrl !== null) urls.push(input.canonicalUrl);
        for (const key of input.indexKeys.slice(0, KEYS_PER_INPUT)) keys.push([key, low, high]);
      }
    }
    const params = [JSON.stringify(guids), JSON.stringify(urls), sourceId, JSON.stringify(keys)];
    for (const r of await db.rows(CANDIDATES_SQL, params)) found.push(candidateOf(r));
  }
  return found;
}

/** Item ids per execution of the entries-of-items query (unused slots bound to NULL). */
const ITEMS_PER_QUERY = 16;

const entriesOfQuery = perDatabase((db) =>
  db.orm
    .select(entryWithText)
    .from(entries)
    .leftJoin(texts, textOfEntry)
    .where(inArray(entries.itemId, placeholders('i', ITEMS_PER_QUERY)))
    .prepare(),
);

/**
 * Every stored entry, whole and with its text, of the given items: those a document joins or
 * edits, a few per document (prepared once, like the candidate lookup: small documents are
 * many).
 */
export async function entriesOfItems(
  db: Database,
  itemIds: string[],
): Promise<Array<EntryRow & StoryText>> {
  const statement = entriesOfQuery(db);
  const found: Array<EntryRow & StoryText> = [];
  for (let start = 0; start < itemIds.length; start += ITEMS_PER_QUERY) {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < ITEMS_PER_QUERY; i++) values[`i${i}`] = itemIds[start + i] ?? null;
    found.push(...(await statement.all(values)));
  }
  return found;
}

/**
 * Guid hashes per execution of the known-entries query: a usual feed in one, within D1's 100
 * parameters; unused slots are bound to NULL.
 */
const GUIDS_PER_QUERY = 64;

const KNOWN_SQL = `select id, guid_hash, content_hash from entries
where source_id = ? and guid_hash in (${slots(GUIDS_PER_QUERY)})`;

/**
 * What a source already has under these guids (id and content hash, from a covering index):
 * asked for every stored document, so in plain SQL prepared once.
 */
export async function knownEntries(
  db: Database,
  sourceId: number,
  guidHashes: string[],
): Promise<Array<{ id: number; guidHash: string; contentHash: string }>> {
  const found: Array<{ id: number; guidHash: string; contentHash: string }> = [];
  for (let start = 0; start < guidHashes.length; start += GUIDS_PER_QUERY) {
    const params: unknown[] = [sourceId];
    for (let i = 0; i < GUIDS_PER_QUERY; i++) params.push(guidHashes[start + i] ?? null);
    for (const r of await db.rows(KNOWN_SQL, params))
      found.push({ id: r[0] as number, guidHash: r[1] as string, contentHash: r[2] as string });
  }
  return found;
}

/** A statement prepared once per database, on first use. */
function perDatabase<S>(prepare: (db: Database) => S): (db: Database) => S {
  const made = new WeakMap<Database, S>();
  return (db) => {
    let statement = made.get(db);
    if (!statement) made.set(db, (statement = prepare(db)));
    return statement;
  };
}

const placeholders = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => sql.placeholder(`${prefix}${i}`));
