/**
 * Feed documents read on a thread (workers/node/feed-reader-pool.ts): the same reading as in
 * line, errors with their kind, a dying thread failing its document alone, and the store
 * ending with the same rows whichever way the items were read.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import {
  inlineFeedReader,
  plainTextOf,
  readFeed,
  type ReadFeed,
} from '../../src/ingest/feed-reader.ts';
import { textOf } from '../../src/db/text-value.ts';
import { IngestError } from '../../src/ingest/types.ts';
import { decodeBody } from '../../src/ingest/decode.ts';
import { readUpstream } from '../../src/ingest/upstream.ts';
import { storePreparedItems } from '../../src/ingest/store-feed.ts';
import { eq } from 'drizzle-orm';
import { entries, items, texts } from '../../src/db/schema/index.ts';
import { textKey } from '../../src/db/text-key.ts';
import { indexKeyNumbers } from '../../src/ingest/dedupe/fingerprint.ts';
import { feedReaderPool } from '../../workers/node/feed-reader-pool.ts';
import { renderSource } from '../../bench/ingest/federation.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource } from '../support/store-fixtures.ts';

const NOW = Date.UTC(2026, 10, 20);
const base = () => 'https://membres.example';
/** Members of the bench federation: RSS, Atom and JSON Feed documents, with relays. */
const doc = (i: number, n = 20, members = 40) => {
  const feed = renderSource(base, i, n, members, NOW);
  return { text: feed.body, url: `https://membres.example/${i}.xml` };
};

/**
 * A feed read on a thread as a string reader sees it: its texts decoded (they come as bytes:
 * workers/node/packed-texts.ts) and its fingerprints' plain texts computed back (plainTextOf).
 */
function decoded(feed: ReadFeed): ReadFeed {
  // Set when texts came as bytes (text-bytes.test.ts): the buffer to free once stored.
  delete feed.release;
  for (const item of feed.items) {
    item.summary = textOf(item.summary);
    item.contentHtml = textOf(item.contentHtml);
    item.searchText = textOf(item.searchText);
    if (item.fp) plainTextOf(item, item.fp);
  }
  return feed;
}

async function rejection(p: Promise<unknown>): Promise<IngestError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestError);
  return err as IngestError;
}

