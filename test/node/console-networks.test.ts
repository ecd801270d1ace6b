import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { startServer } from '../../workers/node/serve.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { sources } from '../../src/db/schema/index.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { launchChromium, openPage, overflowsSideways, screenshots } from '../support/chromium.ts';

const TOKEN = 'console-browser-token-0123456789';

describe('console networks in Chromium (no JavaScript): sign in, add by site URL, fetch, edit, pause', () => {
  const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: TOKEN });
  let server: ServerType;
  let base = '';
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startFixtureServer>>;

  beforeAll(async () => {
    site = await startFixtureServer();
    // A member's site: its home page advertises a feed and an agenda (one of them relative).
    site.route('/cooperer/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html lang="fr"><head><title>Coopérer en Occitanie</title>
<link rel="alternate" type="application/rss+xml" title="Actualités" href="/parse/rss2.xml">
<link rel="alternate" type="text/calendar" title="Agenda" href="${site.base}/agenda/paris-weekly.ics">
</head><body><p>Bienvenue</p></body></html>`);
    });
    await syncFederation(
      deps,
      parseNetworksFile(`hub: { title: Intercoop, base_url: "http://127.0.0.1:1" }
networks:
  - slug: broken
    name: Réseau en panne
    territory: Bretagne
    feeds: ["${site.base}/nowhere.xml"]
`),
    );
    const started = await startServer(deps, 0, '127.0.0.1');
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await deps.close();
    await site?.close();
  });

  async function signIn(p: Page) {
    await p.goto(`${base}/admin`);
    expect(p.url()).toBe(`${base}/admin/login`);
    await p.getByLabel('Jeton d’administration').fill(TOKEN);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    expect(p.url()).toBe(`${base}/admin/networks`);
  }

  it('signs in, adds a network from its site address, fetches it and reads the results', async () => {
    const p = await openPage(browser, { width: 1280 });
    await p.goto(`${base}/admin/login`);
    expect(await p.evaluate(() => document.compatMode)).toBe('CSS1Compat');
    await screenshots(p, 'console-login');
    await signIn(p);

    await p.getByRole('link', { name: 'Ajouter un réseau' }).click();
    await p.getByLabel('Adresse du site ou d’un flux').fill(`${site.base}/cooperer/`);
    await p.getByRole('button', { name: 'Chercher les flux' }).click();
    const feed = p.getByRole('checkbox', { name: /Flux : Actualités/ });
    const agenda = p.getByRole('checkbox', { name: /Agenda : Agenda/ });
    expect(await feed.isChecked()).toBe(true);
    expect(await agenda.isChecked()).toBe(true);
    expect(await p.getByLabel('Nom', { exact: true }).inputValue()).toBe('Coopérer en Occitanie');
    expect(await p.getByLabel(/Identifiant/).inputValue()).toBe('cooperer-en-occitanie');
    await p.getByLabel('Territoire').fill('Occitanie');
    await p.getByLabel(/Thèmes/).fill('ESS, coopération');
    await screenshots(p, 'console-add-network');
    expect(await overflowsSideways(p), 'the add form fits 390 px').toBe(false);
    await p.getByRole('button', { name: 'Enregistrer' }).click();
    expect(p.url()).toContain('/admin/networks?done=added&slug=cooperer-en-occitanie');
    expect(await p.locator('.notice.ok').textContent()).toContain(
      'Réseau « cooperer-en-occitanie » ajouté',
    );

    const stored = await deps.db.orm
      .select()
      .from(sources)
      .where(eq(sources.networkSlug, 'cooperer-en-occitanie'));
    expect(stored.map((s) => [s.kind, s.url]).sort()).toEqual([
      ['calendar', `${site.base}/agenda/paris-weekly.ics`],
      ['feed', `${site.base}/parse/rss2.xml`],
    ]);

    // Fetch everything now: each source's result, the broken one with what to tell its member.
    await p.getByRole('button', { name: 'Tout récupérer maintenant' }).click();
    const results = p.locator('li.pull-result');
    expect(await results.count()).toBe(3);
    const broken = p.locator('li.pull-result', { hasText: 'nowhere.xml' });
    expect(await broken.textContent()).toContain('Échec : le serveur a répondu 404');
    expect(await broken.textContent()).toContain('À dire au réseau : L’adresse');
    const ok = p.locator('li.pull-result', { hasText: 'rss2.xml' });
    expect(await ok.textContent()).toMatch(/Récupérée : \d+ nouveautés?/);
    await screenshots(p, 'console-pull');

    await p.goto(`${base}/admin/networks`);
    const card = p.locator('#n-broken');
    expect(await card.locator('.health.bad').textContent()).toContain('le serveur a répondu 404');
    expect(await card.locator('.advice').textContent()).toContain('répond « page introuvable »');
    expect(await p.locator('#n-cooperer-en-occitanie .health.ok').count()).toBe(2);
    await screenshots(p, 'console-networks');
    for (const width of [390, 1280]) {
      await p.setViewportSize({ width, height: 900 });
      expect(await overflowsSideways(p), `no sideways scroll at ${width} px`).toBe(false);
    }
  });

  it('edits a network, fetches one network, pauses, resumes, retires and brings it back', async () => {
    const p = await openPage(browser);
    await signIn(p);
    await p.locator('#n-cooperer-en-occitanie').getByRole('link', { name: 'Modifier' }).click();
    await p.getByLabel('Nom', { exact: true }).fill('Coopérer Occitanie');
    await p.getByLabel('Territoire').fill('Occitanie-Pyrénées');
    await p.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await p.locator('#n-cooperer-en-occitanie h2').textContent()).toContain(
      'Coopérer Occitanie',
    );
    expect(await p.locator('#n-cooperer-en-occitanie .tags').textContent()).toContain(
      'Occitanie-Pyrénées',
    );

    await p
      .locator('#n-cooperer-en-occitanie')
      .getByRole('button', { name: 'Récupérer maintenant' })
      .click();
    expect(await p.locator('li.pull-result').count()).toBe(2);
    expect(await p.locator('.notice').first().textContent()).toContain('2 sources relevées');

    await p.goto(`${base}/admin/networks`);
    await p.locator('#n-broken').getByRole('button', { name: 'Mettre en pause' }).click();
    expect(await p.locator('#n-broken h2').textContent()).toContain('En pause');
    expect(await p.locator('#n-broken .health').first().textContent()).toContain('En pause');
    const paused = await deps.db.orm
      .select()
      .from(sources)
      .where(eq(sources.networkSlug, 'broken'));
    expect(paused.map((s) => s.status)).toEqual(['paused']);
    await p.locator('#n-broken').getByRole('button', { name: 'Reprendre' }).click();
    expect(await p.locator('#n-broken h2').textContent()).not.toContain('En pause');

    await p.locator('#n-broken').getByRole('link', { name: 'Modifier' }).click();
    await p.getByRole('button', { name: 'Retirer de la fédération' }).click();
    expect(await p.locator('#n-broken').count()).toBe(0);
    expect(await p.locator('main').textContent()).toContain('Réseaux retirés');
    await p.getByRole('button', { name: 'Réintégrer' }).click();
    expect(await p.locator('#n-broken').count()).toBe(1);
  });

  it('a bad address or a slug already taken is said on the form, with what was typed kept', async () => {
    const p = await openPage(browser);
    await signIn(p);
    await p.goto(`${base}/admin/networks/new?url=${encodeURIComponent(`${site.base}/absent/`)}`);
    expect(await p.locator('.notice.bad').textContent()).toContain('Adresse illisible');
    await p.goto(`${base}/admin/networks/new?url=${encodeURIComponent(`${site.base}/cooperer/`)}`);
    await p.getByLabel(/Identifiant/).fill('broken');
    await p.getByLabel('Territoire').fill('Gers');
    await p.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await p.locator('.notice.bad').textContent()).toContain('« broken » est déjà pris');
    expect(await p.getByLabel('Territoire').inputValue()).toBe('Gers');
    expect(await p.getByRole('checkbox', { name: /Flux : Actualités/ }).isChecked()).toBe(true);
  });
});
