/**
 * The pull behaviour suite, run identically on Node (SQLite file) and in workerd (D1):
 * test/node/pull.test.ts and test/workers/pull.test.ts call it with their own deps.
 * Member servers are the global fixture server's /_pull/… behaviours (pull-behaviours.ts).
 */
import { describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import {
  entries,
  items,
  networks,
  pulls,
  settings,
  sources,
  texts,
} from '../../src/db/schema/index.ts';
import { entryWithText, textOfEntry } from '../../src/db/texts.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { pull } from '../../src/ingest/pull.ts';
import { BACKOFF_BASE_MS } from '../../src/ingest/backoff.ts';
import { withStoreLease } from '../../src/ingest/store-lease.ts';
import { holdStoreLease, manualClock, storeLeaseRows } from './store-fixtures.ts';
import { createApp } from '../../src/app.ts';

/**
 * `makeDeps(shareWith)` opens the database of `shareWith` anew, as another process or Workers
 * invocation would (in workerd every deps shares the D1 binding anyway).
 */
export function pullSuite(
  runtime: string,
  makeDeps: (shareWith?: Deps) => Promise<Deps>,
  base: string,
): void {
  const token = () => `${runtime}-${Math.random().toString(36).slice(2, 10)}`;

  async function source(
    deps: Deps,
    slug: string,
    url: string,
    kind: SourceRow['kind'] = 'feed',
  ): Promise<SourceRow> {
    const now = deps.clock.now().getTime();
    await deps.db.orm
      .insert(networks)
      .values({ slug, name: `Réseau ${slug}`, createdAt: now, updatedAt: now })
      .onConflictDoNothing();
    const [row] = await deps.db.orm
      .insert(sources)
      .values({ networkSlug: slug, kind, url, fetchUrl: url, createdAt: now })
      .returning();
    return row!;
  }
  const row = async (deps: Deps, id: number) =>
    (await deps.db.orm.select().from(sources).where(eq(sources.id, id)))[0]!;

  describe(`pull (${runtime})`, () => {
    it('stores new items, answers 304 re-pulls without writing, updates an edited item in place', async () => {
      const deps = await makeDeps();
      const t = token();
      const stable = await source(deps, `stable-${t}`, `${base}/_pull/stable/${t}`);
      const edit = await source(deps, `edit-${t}`, `${base}/_pull/edit/${t}`);

      const first = await pull(deps, { trigger: 'test', network: stable.networkSlug, all: true });
      const firstEdit = await pull(deps, { trigger: 'test', network: edit.networkSlug, all: true });
      expect(first.reports.map((r) => [r.outcome, r.httpStatus, r.new])).toEqual([['ok', 200, 2]]);
      expect(firstEdit.reports.map((r) => [r.outcome, r.new])).toEqual([['ok', 2]]);
      expect((await row(deps, stable.id)).etag).toBe(`"s-${t}"`);
      const itemsBefore = await deps.db.orm
        .select()
        .from(entries)
        .where(eq(entries.sourceId, stable.id));

      const again = await pull(deps, { trigger: 'test', network: stable.networkSlug, all: true });
      expect(again.reports.map((r) => [r.outcome, r.httpStatus, r.new, r.updated])).toEqual([
        ['not_modified', 304, 0, 0],
      ]);
      expect(
        await deps.db.orm.select().from(entries).where(eq(entries.sourceId, stable.id)),
      ).toEqual(itemsBefore);

      const edited = await pull(deps, { trigger: 'test', network: edit.networkSlug, all: true });
      expect(edited.reports.map((r) => [r.outcome, r.new, r.updated, r.unchanged])).toEqual([
        ['ok', 1, 1, 1],
      ]);
      const editEntries = await deps.db.orm
        .select()
        .from(entries)
        .where(eq(entries.sourceId, edit.id));
      expect(editEntries).toHaveLength(3);
      const a = editEntries.find((e) => e.guid === `${t}-a`)!;
      const [story] = await deps.db.orm.select().from(items).where(eq(items.id, a.itemId));
      expect(story!.title).toBe('Première version corrigée');

      const [recorded] = await deps.db.orm.select().from(pulls).where(eq(pulls.id, edited.pullId));
      expect(recorded).toMatchObject({
        trigger: 'test',
        sources: 1,
        ok: 1,
        newItems: 1,
        updatedItems: 1,
      });
      expect(recorded!.finishedAt).not.toBeNull();
    });

    it('records each broken source with its error and backoff while the others go on', async () => {
      const deps = await makeDeps();
      const clock = manualClock('2026-11-02T10:00:00Z');
      deps.clock = clock;
      const now = clock.now().getTime();
      const t = token();
      const slug = `mixed-${t}`;
      const garbage = await source(deps, slug, `${base}/_pull/garbage.xml`);
      const error500 = await source(deps, slug, `${base}/_pull/error500.xml`);
      const busy = await source(deps, slug, `${base}/_pull/busy.xml`);
      const gone = await source(deps, slug, `${base}/_pull/gone.xml`);
      const missing = await source(deps, slug, `${base}/_pull/nothing-here.xml`);
      const good = await source(deps, slug, `${base}/_pull/stable/${t}`);

      const summary = await pull(deps, { trigger: 'test', network: slug, all: true });
      const by = new Map(summary.reports.map((r) => [r.sourceId, r]));
      expect(by.get(good.id)).toMatchObject({ outcome: 'ok', new: 2 });
      expect(by.get(garbage.id)).toMatchObject({ outcome: 'error' });
      expect(['not_a_feed', 'parse_error', 'decode_error']).toContain(
        by.get(garbage.id)!.errorKind,
      );
      expect(by.get(error500.id)).toMatchObject({
        outcome: 'error',
        errorKind: 'http_error',
        httpStatus: 500,
      });
      expect(by.get(busy.id)).toMatchObject({
        outcome: 'error',
        errorKind: 'http_error',
        httpStatus: 503,
      });
      expect(by.get(missing.id)).toMatchObject({
        outcome: 'error',
        errorKind: 'http_error',
        httpStatus: 404,
      });
      expect(by.get(gone.id)).toMatchObject({ outcome: 'gone', httpStatus: 410 });
      expect(summary).toMatchObject({ sources: 6, ok: 1, failed: 5 });

      const e500 = await row(deps, error500.id);
      expect(e500).toMatchObject({
        errorCount: 1,
        lastErrorKind: 'http_error',
        lastStatus: 500,
        nextFetchAt: now + BACKOFF_BASE_MS,
      });
      expect(e500.lastError).toMatch(/500/);
      // Retry-After: 7200 asks for longer than the first backoff step: honoured.
      expect((await row(deps, busy.id)).nextFetchAt).toBe(now + 7200_000);
      expect(await row(deps, gone.id)).toMatchObject({ status: 'retired', lastStatus: 410 });
      expect((await row(deps, good.id)).errorCount).toBe(0);

      // Due selection: 16 minutes later only the 500 is due again (plus the healthy one); the retired one never.
      clock.advance(16 * 60_000);
      const due = await pull(deps, { trigger: 'test', network: slug, all: false });
      expect(due.reports.map((r) => r.sourceId).sort()).toEqual(
        [error500.id, garbage.id, missing.id, good.id].sort(),
      );
      const e500Again = await row(deps, error500.id);
      expect(e500Again.errorCount).toBe(2);
      expect(e500Again.nextFetchAt).toBe(clock.now().getTime() + 2 * BACKOFF_BASE_MS);

      const everything = await pull(deps, { trigger: 'test', network: slug, all: true });
      expect(everything.reports.map((r) => r.sourceId)).not.toContain(gone.id);
    });

    it('hostile members (entity bomb, XXE, binary, 50 MB, trickling, redirect loop) are recorded errors; a truncated feed is read with a warning; the others are pulled', async () => {
      const deps = await makeDeps();
      deps.config = { ...deps.config, fetch: { ...deps.config.fetch, timeoutMs: 1500 } };
      const t = token();
      const slug = `hostile-${t}`;
      const hostile = {
        bomb: await source(deps, slug, `${base}/parse/billion-laughs.xml`),
        xxe: await source(deps, slug, `${base}/parse/xxe.xml`),
        garbage: await source(deps, slug, `${base}/_pull/garbage.xml`),
        huge: await source(deps, slug, `${base}/_fetch/chunked/${50 * 1024 * 1024}`),
        trickle: await source(deps, slug, `${base}/_fetch/trickle`),
        loop: await source(deps, slug, `${base}/_fetch/loop-a`),
      };
      const good = await source(deps, slug, `${base}/_pull/stable/${t}`);
      const truncated = await source(deps, slug, `${base}/parse/truncated.xml`);
      // Bounded by the per-source timeout, not by the slowest member's whims: without it the
      // trickle would hold the pull for ever, and the test's timeout would fail it.
      const summary = await pull(deps, { trigger: 'test', network: slug, all: true });
      const by = new Map(summary.reports.map((r) => [r.sourceId, r]));
      expect(by.get(good.id)).toMatchObject({ outcome: 'ok', new: 2, warning: null });
      // Malformed but readable: its items are stored and the source says what is wrong.
      expect(by.get(truncated.id)).toMatchObject({
        outcome: 'ok',
        new: 1,
        warning: expect.stringMatching(/^Flux mal formé lu en mode tolérant/),
      });
      expect(await row(deps, truncated.id)).toMatchObject({
        errorCount: 0,
        lastError: null,
        lastWarning: by.get(truncated.id)!.warning,
      });
      expect((await row(deps, good.id)).lastWarning).toBeNull();
      const kinds = Object.fromEntries(
        Object.entries(hostile).map(([name, src]) => [name, by.get(src.id)!.errorKind]),
      );
      expect(kinds).toEqual({
        bomb: 'parse_error',
        xxe: 'parse_error',
        garbage: kinds.garbage,
        huge: 'too_large',
        trickle: 'timeout',
        loop: 'redirect_loop',
      });
      expect(['not_a_feed', 'parse_error', 'decode_error']).toContain(kinds.garbage);
      for (const src of Object.values(hostile)) {
        const stored = await row(deps, src.id);
        expect(stored.errorCount, src.url).toBe(1);
        expect(stored.lastError, src.url).toBeTruthy();
      }
    });

    it('a member whose 9 items nest 170,000 unclosed tags each is read in seconds, beside the others', async () => {
      const deps = await makeDeps();
      const t = token();
      const slug = `nested-${t}`;
      const nested = await source(deps, slug, `${base}/_pull/nested/${t}`);
      const good = await source(deps, slug, `${base}/_pull/stable/${t}`);
      // htmlparser2 alone took about 20 s per item: minutes for this document, which the
      // test's timeout (30 s) catches; the linear time itself: test/unit/bounded-html.test.ts.
      const summary = await pull(deps, { trigger: 'test', network: slug, all: true });
      const by = new Map(summary.reports.map((r) => [r.sourceId, r]));
      expect(by.get(good.id)).toMatchObject({ outcome: 'ok', new: 2 });
      expect(by.get(nested.id)).toMatchObject({ outcome: 'ok', new: 9 });
      const stored = await deps.db.orm
        .select(entryWithText)
        .from(entries)
        .leftJoin(texts, textOfEntry)
        .where(eq(entries.sourceId, nested.id));
      for (const entry of stored) {
        expect(entry.contentHtml).toMatch(/texte \d/);
        expect(entry.contentHtml!.split('<b>').length - 1).toBeLessThanOrEqual(64);
      }
    });

    it('feeds as the world writes them (Mastodon, PeerTube, WordPress, podcast): the right fields on the pages and in the feeds', async () => {
      const deps = await makeDeps();
      const t = token();
      const slug = `fields-${t}`;
      for (const name of ['mastodon', 'peertube', 'wordpress-dc', 'podcast-itunes'])
        await source(deps, slug, `${base}/parse/${name}.xml`);
      const summary = await pull(deps, { trigger: 'test', network: slug, all: true });
      expect(summary.reports.map((r) => [r.outcome, r.new])).toEqual([
        ['ok', 2],
        ['ok', 1],
        ['ok', 3],
        ['ok', 2],
      ]);
      const app = createApp(deps);
      const get = async (path: string) =>
        (await app.request(`https://hub.test${path}?network=${slug}`)).text();
      const json = JSON.parse(await get('/feed.json')) as {
        items: Array<{
          title: string;
          url: string;
          authors?: Array<{ name: string }>;
          attachments?: Array<{ url: string; mime_type: string }>;
        }>;
      };
      const by = (url: string) => json.items.find((i) => i.url === url)!;
      // Title-less posts: an excerpt of their text, not their address.
      expect(by('https://mastodon.example/@coopbzh/113541234567890123').title).toMatch(
        /^Rencontre des coopératives d’activité et d’emploi à Rennes le 12 décembre/,
      );
      expect(by('https://mastodon.example/@coopbzh/113530000000000001').title).toBe(
        '@scop Merci pour l’accueil hier soir !',
      );
      // The name in "addr (Name)", dc:creator, itunes:author; no channel address as author.
      expect(by('https://scop-auvergne.example.org/2026/11/bois-et-fils/').authors?.[0]?.name).toBe(
        'François Mas',
      );
      expect(
        by('https://scop-auvergne.example.org/2026/11/portes-ouvertes/').authors?.[0]?.name,
      ).toBe('Hélène Vidal');
      const noAuthor = by('https://scop-auvergne.example.org/2026/11/formation-elus/');
      expect(noAuthor.title).toBe('Formation des élus : calendrier 2027');
      expect(JSON.stringify(noAuthor.authors ?? [])).not.toMatch(/@/);
      expect(by('https://podcast.voix-ess.example/episodes/12').authors?.[0]?.name).toBe(
        'Nadia Benali',
      );
      expect(by('https://podcast.voix-ess.example/episodes/11').authors?.[0]?.name).toBe(
        'Collectif Voix de l’ESS'.replace('’', "'"),
      );
      // PeerTube: the playable video first (RSS keeps one enclosure: that one).
      expect(by('https://tube.coop.example/w/9xKq3Lr2ZbT5yWm1').attachments?.[0]).toMatchObject({
        url: 'https://tube.coop.example/static/web-videos/5b1e6c2a-1080.mp4',
        mime_type: 'video/mp4',
      });
      const rss = await get('/feed.xml');
      expect(rss).toContain(
        '<enclosure url="https://tube.coop.example/static/web-videos/5b1e6c2a-1080.mp4"',
      );
      expect(rss).toContain('Rencontre des coopératives d’activité');
      const page = await get('/');
      expect(page).toContain('Rencontre des coopératives d’activité');
      for (const output of [rss, page, await get('/feed.atom'), JSON.stringify(json)]) {
        expect(output).not.toContain('contact@scop-auvergne.example.org');
        expect(output).not.toContain('webmaster@scop-auvergne.example.org');
        expect(output).not.toContain('podcast@voix-ess.example');
      }
    });

    it('POST /api/admin/pull pulls now and answers the summary; token required; unknown network 404', async () => {
      const deps = await makeDeps();
      deps.config = { ...deps.config, adminToken: 'pull-token' };
      const t = token();
      const src = await source(deps, `admin-${t}`, `${base}/_pull/stable/${t}`);
      const app = createApp(deps);
      const call = (path: string, auth = 'Bearer pull-token') =>
        app.request(`https://hub.test${path}`, {
          method: 'POST',
          headers: auth ? { authorization: auth } : {},
        });
      expect((await call(`/api/admin/pull?network=${src.networkSlug}`, '')).status).toBe(401);
      expect(
        (await call(`/api/admin/pull?network=${src.networkSlug}`, 'Bearer wrong')).status,
      ).toBe(401);
      const missing = await call('/api/admin/pull?network=nope');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: 'unknown_network' });
      const res = await call(`/api/admin/pull?network=${src.networkSlug}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        trigger: string;
        sources: number;
        ok: number;
        new_items: number;
        reports: Array<{ outcome: string; network: string }>;
      };
      expect(body).toMatchObject({ trigger: 'admin', sources: 1, ok: 1, new_items: 2 });
      expect(body.reports).toEqual([
        expect.objectContaining({ outcome: 'ok', network: src.networkSlug }),
      ]);

      // queue=1: handed to the runtime's dispatcher (the Queue, Node's pool), held back meanwhile.
      const handed: number[] = [];
      const dispatcher = deps.dispatcher;
      deps.dispatcher = { dispatch: async (ids) => void handed.push(...ids) };
      const queued = await Promise.resolve(
        call(`/api/admin/pull?queue=1&network=${src.networkSlug}`),
      ).finally(() => (deps.dispatcher = dispatcher));
      expect(queued.status).toBe(202);
      expect(await queued.json()).toEqual({ dispatched: 1 });
      expect(handed).toEqual([src.id]);
      expect((await row(deps, src.id)).nextFetchAt).toBeGreaterThan(
        deps.clock.now().getTime() + 19 * 60_000,
      );
      expect((await call(`/api/admin/pull?queue=1&network=${src.networkSlug}`, '')).status).toBe(
        401,
      );
    });

    it('adopts a permanent redirect only once it has been seen on three pulls', async () => {
      const deps = await makeDeps();
      const t = token();
      const moved = await source(deps, `moved-${t}`, `${base}/_pull/moved/${t}`);
      for (const n of [1, 2]) {
        const s = await pull(deps, { trigger: 'test', network: moved.networkSlug, all: true });
        expect(s.reports[0]!.outcome).toBe(n === 1 ? 'ok' : 'not_modified');
        expect(await row(deps, moved.id)).toMatchObject({
          fetchUrl: moved.url,
          redirectUrl: `${base}/_pull/stable/${t}`,
          redirectCount: n,
        });
      }
      await pull(deps, { trigger: 'test', network: moved.networkSlug, all: true });
      expect(await row(deps, moved.id)).toMatchObject({
        url: moved.url,
        fetchUrl: `${base}/_pull/stable/${t}`,
        redirectUrl: null,
        redirectCount: 0,
      });
      const direct = await pull(deps, { trigger: 'test', network: moved.networkSlug, all: true });
      expect(direct.reports[0]).toMatchObject({
        url: `${base}/_pull/stable/${t}`,
        outcome: 'not_modified',
      });
    });

    it('finds the feed of a site known by its address only', async () => {
      const deps = await makeDeps();
      const t = token();
      const site = await source(deps, `site-${t}`, `${base}/_pull/site/${t}`, 'site');
      const s = await pull(deps, { trigger: 'test', network: site.networkSlug, all: true });
      expect(s.reports[0]).toMatchObject({
        outcome: 'ok',
        new: 2,
        url: `${base}/_pull/stable/site-${t}`,
      });
      expect(await row(deps, site.id)).toMatchObject({
        url: site.url,
        fetchUrl: `${base}/_pull/stable/site-${t}`,
        title: `Réseau site-${t}`,
      });
      const again = await pull(deps, { trigger: 'test', network: site.networkSlug, all: true });
      expect(again.reports[0]!.outcome).toBe('not_modified');
    });

    it('two pulls at once on one database (two processes, two queue consumers) keep a story relayed by both once', async () => {
      // Slow writers: each store's write waits, so the other's reads come before it whatever the
      // scheduling (in production the two run in parallel, on two cores or two isolates).
      const slowWrites = (deps: Deps): Deps => ({
        ...deps,
        db: {
          ...deps.db,
          batch: async (statements) => {
            await new Promise((resolve) => setTimeout(resolve, 300));
            return deps.db.batch(statements);
          },
        },
      });
      const a = slowWrites(await makeDeps());
      const b = slowWrites(await makeDeps(a));
      const t = token();
      // Two networks relaying one feed: every story comes twice, by the same canonical URL.
      const url = `${base}/_pull/big/${t}/150`;
      const first = await source(a, `relay-a-${t}`, url);
      const second = await source(a, `relay-b-${t}`, url);
      const summaries = await Promise.all([
        pull(a, { trigger: 'test', network: first.networkSlug, all: true }),
        pull(b, { trigger: 'test', network: second.networkSlug, all: true }),
      ]);
      expect(summaries.flatMap((s) => s.reports.map((r) => [r.outcome, r.new]))).toEqual([
        ['ok', 150],
        ['ok', 150],
      ]);
      const stored = await a.db.orm
        .select({ itemId: entries.itemId })
        .from(entries)
        .where(inArray(entries.sourceId, [first.id, second.id]));
      expect(stored).toHaveLength(300);
      expect(new Set(stored.map((e) => e.itemId)).size).toBe(150);
      expect(await storeLeaseRows(a)).toEqual([]);
    });

    // The lease row orders stores where the runtime has no store turns of its own (Node; a
    // Worker without the STORE_TURNS Durable Object): tested on that path on both runtimes.
    const leaseDeps = async (): Promise<Deps> => {
      const { storeTurns: _turns, ...deps } = await makeDeps();
      return deps;
    };

    it('a store lease left by a holder that died delays the next store until it expires, then it goes on', async () => {
      const deps = await leaseDeps();
      const t = token();
      const stable = await source(deps, `orphan-${t}`, `${base}/_pull/stable/${t}`);
      const expires = Date.now() + 400;
      await holdStoreLease(deps, expires, 'dead-holder');
      const s = await pull(deps, { trigger: 'test', network: stable.networkSlug, all: true });
      expect(Date.now()).toBeGreaterThanOrEqual(expires);
      expect(s.reports.map((r) => [r.outcome, r.new])).toEqual([['ok', 2]]);
      expect(await storeLeaseRows(deps)).toEqual([]);
    });

    it('a store that cannot get the lease in time fails as a storage error, without storing', async () => {
      const deps = await leaseDeps();
      const held = await holdStoreLease(deps, Date.now() + 60_000, 'live-holder');
      let ran = false;
      const attempt = withStoreLease(deps, async () => (ran = true), 300);
      await expect(attempt).rejects.toMatchObject({
        kind: 'storage_error',
        message: expect.stringMatching(/^Base occupée/),
      });
      expect(ran).toBe(false);
      // The holder's lease is untouched; once it is gone, stores go on.
      expect(await storeLeaseRows(deps)).toEqual([{ key: 'lease:store', value: held }]);
      await deps.db.orm.delete(settings).where(eq(settings.key, 'lease:store'));
      expect(await withStoreLease(deps, async () => 'stored', 300)).toBe('stored');
    });
  });
}
