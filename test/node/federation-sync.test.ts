import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import type BetterSqlite3 from 'better-sqlite3';
import { entries, networks, sources } from '../../src/db/schema/index.ts';
import { readHubSettings } from '../../src/db/hub-settings.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { pull } from '../../src/ingest/pull.ts';
import { networksCommand } from '../../workers/node/commands/networks.ts';
import { fixturesDir, startFixtureServer } from '../support/fixture-server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { manualClock } from '../support/store-fixtures.ts';

type Deps = ReturnType<typeof makeNodeDeps>;

const totalChanges = (deps: Deps) =>
  (
    (deps.db as unknown as { raw: BetterSqlite3.Database }).raw
      .prepare('select total_changes() as n')
      .get() as { n: number }
  ).n;
const allSources = (deps: Deps) => deps.db.orm.select().from(sources).orderBy(asc(sources.id));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
}

describe('syncFederation (Node, real SQLite)', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let base: string;
  const deps = makeNodeDeps();
  const clock = manualClock('2026-11-20T09:00:00Z');
  deps.clock = clock;

  beforeAll(async () => {
    server = await startFixtureServer();
    base = server.base;
    const rss = readFileSync(join(fixturesDir, 'parse/rss2.xml'));
    // A member site that only links to its feed: the pull discovers it.
    server.route(
      '/sud/',
      (_req, res) =>
        void res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            '<html><head><link rel="alternate" type="application/rss+xml" href="/sud/feed.xml"></head><body>Sud</body></html>',
          ),
    );
    server.route(
      '/sud/feed.xml',
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss),
    );
  });
  afterAll(async () => {
    await server.close();
    await deps.close();
  });

  const federation = (over: { dropNord?: boolean; sudFeeds?: string[]; hubTitle?: string } = {}) =>
    parseNetworksFile(`hub:
  title: ${over.hubTitle ?? 'Intercoop'}
  base_url: https://hub.example.org
  timezone: Europe/Paris
networks:
${
  over.dropNord
    ? ''
    : `  - slug: nord
    name: Réseau Nord
    territory: Hauts-de-France
    tags: [formation]
    feeds: [${base}/parse/rss2.xml, ${base}/parse/atom.xml]
    agendas: [${base}/parse/agenda.ics]
`
}  - slug: sud
    name: Réseau Sud
    site: ${base}/sud/
${over.sudFeeds ? `    feeds: [${over.sudFeeds.join(', ')}]\n` : ''}`);

  it('adds networks, one source per feed and agenda, a site source for a network without feeds, and the hub block', async () => {
    const report = await syncFederation(deps, federation());
    expect(report).toEqual({
      networks: { added: 2, updated: 0, deactivated: 0, unchanged: 0 },
      sources: { added: 4, reactivated: 0, updated: 0, removed: 0, unchanged: 0 },
      hubUpdated: true,
      // One insert for the networks, one for the sources, one for the hub block.
      writes: 3,
    });
    const rows = await allSources(deps);
    expect(
      rows.map((s) => [s.networkSlug, s.kind, s.url, s.fetchUrl, s.status, s.nextFetchAt]),
    ).toEqual([
      ['nord', 'feed', `${base}/parse/rss2.xml`, `${base}/parse/rss2.xml`, 'active', 0],
      ['nord', 'feed', `${base}/parse/atom.xml`, `${base}/parse/atom.xml`, 'active', 0],
      ['nord', 'calendar', `${base}/parse/agenda.ics`, `${base}/parse/agenda.ics`, 'active', 0],
      ['sud', 'site', `${base}/sud/`, `${base}/sud/`, 'active', 0],
    ]);
    const [nord] = await deps.db.orm.select().from(networks).where(eq(networks.slug, 'nord'));
    expect(nord).toMatchObject({
      name: 'Réseau Nord',
      territory: 'Hauts-de-France',
      tags: ['formation'],
      active: true,
      site: null,
    });
    expect(await readHubSettings(deps.db)).toEqual({
      title: 'Intercoop',
      baseUrl: 'https://hub.example.org',
      language: 'fr',
      timezone: 'Europe/Paris',
    });
  });

  it('a second sync of the same file writes nothing, even after a pull changed the fetch state', async () => {
    const summary = await pull(deps, { trigger: 'test', all: true });
    expect(summary.failed).toBe(0);
    const site = (await allSources(deps)).find((s) => s.kind === 'site')!;
    // The pull discovered the site's feed; the sync must not undo that.
    expect(site.fetchUrl).toBe(`${base}/sud/feed.xml`);
    const before = totalChanges(deps);
    const stateBefore = await allSources(deps);
    const report = await syncFederation(deps, federation());
    expect(report.writes).toBe(0);
    expect(report.networks).toEqual({ added: 0, updated: 0, deactivated: 0, unchanged: 2 });
    expect(report.sources).toEqual({
      added: 0,
      reactivated: 0,
      updated: 0,
      removed: 0,
      unchanged: 4,
    });
    expect(report.hubUpdated).toBe(false);
    expect(totalChanges(deps)).toBe(before);
    expect(await allSources(deps)).toEqual(stateBefore);
  });

  it('a network gone from the file is deactivated and its sources removed, their items kept; back in the file they are due at once', async () => {
    const nordIds = (await allSources(deps))
      .filter((s) => s.networkSlug === 'nord')
      .map((s) => s.id);
    const kept = await deps.db.orm.select().from(entries).where(eq(entries.networkSlug, 'nord'));
    expect(kept.length).toBeGreaterThan(0);
    const etags = new Map((await allSources(deps)).map((s) => [s.id, s.etag]));

    clock.advance(3_600_000);
    const gone = await syncFederation(deps, federation({ dropNord: true }));
    expect(gone.networks).toEqual({ added: 0, updated: 0, deactivated: 1, unchanged: 1 });
    expect(gone.sources).toMatchObject({ removed: 3, unchanged: 1 });
    const [nord] = await deps.db.orm.select().from(networks).where(eq(networks.slug, 'nord'));
    expect(nord!.active).toBe(false);
    const afterRemoval = await allSources(deps);
    expect(afterRemoval.filter((s) => nordIds.includes(s.id)).map((s) => s.status)).toEqual([
      'removed',
      'removed',
      'removed',
    ]);
    expect(
      await deps.db.orm.select().from(entries).where(eq(entries.networkSlug, 'nord')),
    ).toHaveLength(kept.length);
    // Removed sources are not pulled any more.
    const after = await pull(deps, { trigger: 'test', all: true });
    expect(after.reports.map((r) => r.sourceId)).not.toContain(nordIds[0]);
    expect((await syncFederation(deps, federation({ dropNord: true }))).writes).toBe(0);

    const back = await syncFederation(deps, federation());
    expect(back.networks).toEqual({ added: 0, updated: 1, deactivated: 0, unchanged: 1 });
    expect(back.sources).toMatchObject({ added: 0, reactivated: 3, removed: 0 });
    const again = await allSources(deps);
    for (const s of again.filter((r) => nordIds.includes(r.id))) {
      expect(s).toMatchObject({ status: 'active', nextFetchAt: 0 });
      // Same rows (ids) with their validators: an unchanged feed answers 304.
      expect(s.etag).toBe(etags.get(s.id));
    }
    expect(again).toHaveLength(4);
  });

  it('edits: network fields updated, a site source replaced by listed feeds, a URL moved from feeds to agendas re-read as a calendar', async () => {
    const r = await syncFederation(
      deps,
      federation({ sudFeeds: [`${base}/sud/feed.xml`], hubTitle: 'Intercoop Sud' }),
    );
    expect(r.sources).toMatchObject({ added: 1, removed: 1 });
    expect(r.hubUpdated).toBe(true);
    const sud = (await allSources(deps)).filter((s) => s.networkSlug === 'sud');
    expect(sud.map((s) => [s.kind, s.status])).toEqual([
      ['site', 'removed'],
      ['feed', 'active'],
    ]);
    expect((await readHubSettings(deps.db)).title).toBe('Intercoop Sud');

    const moved = parseNetworksFile(`hub: {title: Intercoop Sud, base_url: https://hub.example.org}
networks:
  - {slug: nord, name: Nord renommé, feeds: ['${base}/parse/rss2.xml', '${base}/parse/atom.xml'], agendas: ['${base}/parse/agenda.ics']}
  - {slug: sud, name: Réseau Sud, site: '${base}/sud/', agendas: ['${base}/sud/feed.xml']}
`);
    const m = await syncFederation(deps, moved);
    expect(m.networks).toMatchObject({ updated: 1 });
    expect(m.sources).toMatchObject({ updated: 1, added: 0 });
    const feedNowCalendar = (await allSources(deps)).find(
      (s) => s.networkSlug === 'sud' && s.url === `${base}/sud/feed.xml`,
    )!;
    expect(feedNowCalendar).toMatchObject({
      kind: 'calendar',
      etag: null,
      nextFetchAt: 0,
      status: 'active',
    });
    const [nord] = await deps.db.orm.select().from(networks).where(eq(networks.slug, 'nord'));
    expect(nord).toMatchObject({ name: 'Nord renommé', territory: null, tags: [] });
  });

  it('a large federation is written in chunks and synced idempotently', async () => {
    const big = makeNodeDeps();
    try {
      const list = Array.from(
        { length: 120 },
        (_, i) =>
          `  - slug: reseau-${i}\n    name: Réseau ${i}\n    site: https://r${i}.example.org/\n    feeds: [https://r${i}.example.org/a.xml, https://r${i}.example.org/b.xml]\n    agendas: [https://r${i}.example.org/agenda.ics]\n`,
      ).join('');
      const f = parseNetworksFile(`hub: {base_url: https://hub.example.org}\nnetworks:\n${list}`);
      const r = await syncFederation(big, f);
      expect(r.networks.added).toBe(120);
      expect(r.sources.added).toBe(360);
      expect(await big.db.orm.select().from(sources)).toHaveLength(360);
      expect((await syncFederation(big, f)).writes).toBe(0);
    } finally {
      await big.close();
    }
  });
});

