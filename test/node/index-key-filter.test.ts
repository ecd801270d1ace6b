/**
 * The candidate lookup's key filter on a SQLite file (workers/node/index-keys.ts over
 * db/key-filter.ts): keys it leaves out are not probed, so it must never leave out a key
 * item_keys holds, whoever wrote it — this connection since the filter was built, or another
 * connection (another process's pull) between two of this one's stores, even between the
 * filter's check and the lookup's read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { entries, itemKeys } from '../../src/db/schema/index.ts';
import { KeyFilter } from '../../src/db/key-filter.ts';
import { insertKeyValues } from '../../src/db/item-keys.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { lookupCandidates, MAX_STORIES_PER_KEY } from '../../src/ingest/dedupe/lookup.ts';
import { CANDIDATE_WINDOW_MS } from '../../src/ingest/dedupe/similarity.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { indexKeyFigures, setRebuildSpacing } from '../../workers/node/index-keys.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import type { Deps } from '../../src/deps.ts';

const T0 = Date.parse('2026-05-20T10:00:00Z');
const HOUR = 3_600_000;

/** A key as item_keys stores them: a kind in the high bits, a 32-bit hash in the low ones. */
const randomKey = (next: () => number) => (next() % 80) * 2 ** 32 + (next() >>> 0);

