import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { addSource } from '../support/store-fixtures.ts';
import {
  HISTORY_SHAPES,
  historyRoutes,
  historyStories,
  hubPage,
} from '../support/history-pages.ts';
import { events, items, sources } from '../../src/db/schema/index.ts';
import { pull } from '../../src/ingest/pull.ts';
import { sourceJson } from '../../src/federation/list.ts';
import { sourceHealth } from '../../src/federation/source-health.ts';
import { failOnUnhandledRejection } from '../support/fail-on-unhandled-rejection.ts';

failOnUnhandledRejection();

/**
 * An upstream hub whose history page 2 fails (times out, 5xx, 410, refuses the connection, is
 * too big, is HTML, a calendar, broken XML, binary): the first page's stories are stored, the
 * source's pull is a success with a warning (French, then English) on the source, nothing of
 * page 2 or after it is stored, and no promise is left unhandled (the test that leaves one fails:
 * failOnUnhandledRejection). Real HTTP, real SQLite files.
 */
describe('a hub’s history page that fails ends the history, not the source', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let refusedBase = '';

  beforeAll(async () => {
    server = await startFixtureServer();
    // An address nothing listens on: a port that was just given back.
    const closed = await startFixtureServer();
    refusedBase = closed.base;
    await closed.close();
    for (const shape of Object.keys(HISTORY_SHAPES))
      for (const [path, handler] of historyRoutes(server.base, shape)) server.route(path, handler);
    for (const [path, handler] of historyRoutes(server.base, 'refused', `${refusedBase}/p2.json`))
      server.route(path, handler);
  });
  afterAll(async () => {
    await server.close();
  });

  for (const shape of [...Object.keys(HISTORY_SHAPES), 'refused']) {
    it(`page 2: ${shape}`, async () => {
      const deps = makeNodeDeps({ HUB_FETCH_TIMEOUT_MS: '1500', HUB_FETCH_MAX_BYTES: '30000' });
      try {
        const { first } = historyStories(shape);
        const source = await addSource(
          deps,
          'occitanie',
          `${server.base}/_history/${shape}/feed.json`,
        );
        const summary = await pull(deps, { trigger: 'test', all: true });
        const [report] = summary.reports;
        expect(report).toMatchObject({ outcome: 'ok', new: 2, error: null });
        expect(report!.warning).toMatch(/^historique du hub interrompu à la page 2 \(http/);
        expect(report!.warning).toContain(' / hub history stopped at page 2 (');

        // A fresh hub: every story it holds came from this source; no event from a calendar.
        const stored = await deps.db.orm.select({ title: items.title }).from(items);
        expect(stored.map((s) => s.title).sort()).toEqual([...first].sort());
        expect(await deps.db.orm.select().from(events)).toEqual([]);

        const [row] = await deps.db.orm.select().from(sources).where(eq(sources.id, source.id));
        expect(row).toMatchObject({ errorCount: 0, lastError: null, lastErrorKind: null });
        expect(row!.lastSuccessAt).not.toBeNull();
        // Shown where the hub's other warnings are: the admin JSON and the source's health.
        expect(sourceJson(row!).last_warning).toBe(report!.warning);
        const [line] = sourceHealth(row!, Date.now(), 'fr');
        expect(line).toMatchObject({ tone: 'warn' });
        expect(line!.text).toContain('historique du hub interrompu à la page 2');
      } finally {
        await deps.close();
      }
    });
  }
});

/**
 * A history stopped by a failure that may pass (here a 500) is resumed from that page at the
 * next pulls, read with the feed even when the feed would answer 304, HISTORY_RETRIES times at
 * most; one stopped by a failure that will not pass (a calendar) is not tried again.
 */
