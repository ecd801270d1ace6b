import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import type { Deps } from '../../src/deps.ts';
import { createApp } from '../../src/app.ts';
import { pulls, sources } from '../../src/db/schema/index.ts';

const BASE = 'https://hub.test';
const TOKEN = 'test-admin-token';

/** The hub's app (admin guard and routes as mounted in createApp) over this test's D1. */
function adminApp(): { deps: Deps; call: (path: string, init?: RequestInit) => Promise<Response> } {
  const deps = workerDeps(env as unknown as Env);
  deps.log = { info() {}, warn() {}, error() {} };
  const app = createApp(deps);
  return { deps, call: async (path, init) => app.fetch(new Request(`${BASE}${path}`, init)) };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const putYaml = (body: string, type = 'text/yaml') => ({
  method: 'PUT',
  body,
  headers: { ...auth, 'content-type': type },
});

const FEDERATION = `# Fédération de test
hub:
  title: Intercoop Test
  base_url: https://hub.test
  language: fr
  timezone: America/Montreal
networks:
  - slug: animacoop
    name: Animacoop
    site: https://animacoop.example/
    territory: Occitanie
    tags: [formation, coopération]
    feeds: [https://animacoop.example/feed.xml]
    agendas: [webcal://animacoop.example/agenda.ics]
  - slug: sud
    name: Réseau Sud
    site: https://sud.example/
`;

interface NetworksBody {
  hub: Record<string, string>;
  networks: {
    slug: string;
    name: string;
    active: boolean;
    tags: string[];
    sources: {
      id: number;
      kind: string;
      url: string;
      status: string;
      health: string;
      next_fetch_at: string | null;
      error_count: number;
    }[];
  }[];
}

describe('admin federation API in workerd with D1', () => {
  it('PUT /api/admin/networks syncs the YAML, GET returns networks, sources and health; the same PUT again writes nothing', async () => {
    const { call } = adminApp();
    const res = await call('/api/admin/networks', putYaml(FEDERATION));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      networks: { added: 2, updated: 0, deactivated: 0, unchanged: 0 },
      sources: { added: 3, reactivated: 0, updated: 0, removed: 0, unchanged: 0 },
      hub_updated: true,
      writes: 3,
      warnings: [],
    });

    const list = await call('/api/admin/networks', { headers: auth });
    expect(list.status).toBe(200);
    const body = (await list.json()) as NetworksBody;
    expect(body.hub).toEqual({
      title: 'Intercoop Test',
      base_url: 'https://hub.test',
      language: 'fr',
      timezone: 'America/Montreal',
      coordinators: [],
    });
    expect(body.networks.map((n) => [n.slug, n.name, n.active, n.tags])).toEqual([
      ['animacoop', 'Animacoop', true, ['formation', 'coopération']],
      ['sud', 'Réseau Sud', true, []],
    ]);
    expect(
      body.networks[0]!.sources.map((s) => [s.kind, s.url, s.status, s.health, s.next_fetch_at]),
    ).toEqual([
      ['feed', 'https://animacoop.example/feed.xml', 'active', 'pending', null],
      ['calendar', 'https://animacoop.example/agenda.ics', 'active', 'pending', null],
    ]);
    expect(body.networks[1]!.sources.map((s) => s.kind)).toEqual(['site']);

    const again = await call('/api/admin/networks', putYaml(FEDERATION));
    expect(await again.json()).toMatchObject({
      writes: 0,
      hub_updated: false,
      networks: { unchanged: 2 },
      sources: { unchanged: 3 },
    });
  });

  it('accepts the same federation as JSON; a network left out is deactivated, its sources removed', async () => {
    const { call, deps } = adminApp();
    await call('/api/admin/networks', putYaml(FEDERATION));
    const json = {
      hub: { title: 'Intercoop Test', base_url: 'https://hub.test', timezone: 'America/Montreal' },
      networks: [{ slug: 'sud', name: 'Réseau Sud', site: 'https://sud.example/', surprise: true }],
    };
    const res = await call('/api/admin/networks', {
      method: 'PUT',
      body: JSON.stringify(json),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      networks: unknown;
      sources: unknown;
      warnings: string[];
    };
    expect(report.networks).toEqual({ added: 0, updated: 0, deactivated: 1, unchanged: 1 });
    expect(report.sources).toMatchObject({ removed: 2, unchanged: 1 });
    expect(report.warnings).toEqual([expect.stringContaining('networks[0].surprise')]);
    const removed = await deps.db.orm
      .select()
      .from(sources)
      .where(eq(sources.networkSlug, 'animacoop'));
    expect(removed.map((s) => s.status)).toEqual(['removed', 'removed']);

    const list = (await (
      await call('/api/admin/networks', { headers: auth })
    ).json()) as NetworksBody;
    expect(list.networks.map((n) => [n.slug, n.active])).toEqual([
      ['sud', true],
      ['animacoop', false],
    ]);
    const removedList = (await (
      await call('/api/admin/sources?status=removed', { headers: auth })
    ).json()) as { sources: { network: string; health: string }[] };
    expect(removedList.sources.map((s) => [s.network, s.health])).toEqual([
      ['animacoop', 'removed'],
      ['animacoop', 'removed'],
    ]);
  });

  it('an invalid file is a 400 listing the problems with their lines; nothing is written', async () => {
    const { call, deps } = adminApp();
    const before = await deps.db.orm.select().from(sources);
    const res = await call(
      '/api/admin/networks',
      putYaml(
        'hub:\n  language: de\nnetworks:\n  - slug: Pas Bon\n    name: X\n    feeds: [ftp://x.example/feed]\n',
      ),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: string;
      message: string;
      problems: { path: string; line: number; message: string }[];
    };
    expect(body.error).toBe('invalid_federation');
    expect(body.problems.map((p) => [p.path, p.line])).toEqual([
      ['hub.language', 2],
      ['networks[0].slug', 4],
      ['networks[0].feeds[0]', 6],
    ]);
    expect(body.message).toContain(
      'networks[0].slug (réseau « Pas Bon », ligne 4) : identifiant invalide « Pas Bon »',
    );

    const syntax = await call(
      '/api/admin/networks',
      putYaml('networks:\n  - slug: a\n    name: [oops\n'),
    );
    expect(syntax.status).toBe(400);
    expect(
      ((await syntax.json()) as { problems: { message: string }[] }).problems[0]!.message,
    ).toMatch(/^YAML illisible/);
    const badJson = await call(
      '/api/admin/networks',
      putYaml('{"networks": [', 'application/json'),
    );
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toMatch(/^JSON illisible/);
    const empty = await call('/api/admin/networks', putYaml('  \n'));
    expect(empty.status).toBe(400);
    expect(await deps.db.orm.select().from(sources)).toEqual(before);
  });

  it('refuses more than 1 MB with 413', async () => {
    const { call } = adminApp();
    const big = `networks:\n${'  # '.concat('x'.repeat(200), '\n').repeat(6000)}`;
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await call('/api/admin/networks', putYaml(big));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'too_large' });
    // Without a Content-Length (a stream), the cap still holds.
    const stream = new ReadableStream({
      start(controller) {
        const chunk = new TextEncoder().encode('#'.repeat(64 * 1024) + '\n');
        for (let i = 0; i < 20; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const streamed = await call('/api/admin/networks', {
      method: 'PUT',
      body: stream,
      headers: { ...auth, 'content-type': 'text/yaml' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('without the token: 401, with WWW-Authenticate; a wrong token too', async () => {
    const { call } = adminApp();
    const none = await call('/api/admin/networks', {
      method: 'PUT',
      body: FEDERATION,
      headers: { 'content-type': 'text/yaml' },
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(
      (await call('/api/admin/networks', { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect((await call('/api/admin/sources')).status).toBe(401);
    expect((await call('/api/admin/pulls')).status).toBe(401);
    // Through the Worker's own fetch handler too.
    expect(
      (await SELF.fetch(`${BASE}/api/admin/networks`, { method: 'PUT', body: FEDERATION })).status,
    ).toBe(401);
    const viaWorker = await SELF.fetch(`${BASE}/api/admin/networks`, { headers: auth });
    expect(viaWorker.status).toBe(200);
    expect(await viaWorker.json()).toMatchObject({
      hub: { title: expect.any(String) },
      networks: expect.any(Array),
    });
  });

  it('GET /sources filters by network and failing; GET /pulls lists newest first; bad parameters are 400', async () => {
    const { call, deps } = adminApp();
    await call('/api/admin/networks', putYaml(FEDERATION));
    await deps.db.orm
      .update(sources)
      .set({
        errorCount: 3,
        lastErrorKind: 'timeout',
        lastError: 'Pas de réponse',
        lastStatus: null,
        lastFetchAt: Date.UTC(2026, 10, 1),
      })
      .where(eq(sources.kind, 'calendar'));
    const failing = (await (
      await call('/api/admin/sources?failing=1', { headers: auth })
    ).json()) as { sources: Record<string, unknown>[] };
    expect(failing.sources).toEqual([
      expect.objectContaining({
        network: 'animacoop',
        kind: 'calendar',
        health: 'failing',
        error_count: 3,
        last_error_kind: 'timeout',
        last_error: 'Pas de réponse',
        last_fetch_at: '2026-11-01T00:00:00.000Z',
      }),
    ]);
    const sud = (await (
      await call('/api/admin/sources?network=sud', { headers: auth })
    ).json()) as { sources: { url: string }[] };
    expect(sud.sources.map((s) => s.url)).toEqual(['https://sud.example/']);
    expect((await call('/api/admin/sources?status=gone', { headers: auth })).status).toBe(400);

    await deps.db.orm.insert(pulls).values([
      {
        trigger: 'cron',
        startedAt: Date.UTC(2026, 10, 1, 8),
        finishedAt: Date.UTC(2026, 10, 1, 8, 1),
        sources: 3,
        ok: 2,
        failed: 1,
        newItems: 5,
      },
      { trigger: 'admin', startedAt: Date.UTC(2026, 10, 2, 8), finishedAt: null, sources: 3 },
    ]);
    const p = (await (await call('/api/admin/pulls?limit=1', { headers: auth })).json()) as {
      pulls: Record<string, unknown>[];
    };
    expect(p.pulls).toEqual([
      {
        id: 2,
        trigger: 'admin',
        started_at: '2026-11-02T08:00:00.000Z',
        finished_at: null,
        sources: 3,
        ok: 0,
        not_modified: 0,
        failed: 0,
        new_items: 0,
        updated_items: 0,
      },
    ]);
    const all = (await (await call('/api/admin/pulls', { headers: auth })).json()) as {
      pulls: { trigger: string }[];
    };
    expect(all.pulls.map((r) => r.trigger)).toEqual(['admin', 'cron']);
    expect((await call('/api/admin/pulls?limit=0', { headers: auth })).status).toBe(400);
    expect((await call('/api/admin/pulls?limit=abc', { headers: auth })).status).toBe(400);
  });

  it('a federation of 150 networks goes through D1 (100 bound parameters per statement) and re-syncs idempotently', async () => {
    const { call, deps } = adminApp();
    // D1 storage is shared by the tests of this file: count from what is there.
    const before = (await deps.db.orm.select().from(sources)).length;
    const networks = Array.from({ length: 150 }, (_, i) => ({
      slug: `reseau-${i}`,
      name: `Réseau ${i}`,
      site: `https://r${i}.example/`,
      territory: 'Bretagne',
      tags: ['coop'],
      feeds: [`https://r${i}.example/feed.xml`, `https://r${i}.example/blog.xml`],
      agendas: [`https://r${i}.example/agenda.ics`],
    }));
    const body = JSON.stringify({ hub: { base_url: 'https://hub.test' }, networks });
    const res = await call('/api/admin/networks', {
      method: 'PUT',
      body,
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ networks: { added: 150 }, sources: { added: 450 } });
    expect(await deps.db.orm.select().from(sources)).toHaveLength(before + 450);
    const again = await call('/api/admin/networks', {
      method: 'PUT',
      body,
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(await again.json()).toMatchObject({ writes: 0 });
    // Everything removed at once: the id lists are chunked too.
    const none = await call(
      '/api/admin/networks',
      putYaml('hub: {base_url: https://hub.test}\nnetworks: []\n'),
    );
    expect(await none.json()).toMatchObject({
      networks: { deactivated: 150 },
      sources: { removed: 450 },
      warnings: [expect.stringContaining('aucun réseau')],
    });
  });
});