function numbers(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

describe('KeyFilter', () => {
  it('holds every key it was given through its growth, and few others', () => {
    const filter = new KeyFilter();
    const next = numbers(7);
    const given = Array.from({ length: 300_000 }, () => randomKey(next));
    // Band, lead and title kinds over the same hash: distinct keys.
    given.push(5 * 2 ** 32 + 12345, 64 * 2 ** 32 + 12345, 70 * 2 ** 32 + 12345, 12345);
    for (const key of given) filter.add(key);
    expect(given.every((key) => filter.mayHold(key))).toBe(true);
    const others = Array.from({ length: 100_000 }, () => randomKey(next));
    const wrong = others.filter((key) => filter.mayHold(key)).length;
    expect(wrong / others.length).toBeLessThan(0.03);
    // Grown by layers from 64 Ki keys (80 KB): about 1.25 bytes per key it can hold.
    expect(filter.bytes).toBeLessThan(600_000);
    expect(new KeyFilter().mayHold(given[0]!)).toBe(false);
  });
});

describe('the key filter of a SQLite connection (Node)', () => {
  const here = makeNodeDeps();
  // Another connection to the same file, as another process (a pull from the command line)
  // would open it.
  const there = makeNodeDeps({ HUB_DB: here.config.dbPath });
  // Rebuilt at each commit of the other connection, however close (see the last test).
  beforeAll(() => setRebuildSpacing({ factor: 0, minMs: 0 }));
  afterAll(async () => {
    setRebuildSpacing(null);
    await there.close();
    await here.close();
  });

  const story = (host: string, n: number, title: string, words: string) =>
    parsedItem({
      guid: `https://${host}/${n}`,
      url: `https://${host}/${n}`,
      title,
      contentHtml: `<p>${words}</p>`,
      published: new Date(T0 + n * HOUR),
    });
  const itemOf = async (deps: Deps, guid: string) =>
    (await deps.db.orm.select().from(entries).where(eq(entries.guid, guid)))[0]!.itemId;

  it('finds a story another connection stored between two stores of this one', async () => {
    const [a, b, c] = [
      await addSource(here, 'animacoop'),
      await addSource(here, 'tierslieux'),
      await addSource(here, 'coopaname'),
    ];
    // This connection stores a story: its lookup builds the filter from the table.
    await storeFeedItems(here, a, [
      story(
        'animacoop.example',
        1,
        'Atelier vélo au local',
        'Chaque samedi des bénévoles '.repeat(8),
      ),
    ]);
    // The other one stores another story, then this one a relay of it (another address).
    const words = 'Les comptes de l’année, le budget prévisionnel et les élections du bureau. ';
    await storeFeedItems(there, b, [
      story('tierslieux.example', 2, 'Assemblée générale de la coopérative', words.repeat(4)),
    ]);
    const builds = indexKeyFigures.builds;
    await storeFeedItems(here, c, [
      story('coopaname.example', 3, 'Assemblée générale de la coopérative', words.repeat(4)),
    ]);
    expect(await itemOf(here, 'https://coopaname.example/3')).toBe(
      await itemOf(here, 'https://tierslieux.example/2'),
    );
    expect(indexKeyFigures.builds).toBe(builds + 1);
  });

  it('finds a story this connection stored after the filter was built', async () => {
    const a = await addSource(here, 'habitat');
    const b = await addSource(here, 'enercoop');
    const words = 'Un chantier participatif pour isoler la salle commune avant l’hiver. ';
    await storeFeedItems(here, a, [
      story('habitat.example', 4, 'Chantier participatif à la salle commune', words.repeat(4)),
    ]);
    await storeFeedItems(here, b, [
      story('enercoop.example', 5, 'Chantier participatif à la salle commune', words.repeat(4)),
    ]);
    expect(await itemOf(here, 'https://enercoop.example/5')).toBe(
      await itemOf(here, 'https://habitat.example/4'),
    );
  });

  it('reads again when another connection commits between its check and its read', async () => {
    const indexKeys = here.db.indexKeys!;
    const [entry] = await here.db.orm.select().from(entries).limit(1);
    const key = 99 * 2 ** 32 + 0xdeadbeef;
    const seen: boolean[] = [];
    await indexKeys.reading(async (filter) => {
      seen.push(filter!.mayHold(key));
      // The first time: another connection commits the key now, as another process could
      // between the filter's check and this read.
      if (seen.length === 1)
        await there.db.batch(insertKeyValues(there.db, [key, entry!.publishedAt, entry!.id]));
    });
    expect(seen).toEqual([false, true]);
    // Written here, the key is known at the next lookup, without a rebuild.
    const own = 98 * 2 ** 32 + 0xfeedbeef;
    await here.db.batch(insertKeyValues(here.db, [own, entry!.publishedAt, entry!.id]));
    expect(await indexKeys.reading(async (filter) => filter!.mayHold(own))).toBe(true);
    const stored = await here.db.orm.select().from(itemKeys).where(eq(itemKeys.key, own));
    expect(stored).toHaveLength(1);
  });

  it('reads again when another lookup rebuilt the filter while this one awaited', async () => {
    const indexKeys = here.db.indexKeys!;
    const [entry] = await here.db.orm.select().from(entries).limit(1);
    const key = 95 * 2 ** 32 + 0x5eed;
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const seen: boolean[] = [];
    const first = indexKeys.reading(async (filter) => {
      // The first time, this lookup waits (between two of its queries) while another
      // connection commits the key and another lookup of this one rebuilds the filter.
      if (!seen.length) await paused;
      seen.push(filter!.mayHold(key));
    });
    await there.db.batch(insertKeyValues(there.db, [key, entry!.publishedAt, entry!.id]));
    expect(await indexKeys.reading(async (filter) => filter!.mayHold(key))).toBe(true);
    resume();
    await first;
    expect(seen).toEqual([false, true]);
  });

  it("counts the boilerplate bound over the batch's whole window, keys left out included", async () => {
    const source = await addSource(here, 'scic');
    const day = 86_400_000;
    const at = Date.parse('2026-09-01T10:00:00Z');
    // More stories than one window's bound hold one key, within a few days of each other.
    const n = MAX_STORIES_PER_KEY + 8;
    await storeFeedItems(
      here,
      source,
      Array.from({ length: n }, (_, i) =>
        parsedItem({
          guid: `https://scic.example/${i}`,
          url: `https://scic.example/${i}`,
          title: `Numéro ${i} de la lettre ${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${i}`,
          contentHtml: `<p>${`Sujet ${i} ${'xyz'.repeat(i % 7)} `.repeat(12)}</p>`,
          published: new Date(at - (i % 5) * day),
        }),
      ),
    );
    const stored = await here.db.orm.select().from(entries).where(eq(entries.sourceId, source.id));
    const key = 97 * 2 ** 32 + 0xc0ffee;
    await here.db.batch(
      insertKeyValues(
        here.db,
        stored.flatMap((e) => [key, e.publishedAt, e.id]),
      ),
    );
    const absent = 96 * 2 ** 32 + 0xabad1dea;
    const input = (keys: number[], publishedAt: number) => ({
      sourceId: 999,
      inputs: [{ guidHash: null, canonicalUrl: null, indexKeys: keys, publishedAt }],
    });
    // A document months older than the other, whose only key the table does not hold: the
    // filter leaves it out, but its window still widens the batch's, and with it the bound.
    const documents = [input([absent], at - 200 * day), input([key], at)];
    const withFilter = await lookupCandidates(here.db, documents, CANDIDATE_WINDOW_MS);
    const withoutFilter = await lookupCandidates(
      { ...here.db, indexKeys: undefined },
      documents,
      CANDIDATE_WINDOW_MS,
    );
    const seen = ({ found, hotKeys }: Awaited<ReturnType<typeof lookupCandidates>>) => ({
      found: found.map((f) => [f.row.id, f.docs]),
      hotKeys: [...hotKeys],
    });
    expect(seen(withFilter)).toEqual(seen(withoutFilter));
    expect(withFilter.hotKeys.size).toBe(0);
    expect(withFilter.found.filter((f) => f.docs.includes(1))).toHaveLength(n);
    // The other document alone: one window, the key is boilerplate there.
    const alone = await lookupCandidates(here.db, [documents[1]!], CANDIDATE_WINDOW_MS);
    expect([...alone.hotKeys]).toEqual([key]);
  });

  it('probes every key, rather than rebuild, while another connection keeps committing', async () => {
    setRebuildSpacing({ factor: 10, minMs: 60_000 });
    try {
      const a = await addSource(here, 'railcoop');
      const b = await addSource(here, 'lilo');
      const words = 'Une ligne de train coopérative entre Bordeaux et Lyon rouvre au printemps. ';
      const title = 'Réouverture de la ligne Bordeaux Lyon';
      const [builds, unfiltered] = [indexKeyFigures.builds, indexKeyFigures.unfiltered];
      // Built less than a minute ago (the tests above): the other connection's story is found
      // without a rebuild, every key probed.
      await storeFeedItems(there, a, [story('railcoop.example', 6, title, words.repeat(4))]);
      await storeFeedItems(here, b, [story('lilo.example', 7, title, words.repeat(4))]);
      expect(await itemOf(here, 'https://lilo.example/7')).toBe(
        await itemOf(here, 'https://railcoop.example/6'),
      );
      expect(indexKeyFigures.builds).toBe(builds);
      expect(indexKeyFigures.unfiltered).toBeGreaterThan(unfiltered);
      expect(await here.db.indexKeys!.reading(async (filter) => filter)).toBeNull();
    } finally {
      setRebuildSpacing({ factor: 0, minMs: 0 });
    }
  });
});