describe('a hub’s history stopped by a failure is resumed at the next pulls, within bounds', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  const fetched = new Map<string, number>();
  let failing = true;

  beforeAll(async () => {
    server = await startFixtureServer();
    for (const shape of ['500', 'ics']) {
      const { first, older } = historyStories(shape);
      const feed = hubPage(first, `${server.base}/r/${shape}/page2`);
      server.route(`/r/${shape}/feed.json`, (req, res) => {
        // The feed never changes: a conditional request is answered 304.
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        res.writeHead(200, { 'content-type': 'application/feed+json', etag: '"v1"' }).end(feed);
      });
      server.route(`/r/${shape}/page2`, (_req, res) => {
        fetched.set(shape, (fetched.get(shape) ?? 0) + 1);
        if (!failing) return void res.writeHead(200).end(hubPage(older, null));
        HISTORY_SHAPES[shape]!(res, '');
      });
    }
  });
  afterAll(() => server.close());

  const pulled = async (deps: ReturnType<typeof makeNodeDeps>, id: number) => {
    const [report] = (await pull(deps, { trigger: 'test', all: true })).reports;
    const [row] = await deps.db.orm.select().from(sources).where(eq(sources.id, id));
    const stored = await deps.db.orm.select({ title: items.title }).from(items);
    return { report: report!, row: row!, titles: stored.map((s) => s.title).sort() };
  };

  it('a 500 that passes: the next pull reads the rest, the warning goes', async () => {
    const deps = makeNodeDeps();
    try {
      failing = true;
      const { first, older } = historyStories('500');
      const source = await addSource(deps, 'occitanie', `${server.base}/r/500/feed.json`);
      const once = await pulled(deps, source.id);
      expect(once.report.warning).toContain('nouvel essai à la prochaine récupération (1 sur 3)');
      expect(once.report.warning).toContain('retried on the next pull (1 of 3)');
      expect(once.row.historyResume).toEqual({
        url: `${server.base}/r/500/page2`,
        page: 2,
        tries: 1,
      });
      expect(once.titles).toEqual([...first].sort());

      failing = false;
      const twice = await pulled(deps, source.id);
      expect(twice.report).toMatchObject({ outcome: 'ok', httpStatus: 200, new: 2, warning: null });
      expect(twice.row).toMatchObject({ historyResume: null, lastWarning: null });
      expect(twice.titles).toEqual([...first, ...older].sort());
      // Nothing left to resume: the feed is asked conditionally again, and its history is not.
      const before = fetched.get('500');
      expect((await pulled(deps, source.id)).report.outcome).toBe('not_modified');
      expect(fetched.get('500')).toBe(before);
    } finally {
      await deps.close();
    }
  });

  it('a 500 that stays: tried at 3 later pulls, then no more', async () => {
    const deps = makeNodeDeps();
    try {
      failing = true;
      fetched.set('500', 0);
      const source = await addSource(deps, 'occitanie', `${server.base}/r/500/feed.json`);
      const warnings: (string | null)[] = [];
      for (let i = 0; i < 6; i++) warnings.push((await pulled(deps, source.id)).report.warning);
      // The first pull and three retries; then the feed answers 304 and the history is left.
      expect(fetched.get('500')).toBe(4);
      expect(warnings[3]).toMatch(/interrompu à la page 2 .* ; les pages plus anciennes ne sont/);
      expect(warnings[3]).toContain('older pages are not read');
      const { row, report } = await pulled(deps, source.id);
      expect(report.outcome).toBe('not_modified');
      expect(row).toMatchObject({ historyResume: null, errorCount: 0 });
      expect(row.lastWarning).toBe(warnings[3]);
    } finally {
      await deps.close();
    }
  });

  it('a calendar for a page: not tried again', async () => {
    const deps = makeNodeDeps();
    try {
      failing = true;
      const source = await addSource(deps, 'occitanie', `${server.base}/r/ics/feed.json`);
      const once = await pulled(deps, source.id);
      expect(once.report.warning).toContain('les pages plus anciennes ne sont pas relevées');
      expect(once.row.historyResume).toBeNull();
      expect((await pulled(deps, source.id)).report.outcome).toBe('not_modified');
      expect(fetched.get('ics')).toBe(1);
    } finally {
      await deps.close();
    }
  });
});
