/**
 * The candidate lookup: every stored entry of the items that new entries could join — items
 * sharing a distinctive guid or a story URL with them, items sharing an index key (item_bands)
 * within the candidate window, and the source's split entries (pins).
 *
 * Only what matching reads comes back, not the texts: candidates outnumber the items finally
 * joined several times over (2.8 rows per new item at 1,000 sources), and whole rows made
 * reading them a large part of storing. The store reads the few joined items' entries in full.
 *
 * The queries have a fixed shape (lists bound as JSON, or a few values per execution with the
 * unused slots bound to NULL, which matches nothing) so they are prepared once per database
 * and reused: building drizzle SQL anew for every stored document cost more than running it.
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { entries, itemBands, type EntryRow } from '../../db/schema/items.ts';
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
  indexKeys: string[];
  publishedAt: number;
}

/** The columns matching reads (KnownEntry, its index keys, pins). */
const candidateColumns = {
  id: entries.id,
  itemId: entries.itemId,
  sourceId: entries.sourceId,
  networkSlug: entries.networkSlug,
  guid: entries.guid,
  guidHash: entries.guidHash,
  canonicalUrl: entries.canonicalUrl,
  titleKey: entries.titleKey,
  leadKey: entries.leadKey,
  leadProbes: entries.leadProbes,
  serialMarks: entries.serialMarks,
  minhash: entries.minhash,
  shingleCount: entries.shingleCount,
  publishedAt: entries.publishedAt,
  splitFromItemId: entries.splitFromItemId,
};

/** A stored entry as the matcher sees it. */
export type CandidateRow = Pick<EntryRow, keyof typeof candidateColumns>;

const slots = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => sql.placeholder(`${prefix}${i}`));

/** A statement prepared once per database, on first use. */
function perDatabase<S>(prepare: (db: Database) => S): (db: Database) => S {
  const made = new WeakMap<Database, S>();
  return (db) => {
    let statement = made.get(db);
    if (!statement) made.set(db, (statement = prepare(db)));
    return statement;
  };
}

/**
 * Runs a statement whose slots `${prefix}0…` take `per` values of `list` at a time, the unused
 * ones bound to NULL (which matches nothing), with the `fixed` values in every execution.
 */
async function allInSlots<R>(
  statement: { all(values: Record<string, unknown>): R[] | Promise<R[]> },
  list: string[],
  prefix: string,
  per: number,
  fixed: Record<string, unknown> = {},
): Promise<R[]> {
  const found: R[] = [];
  for (let start = 0; start < list.length; start += per) {
    const values: Record<string, unknown> = { ...fixed };
    for (let i = 0; i < per; i++) values[`${prefix}${i}`] = list[start + i] ?? null;
    found.push(...(await statement.all(values)));
  }
  return found;
}

/**
 * Inputs per execution of the candidate query: its lists are bound as three JSON values (one
 * bound parameter each, whatever their length), so a usual document is one query — on D1 one
 * subrequest rather than one per four inputs — and a 10,000-item one twenty, each value well
 * under D1's 2 MB. A multiple of PER_QUERY.
 */
const INPUTS_PER_QUERY = 500;

const candidatesQuery = perDatabase((db) => {
  const orm = db.orm;
  const values = (name: string) => sql`select value from json_each(${sql.placeholder(name)})`;
  // Keys come as [key, from, to]: each key with its group's window (see lookupCandidates).
  const field = (i: number) => sql.raw(`json_extract(k.value, '$[${i}]')`);
  const candidates = sql.join(
    [
      sql`select ${entries.itemId} from ${entries} where ${entries.guidHash} in (${values('guids')}) and ${isNotNull(entries.guid)}`,
      sql`select ${entries.itemId} from ${entries} where ${entries.canonicalUrl} in (${values('urls')})`,
      sql`select ${entries.itemId} from ${entries} where ${entries.sourceId} = ${sql.placeholder('source')} and ${entries.splitFromItemId} is not null`,
      // CROSS JOIN keeps the keys outside: each one is a probe of item_bands_lookup.
      sql`select ${itemBands.itemId} from json_each(${sql.placeholder('keys')}) k cross join ${itemBands} where ${itemBands.bandKey} = ${field(0)} and ${itemBands.publishedAt} between ${field(1)} and ${field(2)}`,
    ],
    sql` union `,
  );
  return orm
    .select(candidateColumns)
    .from(entries)
    .where(sql`${entries.itemId} in (${candidates})`)
    .orderBy(entries.itemId, entries.id)
    .prepare();
});

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
  const statement = candidatesQuery(db);
  const found: CandidateRow[] = [];
  for (let from = 0; from < inputs.length; from += INPUTS_PER_QUERY) {
    const guids: string[] = [];
    const urls: string[] = [];
    const keys: Array<[string, number, number]> = [];
    const part = inputs.slice(from, from + INPUTS_PER_QUERY);
    for (let start = 0; start < part.length; start += PER_QUERY) {
      const group = part.slice(start, start + PER_QUERY);
      const low = Math.min(...group.map((i) => i.publishedAt)) - windowMs;
      const high = Math.max(...group.map((i) => i.publishedAt)) + windowMs;
      for (const input of group) {
        if (input.guidHash !== null) guids.push(input.guidHash);
        if (input.canonicalUrl !== null) urls.push(input.canonicalUrl);
        for (const key of input.indexKeys.slice(0, KEYS_PER_INPUT)) keys.push([key, low, high]);
      }
    }
    found.push(
      ...(await statement.all({
        source: sourceId,
        guids: JSON.stringify(guids),
        urls: JSON.stringify(urls),
        keys: JSON.stringify(keys),
      })),
    );
  }
  return found;
}

/** Item ids per execution of the entries-of-items query (unused slots bound to NULL). */
const ITEMS_PER_QUERY = 16;

const entriesOfQuery = perDatabase((db) =>
  db.orm
    .select()
    .from(entries)
    .where(inArray(entries.itemId, slots('i', ITEMS_PER_QUERY)))
    .prepare(),
);

/**
 * Every stored entry, whole, of the given items: those a document joins or edits, a few per
 * document (prepared once, like the candidate lookup: small documents are many).
 */
export function entriesOfItems(db: Database, itemIds: string[]): Promise<EntryRow[]> {
  return allInSlots<EntryRow>(entriesOfQuery(db), itemIds, 'i', ITEMS_PER_QUERY);
}

/**
 * Guid hashes per execution of the known-entries query: a usual feed in one, within D1's 100
 * parameters; unused slots are bound to NULL.
 */
const GUIDS_PER_QUERY = 64;

const knownQuery = perDatabase((db) =>
  db.orm
    .select({ id: entries.id, guidHash: entries.guidHash, contentHash: entries.contentHash })
    .from(entries)
    .where(
      and(
        eq(entries.sourceId, sql.placeholder('source')),
        inArray(entries.guidHash, slots('h', GUIDS_PER_QUERY)),
      ),
    )
    .prepare(),
);

/**
 * What a source already has under these guids (id and content hash, from a covering index):
 * asked for every stored document, so prepared once rather than built and prepared each time.
 */
export function knownEntries(
  db: Database,
  sourceId: number,
  guidHashes: string[],
): Promise<Array<{ id: number; guidHash: string; contentHash: string }>> {
  return allInSlots(knownQuery(db), guidHashes, 'h', GUIDS_PER_QUERY, { source: sourceId });
}
