/**
 * An upstream hub's history (src/ingest/refresh/history.ts) waits for room in the pull's store
 * batch before each page, as every document of a pull does (store-batcher.ts, Lane.room): while
 * the pull already holds its bound of read documents (another source reading one that large),
 * no page is fetched; once the store catches up, the history goes on to its end. Real HTTP, a
 * real SQLite file. Node only: on D1 a batch waits for every source of the pull (storesWhenFree
 * is SQLite's), so there the first page itself waits for the other source; the room is the
 * same code on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '../../src/db/schema/index.ts';
import { fetchDocument } from '../../src/ingest/fetch.ts';
import { historyToRead, storeWithHistory } from '../../src/ingest/refresh/history.ts';
import { readDocument, type FeedDocument } from '../../src/ingest/refresh/read-document.ts';
import { MAX_BYTES, StoreBatcher } from '../../src/ingest/store-batcher.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource } from '../support/store-fixtures.ts';

const PAGES = 6;
const TOPICS = ['atelier vélo', 'chantier participatif', 'marché paysan', 'forum emploi'];
const PLACES = ['Albi', 'Rodez', 'Millau', 'Castres', 'Figeac', 'Cahors'];

/** Page `n` of a hub's history: two stories of its own, and the address of page n + 1. */
function page(base: string, n: number): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Hub Occitanie',
    ...(n < PAGES ? { next_url: `${base}/archive/p${n + 1}.json` } : {}),
    _hub: { networks: [{ slug: 'animacoop', name: 'Animacoop' }] },
    items: [0, 1].map((k) => {
      const title = `${TOPICS[(n + k) % 4]} à ${PLACES[n - 1]}, édition ${2000 + 10 * n + k}`;
      return {
        id: `https://occitanie.example/p${n}/${k}`,
        url: `https://occitanie.example/p${n}/${k}`,
        title,
        content_text: `${title} : ${'programme détaillé '.repeat(k + 1)}${PLACES[n - 1]} ${n * k}.`,
        date_published: `2026-0${n}-1${k}T08:00:00Z`,
        _hub: { networks: ['animacoop'] },
      };
    }),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a hub’s history waits for room in the pull before each page', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  const asked: number[] = [];
  beforeAll(async () => {
    server = await startFixtureServer();
    for (let n = 1; n <= PAGES; n++)
      server.route(`/archive/p${n}.json`, (_req, res) => {
        asked.push(n);
        res.writeHead(200, { 'content-type': 'application/feed+json' }).end(page(server.base, n));
      });
  });
  afterAll(() => server.close());

  it('fetches no page while the pull holds its bound, and all of them once it has room', async () => {
    const deps = makeNodeDeps();
    try {
      const source = await addSource(deps, 'occitanie', `${server.base}/archive/p1.json`);
      const batcher = new StoreBatcher(deps);
      // Another source of the pull reads a document as large as the bound: the store is behind.
      const other = batcher.lane();
      await other.room(MAX_BYTES);
      const lane = batcher.lane();
      const fetched = await fetchDocument(deps, { url: source.fetchUrl });
      if (fetched.status !== 'ok') throw new Error(`page 1: ${fetched.status}`);
      const first = (await readDocument(deps, source, fetched)) as FeedDocument;
      const start = historyToRead(source, first);
      expect(start).toMatchObject({ page: 2 });
      const history = storeWithHistory(deps, source, lane, first, start!);

      // Page 1, read before, is stored; page 2 is not asked for while the bound is held.
      for (let i = 0; i < 200; i++) {
        if ((await deps.db.orm.select().from(items)).length === 2) break;
        await sleep(10);
      }
      expect(await deps.db.orm.select().from(items)).toHaveLength(2);
      await sleep(500);
      expect(asked).toEqual([1]);

      // The other source hands its document over (here: it ends): the history goes on.
      other.end();
      const stored = await history;
      lane.end();
      expect(stored.warning).toBeNull();
      expect(stored.result.new).toBe(2 * PAGES);
      expect(asked).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
      await stored.committed;
      expect(await deps.db.orm.select().from(items)).toHaveLength(2 * PAGES);
    } finally {
      await deps.close();
    }
  });
});
