import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { addSource } from '../support/store-fixtures.ts';
import { HISTORY_SHAPES, historyRoutes, historyStories } from '../support/history-pages.ts';
import { events, items, sources } from '../../src/db/schema/index.ts';
import { pull } from '../../src/ingest/pull.ts';
import { sourceJson } from '../../src/federation/list.ts';
import { sourceHealth } from '../../src/federation/source-health.ts';

/**
 * An upstream hub whose history page 2 fails (times out, 5xx, 410, refuses the connection, is
 * too big, is HTML, a calendar, broken XML, binary): the first page's stories are stored, the
 * source's pull is a success with a warning (French, then English) on the source, nothing of
 * page 2 or after it is stored, and no promise is left unhandled. Real HTTP, real SQLite files.
 */
describe('a hub’s history page that fails ends the history, not the source', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let refusedBase = '';
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
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
    process.off('unhandledRejection', onUnhandled);
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

  it('left no promise unhandled', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });
});
