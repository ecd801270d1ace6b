/**
 * The candidate lookup of a batch (dedupe/lookup.ts lookupCandidates): one query finds, for
 * every document of the batch, the stored stories sharing an index key with one of its inputs
 * published within that input's window (the window of its group of inputs). The query reads
 * every key of the batch within the batch's whole window; which document each stored key
 * answers is decided after, so a key near one document's date must not be given to another
 * document of the batch whose own window does not reach it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { entries, itemKeys } from '../../src/db/schema/index.ts';
import { insertKeys } from '../../src/db/item-keys.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import {
  CANDIDATES_SQL,
  lookupCandidates,
  type LookupInput,
} from '../../src/ingest/dedupe/lookup.ts';
import { CANDIDATE_WINDOW_MS } from '../../src/ingest/dedupe/similarity.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('the candidate lookup of a batch (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  deps.clock = manualClock('2026-06-01T12:00:00Z');
  afterAll(() => deps.close());

  it('gives each document the stories whose keys fall within its own window, in one query', async () => {
    const source = await addSource(deps, 'animacoop');
    const story = (n: number, title: string, words: string) =>
      parsedItem({
        guid: `https://animacoop.example/${n}`,
        url: `https://animacoop.example/${n}`,
        title,
        contentHtml: `<p>${words}</p>`,
        published: new Date(T0 + n * DAY),
      });
    // Story A on day 0, story B on day 40: two texts with nothing in common.
    await storeFeedItems(deps, source, [
      story(
        0,
        'Atelier de réparation de vélos au local',
        'Chaque samedi matin des bénévoles '.repeat(8),
      ),
      story(
        40,
        'Assemblée générale de la coopérative',
        'Les comptes de l’année et le budget '.repeat(8),
      ),
    ]);
    const stored = await deps.db.orm.select().from(entries).orderBy(asc(entries.publishedAt));
    const [a, b] = stored;
    const keyOf = async (entryId: number) =>
      (await deps.db.orm.select().from(itemKeys)).find((k) => k.entryId === entryId)!.key;
    const kA = await keyOf(a!.id);
    const kB = await keyOf(b!.id);
    const input = (indexKeys: number[], day: number): LookupInput => ({
      guidHash: null,
      canonicalUrl: null,
      indexKeys,
      publishedAt: T0 + day * DAY,
    });
    const { found } = await lookupCandidates(
      deps.db,
      [
        // Day 1: A (day 0) is within 30 days, B (day 40) is not.
        { sourceId: 99, inputs: [input([kA, kB], 1)] },
        // Day 41: B is, A is not.
        { sourceId: 99, inputs: [input([kA, kB], 41)] },
        // One group of two inputs shares one window (day -50 to day 60): B through the first.
        { sourceId: 99, inputs: [input([kB], -20), input([1], 30)] },
        // Day 100: neither.
        { sourceId: 99, inputs: [input([kA, kB], 100)] },
      ],
      CANDIDATE_WINDOW_MS,
    );
    const docsOf = (id: number) =>
      found
        .find((f) => f.row.id === id)
        ?.docs.slice()
        .sort();
    expect(docsOf(a!.id)).toEqual([0]);
    expect(docsOf(b!.id)).toEqual([1, 2]);
    expect(found.find((f) => f.row.id === a!.id)!.row).toMatchObject({
      itemId: a!.itemId,
      sourceId: source.id,
      titleKey: a!.titleKey,
      minhash: a!.minhash,
      publishedAt: a!.publishedAt,
    });
  });

  it('finds a guid by its whole hash through the index of its first 12 digits', async () => {
    const [a, b] = await deps.db.orm.select().from(entries).orderBy(asc(entries.publishedAt));
    const byGuid = (guidHash: string) => ({
      sourceId: 99,
      inputs: [{ guidHash, canonicalUrl: null, indexKeys: [], publishedAt: a!.publishedAt }],
    });
    // The same first 12 digits as A's hash, then others: another guid.
    const lookalike = a!.guidHash.slice(0, 12) + (a!.guidHash[12] === '0' ? '1' : '0').repeat(52);
    const { found } = await lookupCandidates(
      deps.db,
      [byGuid(a!.guidHash), byGuid(lookalike), byGuid(b!.guidHash)],
      CANDIDATE_WINDOW_MS,
    );
    // Found in item order (ids that begin with their time, then random): compared by entry.
    const byEntry = found.map((f) => [f.row.id, f.docs]).sort((x, y) => +x[0]! - +y[0]!);
    expect(byEntry).toEqual([
      [a!.id, [0]],
      [b!.id, [2]],
    ]);
    // Through the narrow index (drizzle/0015_entries_guid_prefix.sql), not a scan.
    const plan = await deps.db.rows(`EXPLAIN QUERY PLAN ${CANDIDATES_SQL}`, [
      ...[0, 0, 33, '[]', 32, 0, 0],
      ...['[]', '[]', '[]', '[]', 32],
    ]);
    expect(plan.map((step) => step[3])).toContain(
      'SEARCH e USING INDEX entries_guid_prefix (<expr>=?)',
    );
  });

  it('gives every entry of each item found, once, the documents that found it by any way', async () => {
    const here = makeNodeDeps();
    here.clock = manualClock('2026-06-01T12:00:00Z');
    try {
      const [s1, s2] = [await addSource(here, 'tiers-lieu'), await addSource(here, 'repair')];
      const text = 'Le café associatif ouvre un atelier couture le mardi soir pour tous '.repeat(6);
      const item = (n: number, words: string) =>
        parsedItem({
          guid: `https://tiers-lieu.example/billet-${n}`,
          url: `https://tiers-lieu.example/billet-${n}`,
          title: `Billet numéro ${n} du tiers-lieu`,
          contentHtml: `<p>${words}</p>`,
          published: new Date(T0 + n * DAY),
        });
      // Story A (day 0) with two entries: the second source relays it under the same guid.
      await storeFeedItems(here, s1, [item(0, text), item(3, 'Un tout autre sujet '.repeat(12))]);
      await storeFeedItems(here, s2, [item(0, text)]);
      const all = await here.db.orm.select().from(entries).orderBy(asc(entries.id));
      const [a1, b, a2] = all;
      expect(a2!.itemId).toBe(a1!.itemId);
      // B is one of s1's split entries (a pin): s1's documents find it.
      await here.db.orm
        .update(entries)
        .set({ splitFromItemId: 'ailleurs' })
        .where(eq(entries.id, b!.id));
      // Keys of A's first entry (the relay wrote none); and two at fractional publications a
      // quarter of a millisecond inside document 5's window (B) and outside it (A).
      const keys = await here.db.orm.select().from(itemKeys).where(eq(itemKeys.entryId, a1!.id));
      const kA = keys[0]!.key;
      const edge = T0 + 40 * DAY + CANDIDATE_WINDOW_MS;
      await here.db.batch(
        insertKeys(here.db, [
          { key: 7, publishedAt: edge - 0.25, entryId: b!.id },
          { key: 8, publishedAt: edge + 0.25, entryId: a1!.id },
        ]),
      );
      const input = (over: Partial<LookupInput>): LookupInput => ({
        guidHash: null,
        canonicalUrl: null,
        indexKeys: [],
        publishedAt: T0,
        ...over,
      });
      const { found } = await lookupCandidates(
        here.db,
        [
          // 0: A by its guid.
          { sourceId: 99, inputs: [input({ guidHash: a1!.guidHash })] },
          // 1: A by a key of its first entry, B by its URL.
          { sourceId: 99, inputs: [input({ indexKeys: [kA], canonicalUrl: b!.canonicalUrl })] },
          // 2: A by its URL and by the key: two ways, each entry once.
          { sourceId: 99, inputs: [input({ canonicalUrl: a1!.canonicalUrl, indexKeys: [kA] })] },
          // 3: A's key, but 100 days later: not within its window.
          { sourceId: 99, inputs: [input({ indexKeys: [kA], publishedAt: T0 + 100 * DAY })] },
          // 4: s1's split entries.
          { sourceId: s1.id, inputs: [input({})] },
          // 5: keys 7 (B, within its window by 0.25 ms) and 8 (A, outside it by 0.25 ms).
          { sourceId: 99, inputs: [input({ indexKeys: [7, 8], publishedAt: T0 + 40 * DAY })] },
          // 6: widens the batch's window past both.
          { sourceId: 99, inputs: [input({ indexKeys: [9], publishedAt: T0 + 45 * DAY })] },
        ],
        CANDIDATE_WINDOW_MS,
      );
      const byEntry = found
        .map((f) => [f.row.id, f.docs.slice().sort()])
        .sort((x, y) => +x[0]! - +y[0]!);
      expect(byEntry).toEqual([
        [a1!.id, [0, 1, 2]],
        [b!.id, [1, 4, 5]],
        [a2!.id, [0, 1, 2]],
      ]);
      // Candidates come by item, then id.
      expect(found.map((f) => f.row.id)).toEqual(
        a1!.itemId < b!.itemId ? [a1!.id, a2!.id, b!.id] : [b!.id, a1!.id, a2!.id],
      );
    } finally {
      here.close();
    }
  });

  it('binds no bare LIMIT parameter: SQLite would prepare the query again at every run', () => {
    // SQLite plans a LIMIT with the value bound to a bare parameter, so rebinding it (every
    // run) discards the prepared statement; `? + 0` is evaluated when the query runs.
    expect(CANDIDATES_SQL).not.toMatch(/\b(limit|offset)\s+\?\d*(?!\s*\+)/i);
  });
});
