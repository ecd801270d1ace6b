/**
 * The candidate lookup: every stored entry of the items that new entries could join — items
 * sharing a distinctive guid or a story URL with them, items sharing an index key (item_bands)
 * within the candidate window, and the source's split entries (pins).
 *
 * Only what matching reads comes back, not the texts: candidates outnumber the items finally
 * joined several times over (2.8 rows per new item at 1,000 sources), and whole rows made
 * reading them a large part of storing. The store reads the few joined items' entries in full.
 *
 * The query has a fixed shape (a few inputs per execution, unused slots bound to NULL, which
 * matches nothing) so it is prepared once per database and reused: building drizzle SQL anew
 * for every stored document cost more than running it.
 */
import { and, between, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { entries, itemBands, type EntryRow } from '../../db/schema/items.ts';
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

const candidatesQuery = perDatabase((db) => {
  const orm = db.orm;
  const guidSlots = slots('g', PER_QUERY);
  const urlSlots = slots('u', PER_QUERY);
  const keySlots = slots('k', PER_QUERY * KEYS_PER_INPUT);
  const candidates = sql.join(
    [
      sql`select ${entries.itemId} from ${entries} where ${and(inArray(entries.guidHash, guidSlots), isNotNull(entries.guid))}`,
      sql`select ${entries.itemId} from ${entries} where ${inArray(entries.canonicalUrl, urlSlots)}`,
      sql`select ${entries.itemId} from ${entries} where ${entries.sourceId} = ${sql.placeholder('source')} and ${entries.splitFromItemId} is not null`,
      sql`select ${itemBands.itemId} from ${itemBands} where ${and(inArray(itemBands.bandKey, keySlots), between(itemBands.publishedAt, sql.placeholder('from'), sql.placeholder('to')))}`,
    ],
    sql` union `,
  );
  return orm
    .select(candidateColumns)
    .from(entries)
    .where(sql`${entries.itemId} in (${candidates})`)
    .prepare();
});

/** Stored entries of every candidate item (duplicates possible across chunks). */
export async function lookupCandidates(
  db: Database,
  sourceId: number,
  inputs: LookupInput[],
  windowMs: number,
): Promise<CandidateRow[]> {
  const statement = candidatesQuery(db);
  const found: CandidateRow[] = [];
  for (let start = 0; start < inputs.length; start += PER_QUERY) {
    const group = inputs.slice(start, start + PER_QUERY);
    const values: Record<string, unknown> = { source: sourceId, from: 0, to: 0 };
    if (group.length) {
      values.from = Math.min(...group.map((i) => i.publishedAt)) - windowMs;
      values.to = Math.max(...group.map((i) => i.publishedAt)) + windowMs;
    }
    for (let i = 0; i < PER_QUERY; i++) {
      values[`g${i}`] = group[i]?.guidHash ?? null;
      values[`u${i}`] = group[i]?.canonicalUrl ?? null;
      for (let k = 0; k < KEYS_PER_INPUT; k++)
        values[`k${i * KEYS_PER_INPUT + k}`] = group[i]?.indexKeys[k] ?? null;
    }
    found.push(...(await statement.all(values)));
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
