/**
 * A pull of big feeds holds a bounded amount of read documents: a source whose document would
 * wait for the store does not fetch it yet (Lane.room), and a batch, or the documents waiting
 * for one, stop at MAX_BYTES (store-batcher.ts). Real components: feeds served over HTTP on
 * 127.0.0.1, read on the reading thread, stored in a SQLite file, sources taken as a pull takes
 * them (runLimited, eight at a time). Only the bytes in between are counted, by wrapping the
 * reader (a document read) and the lanes (a document stored).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import BetterSqlite3 from 'better-sqlite3';
import { entries, networks, sources } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { refreshInTurn } from '../../src/ingest/refresh.ts';
import { hostKey, runLimited } from '../../src/ingest/limiter.ts';
import {
  documentBytes,
  MAX_BYTES,
  StoreBatcher,
  type Lane,
} from '../../src/ingest/store-batcher.ts';
import type { DocumentRead } from '../../src/ingest/feed-reader.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';

const SOURCES = 24;
const ITEMS = 30;
const CONCURRENCY = 8;

/** An RSS feed of ITEMS stories of ~20 KB of text each: ~2.5 MB once read. */
function bigFeed(n: number): string {
  const paragraph = `<p>Assemblée du réseau ${n} : compte rendu détaillé des échanges. </p>`;
  const items = Array.from(
    { length: ITEMS },
    (_, i) => `<item><title>Réseau ${n}, nouvelle ${i}</title>
<link>https://reseau-${n}.example/nouvelles/${i}</link>
<guid>https://reseau-${n}.example/nouvelles/${i}</guid>
<pubDate>Mon, 0${1 + (i % 9)} Nov 2026 10:00:00 GMT</pubDate>
<description><![CDATA[${paragraph.repeat(280)} Nouvelle ${i} du réseau ${n}.]]></description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>Réseau ${n}</title><link>https://reseau-${n}.example/</link>
${items.join('\n')}</channel></rss>`;
}

describe('back-pressure in a pull of big feeds', async () => {
  const server = await startFixtureServer();
  const deps = makeNodeDeps({ HUB_MAX_NEW_PER_PULL: '100000' });
  afterAll(async () => {
    await deps.close();
    await server.close();
  });

  it('holds at most two batches of read documents while the store waits', async () => {
    const rows: SourceRow[] = [];
    for (let n = 0; n < SOURCES; n++) {
      const body = bigFeed(n);
      server.route(`/big/${n}.xml`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
      });
      await deps.db.orm
        .insert(networks)
        .values({ slug: `reseau-${n}`, name: `Réseau ${n}`, createdAt: 0, updatedAt: 0 });
      const url = `${server.base}/big/${n}.xml`;
      const [row] = await deps.db.orm
        .insert(sources)
        .values({ networkSlug: `reseau-${n}`, kind: 'feed', url, fetchUrl: url, createdAt: 0 })
        .returning();
      rows.push(row!);
    }

    // Bytes of documents read and not yet stored, as the batcher counts them.
    let held = 0;
    let most = 0;
    let largest = 0;
    let locked = false;
    const reader = deps.feedReader!;
    const readBytes = reader.readBytes!.bind(reader);
    deps.feedReader = {
      ...reader,
      offThread: reader.offThread,
      read: reader.read.bind(reader),
      readCalendar: reader.readCalendar.bind(reader),
      async readBytes(...args): Promise<DocumentRead> {
        const read = await readBytes(...args);
        if (!locked) {
          // Another process writes for a while (serve, a second pull) from the first document
          // read on: the store waits for the lock while the sources go on.
          locked = true;
          const other = new BetterSqlite3(deps.config.dbPath);
          other.exec('begin immediate');
          setTimeout(() => {
            other.exec('commit');
            other.close();
          }, 3000);
        }
        if (read.kind === 'feed') {
          const bytes = documentBytes({ source: rows[0]!, items: read.feed.items });
          largest = Math.max(largest, bytes);
          held += bytes;
          most = Math.max(most, held);
        }
        return read;
      },
    };
    const batcher = new StoreBatcher(deps);
    const lane = batcher.lane.bind(batcher);
    batcher.lane = (): Lane => {
      const inner = lane();
      return {
        ...inner,
        store(document, last) {
          // Counted as handed: once stored, its texts are freed (StoreDocument.release).
          const bytes = documentBytes(document);
          const handed = inner.store(document, last);
          void handed.stored.then(
            () => (held -= bytes),
            () => undefined,
          );
          return handed;
        },
      };
    };

    const reports: Array<Promise<{ outcome: string }>> = [];
    await runLimited(
      rows,
      (s) => hostKey(s.fetchUrl),
      { concurrency: CONCURRENCY, perKey: CONCURRENCY },
      async (source) => {
        reports.push((await refreshInTurn(deps, source, batcher)).report);
      },
    );
    await batcher.idle();
    expect((await Promise.all(reports)).map((r) => r.outcome)).toEqual(rows.map(() => 'ok'));
    const [stored] = await deps.db.orm.select({ n: count() }).from(entries);
    expect(stored!.n).toBe(SOURCES * ITEMS);

    // The documents are big: two fill a batch.
    expect(largest).toBeGreaterThan(MAX_BYTES / 2);
    // A batch being stored, and those waiting for the next one or being read: each up to
    // MAX_BYTES and one document over. Without the bounds, ten documents waited for a batch
    // and every source at work read one more: 17 documents, 36 MB in this test.
    expect(most).toBeLessThanOrEqual(2 * MAX_BYTES + 2 * largest);
  }, 60_000);
});
