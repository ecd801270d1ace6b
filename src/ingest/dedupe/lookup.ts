/**
 * The candidate lookup: every stored entry of the items that new entries could join — items
 * sharing a distinctive guid or a story URL with them, items sharing an index key (item_keys)
 * within the candidate window, and the source's split entries (pins).
 *
 * Only what matching reads comes back, not the texts: candidates outnumber the items finally
 * joined several times over (2.8 rows per new item at 1,000 sources), and whole rows made
 * reading them a large part of storing. The store reads the few joined items' entries in full.
 *
 * The query has a fixed shape (a few inputs per execution, unused slots bound to NULL, which
 * matches nothing) so it is prepared once per database and reused; it is plain SQL read as
 * arrays (Database.rows): building drizzle SQL and mapping its rows for every stored document
 * cost more than running it.
 */
import { inArray, sql } from 'drizzle-orm';
import { entries, type EntryRow } from '../../db/schema/items.ts';
import type { Database } from '../../db/client.ts';
import { keyNumber } from '../../db/item-keys.ts';
import { MAX_INDEX_KEYS } from './fingerprint.ts';

/** Inputs per execution; index keys per input: the bands, the title and lead buckets. */
const PER_QUERY = 4;
const KEYS_PER_INPUT = MAX_INDEX_KEYS;

export interface LookupInput {
  /** Distinctive guid's hash, or null. */
  guidHash: string | null;
  /** Story URL, or null. */
  canonicalUrl: string | null;
  indexKeys: string[];
  publishedAt: number;
}

/** A stored entry as the matcher sees it (what matching reads, its index keys, its pin). */
export interface CandidateRow {
  id: number;
  itemId: string;
  sourceId: number;
  networkSlug: string;
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
  splitFromItemId: string | null;
}

/** `?, ?, …` for n parameters. */
const slots = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The entries of every item sharing with one of PER_QUERY inputs a distinctive guid, a story
 * URL or an index key within the window, and the source's split entries (pins). Plain SQL for
 * SQLite and D1 alike, a fixed shape (unused slots bound to NULL, which matches nothing), so
 * SQLite prepares it once.
 */
const CANDIDATES_SQL = `select id, item_id, source_id, network_slug, guid, guid_hash, canonical_url,
  title_key, lead_key, lead_probes, serial_marks, minhash, shingle_count, published_at,
  split_from_item_id
from entries where item_id in (
  select item_id from entries where guid_hash in (${slots(PER_QUERY)}) and guid is not null
  union select item_id from entries where canonical_url in (${slots(PER_QUERY)})
  union select item_id from entries where source_id = ? and split_from_item_id is not null
  union select item_id from item_keys
    where key in (${slots(PER_QUERY * KEYS_PER_INPUT)}) and published_at between ? and ?
)`;

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

/** Stored entries of every candidate item (duplicates possible across chunks). */
export async function lookupCandidates(
  db: Database,
  sourceId: number,
  inputs: LookupInput[],
  windowMs: number,
): Promise<CandidateRow[]> {
  const found: CandidateRow[] = [];
  for (let start = 0; start < inputs.length; start += PER_QUERY) {
    const params: unknown[] = [];
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < PER_QUERY; i++) params.push(inputs[start + i]?.guidHash ?? null);
    for (let i = 0; i < PER_QUERY; i++) params.push(inputs[start + i]?.canonicalUrl ?? null);
    params.push(sourceId);
    for (let i = 0; i < PER_QUERY; i++) {
      const input = inputs[start + i];
      if (input) {
        from = Math.min(from, input.publishedAt);
        to = Math.max(to, input.publishedAt);
      }
      for (let k = 0; k < KEYS_PER_INPUT; k++) {
        const key = input?.indexKeys[k];
        params.push(key === undefined ? null : keyNumber(key));
      }
    }
    params.push(from - windowMs, to + windowMs);
    for (const r of await db.rows(CANDIDATES_SQL, params)) found.push(candidateOf(r));
  }
  return found;
}

/** Item ids per execution of the entries-of-items query (unused slots bound to NULL). */
const ITEMS_PER_QUERY = 16;

const entriesOfQuery = perDatabase((db) =>
  db.orm
    .select()
    .from(entries)
    .where(inArray(entries.itemId, placeholders('i', ITEMS_PER_QUERY)))
    .prepare(),
);

/**
 * Every stored entry, whole, of the given items: those a document joins or edits, a few per
 * document (prepared once, like the candidate lookup: small documents are many).
 */
export async function entriesOfItems(db: Database, itemIds: string[]): Promise<EntryRow[]> {
  const statement = entriesOfQuery(db);
  const found: EntryRow[] = [];
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
