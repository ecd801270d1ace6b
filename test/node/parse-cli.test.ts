import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { ParseOutput } from '../../src/ingest/types.ts';

/** `intercoop parse` as a coordinator runs it: a child process, JSON on stdout, exit codes. */
const bin = fileURLToPath(new URL('../../bin/intercoop.js', import.meta.url));
const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/parse/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hub-parse-cli-'));

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, HUB_DB: join(dir, 'hub.sqlite'), ...env }, timeout: 80_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent('intercoop parse', { timeout: 90_000 }, () => {
  it('prints a feed file as the INTERFACE.md JSON', async () => {
    const { code, stdout } = await run(['parse', fixture('rss2.xml')]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as ParseOutput;
    expect(out).toMatchObject({
      kind: 'feed',
      title: 'Coopérer en Occitanie',
      link: 'https://coop-occitanie.example.org/',
      events: [],
    });
    expect(out.items[0]).toEqual({
      id: 'coop-occ-42',
      url: 'https://coop-occitanie.example.org/actus/mois-ess',
      title: 'Économie sociale & solidaire : le mois',
      published: '2026-11-02T09:00:00.000Z',
      updated: null,
      author: 'Camille Martin',
      summary: "Un mois pour découvrir l'ESS.",
      content_html: expect.stringContaining(
        '<a href="https://coop-occitanie.example.org/programme" rel="noopener noreferrer">',
      ),
      categories: ['ESS', 'Occitanie'],
      enclosures: [
        {
          url: 'https://coop-occitanie.example.org/media/podcast.mp3',
          type: 'audio/mpeg',
          length: 123456,
        },
        {
          url: 'https://coop-occitanie.example.org/media/programme.pdf',
          type: 'application/pdf',
          length: null,
        },
      ],
    });
    expect(stdout).toMatch(/^\{\n {2}"kind"/); // pretty-printed
  });

  it('reads a malformed feed and an undeclared legacy encoding, saying what was repaired', async () => {
    const [broken, koi8] = await Promise.all([
      run(['parse', fixture('wordpress-broken.xml')]),
      run(['parse', fixture('encodings/ru-koi8-r.xml')]),
    ]);
    expect(broken.code).toBe(0);
    const out = JSON.parse(broken.stdout) as ParseOutput;
    expect(out.warning).toMatch(/^Flux mal formé lu en mode tolérant/);
    expect(out.items.map((i) => i.title)).toEqual([
      'Pain <et> beurre : la boulangerie coopérative ouvre à Alès',
      'R&D : un appel à projets pour les tiers-lieux ruraux',
      'Assemblée générale 2026 : 3 < 4 résolutions adoptées',
    ]);
    expect(koi8.code).toBe(0);
    expect((JSON.parse(koi8.stdout) as ParseOutput).title).toBe('Новости кооперативов: в Москве');
  });

  it('exits 2 on a usage error', async () => {
    expect((await run(['parse'])).code).toBe(2);
  });

  it('exits 1 with a clear message on an HTML page, a bomb, a missing file', async () => {
    const [html, bomb, missing] = await Promise.all([
      run(['parse', fixture('page.html')]),
      run(['parse', fixture('billion-laughs.xml')]),
      run(['parse', join(dir, 'nope.xml')]),
    ]);
    expect(html.code).toBe(1);
    expect(html.stderr).toMatch(/page HTML, pas un flux/);
    expect(bomb.code).toBe(1);
    expect(bomb.stderr).toMatch(/ENTITY/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/fichier absent ou illisible/);
  });

  it('prints a calendar as events', async () => {
    const { code, stdout } = await run(['parse', fixture('agenda.ics')]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as ParseOutput;
    expect(out).toMatchObject({ kind: 'calendar', title: 'Agenda — Animacoop', items: [] });
    expect(out.events).toEqual([
      expect.objectContaining({
        uid: 'permanence-cooperative@animacoop.example.org',
        start: '2026-11-03T14:00:00+01:00',
        all_day: false,
        timezone: 'Europe/Paris',
        rrule: 'FREQ=WEEKLY;COUNT=12;BYDAY=TU',
      }),
      expect.objectContaining({
        uid: 'forum-ess-nantes@ess.example.org',
        all_day: true,
        rrule: null,
      }),
    ]);
  });

  it("reads a URL through the hub's fetcher: HTTP charset, redirects, and the private-address guard", async () => {
    const base = inject('fixtureBase');
    const [ok, latin1, blocked, missing] = await Promise.all([
      run(['parse', `${base}/_fetch/p301`], { HUB_ALLOW_PRIVATE_HOSTS: '1' }),
      run(['parse', `${inject('demoBase')}/urscop-hauts-de-france/rss.xml`], {
        HUB_ALLOW_PRIVATE_HOSTS: '1',
      }),
      run(['parse', `${base}/parse/rss2.xml`], { HUB_ALLOW_PRIVATE_HOSTS: '0' }),
      run(['parse', `${base}/nothing-here.xml`], { HUB_ALLOW_PRIVATE_HOSTS: '1' }),
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'feed' });
    expect((JSON.parse(latin1.stdout) as ParseOutput).items.map((i) => i.title)).toContain(
      'Économie sociale et solidaire : les salariés reprennent leur imprimerie en Scop',
    );
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/blocked_host/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);
  }, 90_000);

  it('runs as an executable through its shebang (node with the flags it needs), from any folder', async () => {
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        bin,
        ['parse', fixture('rss2.xml')],
        {
          cwd: tmpdir(),
          env: { ...process.env, HUB_DB: join(dir, 'shebang.sqlite') },
          timeout: 80_000,
        },
        (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as ParseOutput).title).toBe('Coopérer en Occitanie');
  });

  it('creates no ./data/ (nor any database file) where it runs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hub-parse-cwd-'));
    const env = { ...process.env };
    delete env.HUB_DB;
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, 'parse', fixture('rss2.xml')],
        { cwd, env, timeout: 80_000 },
        (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).kind).toBe('feed');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