describe('intercoop networks sync | import | list', () => {
  const probe = makeNodeDeps();
  const dir = join(probe.dir, 'federation');
  mkdirSync(dir);
  const file = join(dir, 'networks.yaml');
  const deps = makeNodeDeps({ HUB_NETWORKS: file });
  afterAll(async () => {
    await deps.close();
    await probe.close();
  });

  it('sync: a missing file exits 1 with a readable message', async () => {
    const c = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', c.o, c.e)).toBe(1);
    expect(c.err.join('\n')).toContain(`Fichier de la fédération introuvable : ${file}`);
  });

  it('sync: an invalid file exits 1 listing every problem with its line, and changes nothing', async () => {
    writeFileSync(
      file,
      'hub:\n  timezone: Lune/Mer\nnetworks:\n  - slug: Bad\n    name: X\n    site: https://x.example/\n  - slug: ok\n    name: Ok\n',
    );
    const c = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', c.o, c.e)).toBe(1);
    const text = c.err.join('\n');
    expect(text).toContain('hub.timezone (ligne 2) : fuseau horaire inconnu « Lune/Mer »');
    expect(text).toContain(
      'networks[0].slug (réseau « Bad », ligne 4) : identifiant invalide « Bad »',
    );
    expect(text).toContain(
      'networks[1] (réseau « ok », ligne 7) : le réseau « ok » doit indiquer au moins un site',
    );
    expect(text).toContain('3 problèmes');
    expect(await deps.db.orm.select().from(networks)).toEqual([]);
  });

  it('import writes networks.yaml (keeping its comments), --dry-run only prints; sync then list show the result', async () => {
    writeFileSync(
      file,
      '# Nos membres\nhub:\n  title: Intercoop\n  base_url: https://hub.example.org\nnetworks:\n  - slug: animacoop # depuis 2019\n    name: Animacoop\n    site: https://animacoop.net/\n',
    );
    const opml = join(dir, 'export.opml');
    writeFileSync(
      opml,
      '<?xml version="1.0"?><opml version="2.0"><body><outline text="Coop"><outline text="Animacoop" type="rss" xmlUrl="https://animacoop.net/feed.xml" htmlUrl="https://animacoop.net/"/><outline text="Réseau Étoile" type="rss" xmlUrl="https://etoile.example.org/rss" htmlUrl="https://etoile.example.org/"/></outline><outline text="Agenda" xmlUrl="webcal://etoile.example.org/agenda.ics"/></body></opml>',
    );

    const dry = capture();
    expect(await networksCommand(deps, ['import', opml, '--dry-run'], 'fr', dry.o, dry.e)).toBe(0);
    expect(dry.out.join('\n')).toContain('slug: reseau-etoile');
    expect(readFileSync(file, 'utf8')).not.toContain('etoile');

    const c = capture();
    expect(await networksCommand(deps, ['import', opml], 'fr', c.o, c.e)).toBe(0);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('# Nos membres');
    expect(written).toContain('- slug: animacoop # depuis 2019');
    expect(written).toContain('feeds: [https://animacoop.net/feed.xml]');
    expect(written).toContain('agendas: [https://etoile.example.org/agenda.ics]');
    expect(c.out.join('\n')).toContain('+ reseau-etoile (Réseau Étoile)');
    expect(c.out.join('\n')).toContain('+ flux https://animacoop.net/feed.xml → animacoop');
    expect(c.out.join('\n')).toContain('Ensuite : intercoop networks sync');

    const s = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', s.o, s.e)).toBe(0);
    expect(s.out.join('\n')).toContain('réseaux : 2 ajouté(s)');
    expect(s.out.join('\n')).toContain('sources : 3 ajoutée(s)');
    const s2 = capture();
    expect(await networksCommand(deps, ['sync'], 'fr', s2.o, s2.e)).toBe(0);
    expect(s2.out.join('\n')).toContain('inchangé depuis la dernière synchronisation');

    await deps.db.orm
      .update(sources)
      .set({
        errorCount: 2,
        lastErrorKind: 'timeout',
        lastError: 'Pas de réponse en 15 s',
        lastFetchAt: Date.now(),
      })
      .where(eq(sources.url, 'https://etoile.example.org/rss'));
    const l = capture();
    expect(await networksCommand(deps, ['list'], 'fr', l.o, l.e)).toBe(0);
    const table = l.out.join('\n');
    expect(table).toMatch(/^\s+TYPE\s+STATUT\s+SANTÉ\s+DERNIER SUCCÈS\s+URL\s+ERREURS$/m);
    expect(table).toContain('animacoop  ·  Animacoop');
    expect(table).toMatch(
      /feed\s+active\s+pending\s+jamais réussie\s+https:\/\/animacoop\.net\/feed\.xml/,
    );
    expect(table).toMatch(
      /feed\s+active\s+failing\s+jamais réussie\s+https:\/\/etoile\.example\.org\/rss\s+2 échec\(s\) : timeout Pas de réponse en 15 s/,
    );
    expect(table).toMatch(/calendar\s+active\s+pending/);
  });

  it('import refuses a file that is not OPML; unknown sub-commands print the usage', async () => {
    const html = join(dir, 'page.html');
    writeFileSync(html, '<!doctype html><html><body>Bonjour</body></html>');
    const c = capture();
    expect(await networksCommand(deps, ['import', html], 'fr', c.o, c.e)).toBe(1);
    expect(c.err.join('\n')).toContain('Ce n’est pas un fichier OPML');
    const missing = capture();
    expect(
      await networksCommand(deps, ['import', join(dir, 'absent.opml')], 'fr', missing.o, missing.e),
    ).toBe(1);
    const u = capture();
    expect(await networksCommand(deps, ['frobnicate'], 'fr', u.o, u.e)).toBe(2);
    expect(u.err[0]).toMatch(/^Usage : intercoop networks sync/);
  });
});