describe('feed reader threads', () => {
  const pool = feedReaderPool(2);
  afterAll(() => pool.close());

  it('read as in line, with every fingerprint computed ahead', async () => {
    for (const i of [0, 1, 2, 3]) {
      const { text, url } = doc(i);
      const read = await pool.read(text, url);
      // The large texts come as UTF-8 bytes, views of one buffer per document.
      const views = read.items.flatMap((i) => [i.contentHtml, i.searchText]);
      expect(views.every((v) => v instanceof Uint8Array)).toBe(true);
      expect(new Set(views.map((v) => (v as Uint8Array).buffer)).size).toBe(1);
      const threaded = decoded(read);
      expect(threaded).toEqual(await readFeed(text, url, { fingerprints: true }));
      expect(threaded.items.length).toBe(20);
      expect(threaded.items.every((item) => item.fp && item.fp.minhash.length > 0)).toBe(true);
      const inline = await inlineFeedReader.read(text, url);
      expect(inline.items.every((item) => item.fp === undefined)).toBe(true);
      // The search text and the text's key are computed ahead with the fingerprint
      // (search-text.ts, db/text-key.ts), else by the store.
      expect(threaded.items.every((item) => typeof item.searchText === 'string')).toBe(true);
      for (const item of threaded.items)
        expect(item.textKey).toBe(textKey(textOf(item.summary), textOf(item.contentHtml)));
      expect(threaded.items.some((item) => item.textKey === null)).toBe(false);
      // And so are its index key numbers, which the store would compute again otherwise.
      for (const item of threaded.items) {
        expect(item.keyNumbers).toEqual(indexKeyNumbers(item.fp!));
        expect(item.keyNumbers!.length).toBeGreaterThan(0);
      }
      expect(inline.items.every((item) => item.keyNumbers === undefined)).toBe(true);
      expect(
        threaded.items.map(
          ({ fp: _fp, keyNumbers: _n, searchText: _searchText, textKey: _key, ...rest }) => rest,
        ),
      ).toEqual(inline.items);
    }
  });

  // A thread sends fingerprints without their plain text; the pool computes it back on use.
  it('gives back each fingerprint’s plain text, for every parse fixture', async () => {
    const dir = new URL('../fixtures/parse/', import.meta.url);
    let texts = 0;
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(xml|json|rdf)$/.test(name)) continue;
      const text = readFileSync(new URL(name, dir), 'utf8');
      const url = `https://exemple.org/${name}`;
      const inline = await readFeed(text, url, { fingerprints: true }).catch(() => null);
      if (!inline) continue;
      const threaded = await pool.read(text, url);
      threaded.items.forEach((item, i) => {
        expect(item.fp!.text, `${name} #${i}`).toBeUndefined();
        expect(plainTextOf(item, item.fp!), `${name} #${i}`).toBe(inline.items[i]!.fp!.text);
        if (item.fp!.text) texts++;
      });
    }
    expect(texts).toBeGreaterThan(20);
  });

  it('stops threads that have had nothing to read for a while, and starts them again', async () => {
    const idle = feedReaderPool(2, { idleMs: 1000 });
    try {
      const docs = [doc(0), doc(1), doc(2)];
      await Promise.all(docs.map((d) => idle.read(d.text, d.url)));
      // The thread that read the last document has just finished it: still there.
      expect(idle.running()).toBeGreaterThanOrEqual(1);
      await vi.waitFor(() => expect(idle.running()).toBe(0), { timeout: 15_000, interval: 50 });
      // The next pull gets a fresh thread, reading the same.
      const again = decoded(await idle.read(docs[0]!.text, docs[0]!.url));
      expect(again).toEqual(await readFeed(docs[0]!.text, docs[0]!.url, { fingerprints: true }));
      expect(idle.running()).toBe(1);
    } finally {
      await idle.close();
    }
  });

  /**
   * A budget well above what a small document needs on a loaded 2-core machine (a fresh thread's
   * first 3-item read took ~80 ms there), and a document slow by construction: 10,000 items (the
   * parser's cap) take ~6 s of CPU on a quiet machine, longer under load. Load only widens the
   * gap, where a 100 ms budget raced the small document's own read.
   */
  const BUDGET_MS = 1500;
  const slowDoc = () => doc(0, 10_000);

  it('stops a feed read past its budget (Lecture trop longue) and reads the next on a new thread', async () => {
    const strict = feedReaderPool(1, { feedBudgetMs: BUDGET_MS });
    try {
      const big = slowDoc();
      const err = await rejection(strict.read(big.text, big.url));
      expect(err.kind).toBe('read_timeout');
      expect(err.message).toMatch(/^Lecture trop longue : le document demandait plus de 1,5 s /);
      const small = doc(1, 3);
      expect((await strict.read(small.text, small.url)).items.length).toBe(3);
    } finally {
      await strict.close();
    }
  });

  it('a document sent ahead to a thread stopped past its budget is read on a new thread', async () => {
    const strict = feedReaderPool(1, { feedBudgetMs: BUDGET_MS });
    try {
      // The thread is up first: only a thread that said it is ready gets a document ahead.
      const warm = doc(9, 3);
      expect((await strict.read(warm.text, warm.url)).items.length).toBe(3);
      const big = slowDoc();
      const small = doc(1, 3);
      // Both asked at once: the small one goes to the thread ahead, while it reads the big one.
      const first = strict.read(big.text, big.url);
      const second = strict.read(small.text, small.url);
      expect((await rejection(first)).kind).toBe('read_timeout');
      // Lost with the stopped thread, it would never be answered: say so rather than hang.
      const lost = new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error('document sent ahead lost')), 15_000);
        timer.unref();
      });
      expect((await Promise.race([second, lost])).items.length).toBe(3);
    } finally {
      await strict.close();
    }
  });

  it('goes on reading the next document while the main thread is busy', async () => {
    const one = feedReaderPool(1);
    // CPU time of the whole process (every thread), in ms: unlike wall time, load leaves it be.
    const cpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    // This (main) thread's own CPU time, in ms (Linux: utime and stime, in 1/100 s ticks).
    const mainCpuMs = () => {
      const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    };
    // CPU spent by the other threads, the reading one above all.
    const othersMs = () => cpuMs() - mainCpuMs();
    try {
      await one.read(doc(9, 3).text, doc(9, 3).url); // the thread is up
      const next = doc(2, 1500);
      let cpu = cpuMs();
      let others = othersMs();
      await one.read(next.text, next.url);
      const aloneCpu = cpuMs() - cpu;
      const aloneOthers = othersMs() - others;
      const first = one.read(doc(3, 3).text, doc(3, 3).url);
      const second = one.read(next.text, next.url);
      // The main thread storing a batch: no reply is handled meanwhile. It stays busy until the
      // other threads have spent most of a read's CPU, however slowly a loaded machine lets the
      // reading thread run (or for 45 s, when nothing was sent ahead to read).
      others = othersMs();
      const until = performance.now() + 45_000;
      while (performance.now() < until && othersMs() - others < 0.8 * aloneOthers);
      cpu = cpuMs();
      await first;
      await second;
      // Sent ahead, the second document was read during the wait: only its answer is left to
      // take, where reading it now would cost about a whole read's CPU.
      expect(cpuMs() - cpu).toBeLessThan(aloneCpu / 2);
    } finally {
      await one.close();
    }
  }, 90_000);

  it('reads many documents at once, each answer to its own request', async () => {
    const docs = Array.from({ length: 24 }, (_, i) => doc(i, 5 + (i % 7)));
    const read = await Promise.all(docs.map((d) => pool.read(d.text, d.url)));
    read.forEach((feed, i) => expect(feed.items.length).toBe(5 + (i % 7)));
    expect(read.map((f) => f.title)).toEqual(
      await Promise.all(docs.map(async (d) => (await readFeed(d.text, d.url)).title)),
    );
  });

  it('returns reading errors with their kind and message', async () => {
    const html = await rejection(
      pool.read('<!doctype html><html><body>Accueil</body></html>', 'https://x.example/'),
    );
    expect(html.kind).toBe('not_a_feed');
    const json = await rejection(
      pool.read(
        '{"version": "https://jsonfeed.org/version/1.1", "items": [',
        'https://x.example/feed.json',
      ),
    );
    expect(json.kind).toBe('parse_error');
    expect(json.message).toMatch(/^JSON invalide : /);
    // The threads are still there for the next document.
    expect((await pool.read(doc(5).text, doc(5).url)).items.length).toBe(20);
  });

  it('reads hostile nesting in seconds on a thread, and hands back a malformed feed’s warning', async () => {
    const nested = Array.from(
      { length: 9 },
      (_, i) =>
        `<item><title>n${i}</title><link>https://x.example/n/${i}</link><description><![CDATA[${'<b>'.repeat(170_000)}fin]]></description></item>`,
    ).join('');
    // htmlparser2 alone took about 20 s per item of this document: the test's timeout (30 s)
    // guards against that (the linear time itself is checked in test/unit/bounded-html.test.ts).
    const [hostile, other] = await Promise.all([
      pool.read(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>${nested}</channel></rss>`,
        'https://x.example/nested.xml',
      ),
      pool.read(doc(12).text, doc(12).url),
    ]);
    expect(
      hostile.items.map((i) =>
        textOf(i.contentHtml)?.endsWith('fin</b>'.concat('</b>'.repeat(63))),
      ),
    ).toEqual(Array(9).fill(true));
    expect(other.items.length).toBe(20);
    const broken = await pool.read(
      '<rss version="2.0"><channel><title>R&D</title><item><title>a</title><link>https://x.example/?a=1&b=2</link></item></channel></rss>',
      'https://x.example/broken.xml',
    );
    expect(broken.items.map((i) => i.url)).toEqual(['https://x.example/?a=1&b=2']);
    expect(broken.warning).toMatch(/^Flux mal formé lu en mode tolérant .* « & » non échappés/);
  }, 60_000);

  it('a thread that runs out of memory fails its document only; a new thread reads the next', async () => {
    const small = feedReaderPool(1, { threadHeapMb: 16 });
    try {
      // 3.7 MB of tiny items: each becomes objects, far more than 16 MB of heap once parsed.
      const huge = `<?xml version="1.0"?><rss version="2.0"><channel><title>Énorme</title>${'<item><title>a</title><link>https://x.example/a</link></item>'.repeat(60_000)}</channel></rss>`;
      const err = await rejection(small.read(huge, 'https://x.example/huge.xml'));
      expect(err.kind).toBe('parse_error');
      expect(err.message).toBe(
        'Lecture impossible : le document demande plus de 16 Mo de mémoire pour être lu',
      );
      const next = await small.read(doc(6).text, doc(6).url);
      expect(next.items.length).toBe(20);
    } finally {
      await small.close();
    }
  }, 60_000);

  it('threads that cannot start (a broken install) leave the reading in line, said once', async () => {
    const said: string[] = [];
    const broken = feedReaderPool(2, {
      script: new URL('./missing-reader-script.mjs', import.meta.url),
      onFallback: (why) => said.push(why),
    });
    try {
      const docs = [doc(8), doc(9), doc(10)];
      const read = await Promise.all(docs.map((d) => broken.read(d.text, d.url)));
      expect(read).toEqual(await Promise.all(docs.map((d) => readFeed(d.text, d.url))));
      expect((await broken.read(doc(11).text, doc(11).url)).items.length).toBe(20);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/missing-reader-script/);
    } finally {
      await broken.close();
    }
  });

  // refresh.ts sends a fetched body's bytes (readBytes): decoded on the thread, as in line.
  it('reads fetched bytes as decoding then reading in line would, whatever their shape', async () => {
    const utf8 = new TextEncoder().encode(doc(2).text);
    // windows-1252 declared by the document only (€ is 0x80, é is 0xe9).
    const latin = Uint8Array.from(
      '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Caf\xe9 \x80</title><item><title>Entr\xe9e</title><link>https://x.example/e</link></item></channel></rss>',
      (c) => c.charCodeAt(0),
    );
    // A body that is a slice of a larger buffer (a network chunk): only its own bytes count.
    const framed = new Uint8Array(utf8.length + 20).fill(0x41);
    framed.set(utf8, 10);
    const slice = framed.subarray(10, 10 + utf8.length);
    const cases: Array<[Uint8Array, string | null]> = [
      [utf8, 'application/rss+xml; charset=utf-8'],
      [latin, 'text/xml'],
      [slice, 'application/rss+xml'],
    ];
    for (const [bytes, type] of cases) {
      const read = await pool.readBytes!(bytes, type, 'https://x.example/f.xml', {
        htmlIsText: true,
      });
      if (read.kind === 'feed') decoded(read.feed);
      const text = decodeBody(bytes, type);
      expect(read).toEqual({
        kind: 'feed',
        feed: await readFeed(text, 'https://x.example/f.xml', { fingerprints: true }),
        upstream: readUpstream(text),
      });
    }
    const latinRead = await pool.readBytes!(latin, null, 'https://x.example/l.xml', {
      htmlIsText: true,
    });
    expect(latinRead.kind === 'feed' && latinRead.feed.title).toBe('Café €');
    // What is not read as a feed there comes back as text: a calendar, a first hop's page.
    const page = '<!doctype html><html><head><link rel="alternate" href="/f.xml"></head></html>';
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
    for (const text of [page, ics]) {
      const bytes = new TextEncoder().encode(text);
      expect(
        await pool.readBytes!(bytes, 'text/html', 'https://x.example/', { htmlIsText: true }),
      ).toEqual({ kind: 'text', text });
    }
    // A page past the first hop is read as a feed, and fails as one.
    const later = pool.readBytes!(
      new TextEncoder().encode(page),
      'text/html',
      'https://x.example/',
      {
        htmlIsText: false,
      },
    );
    expect((await rejection(later)).kind).toBe('not_a_feed');
    // Binary bytes fail to decode, with the kind decoding gives.
    const binary = Uint8Array.from([0x3c, 0x72, 0, 0, 0x73, 0x3e]);
    const err = await rejection(
      pool.readBytes!(binary, null, 'https://x.example/b', { htmlIsText: true }),
    );
    expect(err.kind).toBe('decode_error');
    // The caller's bytes are left as they were.
    expect(decodeBody(utf8, null)).toBe(doc(2).text);
  });

  it('a closed pool refuses new documents', async () => {
    const closing = feedReaderPool(1);
    await closing.read(doc(7).text, doc(7).url);
    await closing.close();
    await expect(closing.read(doc(7).text, doc(7).url)).rejects.toThrow(/closed/);
  });

  it('the store files a text under the key its thread computed, without hashing it again', async () => {
    const deps = makeNodeDeps();
    try {
      const source = await addSource(deps, 'reseau-a');
      const feed = await pool.read(doc(0).text, doc(0).url);
      // A key no hash gives: the store must take it as the thread sent it.
      const first = feed.items[0]!;
      first.textKey = 'computed-on-the-thread';
      await storePreparedItems(deps, source, feed.items);
      const [entry] = await deps.db.orm
        .select({ textKey: entries.textKey })
        .from(entries)
        .where(eq(entries.guidHash, first.guidHash));
      expect(entry!.textKey).toBe('computed-on-the-thread');
      const [row] = await deps.db.orm.select().from(texts).where(eq(texts.key, entry!.textKey!));
      expect(row).toMatchObject({
        summary: textOf(first.summary),
        contentHtml: textOf(first.contentHtml),
      });
    } finally {
      await deps.close();
    }
  });

  it('the store ends with the same rows whether items were read on a thread or in line', async () => {
    const rowsAfter = async (reader: 'thread' | 'inline') => {
      const deps = makeNodeDeps();
      try {
        const sources = [await addSource(deps, 'reseau-a'), await addSource(deps, 'reseau-b')];
        // Two members relaying each other's stories: dedup decides with the fingerprints.
        for (const [k, i] of [0, 1].entries()) {
          const { text, url } = doc(i, 20, 2);
          const feed =
            reader === 'thread'
              ? await pool.read(text, url)
              : await inlineFeedReader.read(text, url);
          await storePreparedItems(deps, sources[k]!, feed.items);
          // A thread's plain texts are computed back only for an excerpt check: storing the
          // rest leaves them uncomputed (reading HTML again on the main thread cost ~1 s of a
          // 250-source pull when the store asked for every one).
          if (reader === 'thread') {
            const lazy = feed.items.filter((item) => item.fp!.text === undefined);
            expect(lazy.length).toBeGreaterThan(feed.items.length / 2);
          }
        }
        const e = await deps.db.orm.select().from(entries).orderBy(entries.id);
        const it = await deps.db.orm.select().from(items);
        // Ids and first-seen times differ between two stores; what dedup decided must not.
        const stories = new Map(it.map((row) => [row.id, row.title]));
        return {
          entries: e.map(
            ({ id: _id, itemId, firstSeenAt: _f, publishedAt: _p, updatedAt: _u, ...rest }) => ({
              ...rest,
              story: stories.get(itemId),
            }),
          ),
          stories: it.length,
        };
      } finally {
        await deps.close();
      }
    };
    const threaded = await rowsAfter('thread');
    const inline = await rowsAfter('inline');
    expect(threaded.entries.length).toBe(40);
    expect(threaded.stories).toBeLessThan(40); // relays merged
    expect(threaded).toEqual(inline);
  });
});
