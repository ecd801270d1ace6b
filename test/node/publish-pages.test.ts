import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../../workers/node/serve.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { seedFederation } from '../support/publish-seed.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('pages in headless Chromium (no JavaScript)', () => {
  const deps = makeNodeDeps();
  let server: ServerType;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    await seedFederation(deps, 40);
    const started = await startServer(deps, 0, '127.0.0.1');
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await deps.close();
  });

  const page = async (options: { locale?: string; width?: number } = {}) => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      locale: options.locale ?? 'fr-FR',
      viewport: { width: options.width ?? 390, height: 844 },
    });
    return context.newPage();
  };

  it('/: landmarks, labelled filters that work without JavaScript, provenance, paging', async () => {
    const p = await page();
    await p.goto(`${base}/`);
    expect(await p.getAttribute('html', 'lang')).toBe('fr');
    expect(await p.locator('header').count()).toBe(1);
    expect(await p.locator('nav[aria-label="Navigation principale"]').count()).toBe(1);
    expect(await p.locator('main#main').count()).toBe(1);
    expect(await p.locator('footer').count()).toBe(1);
    expect(await p.locator('form[role="search"]').count()).toBe(1);
    expect(
      await p
        .locator('link[rel="alternate"][type="application/rss+xml"]')
        .first()
        .getAttribute('href'),
    ).toBe('/feed.xml');
    const relayed = p.locator('article', { hasText: 'Rencontre régionale des coopératives' });
    expect(await relayed.locator('.provenance a').allTextContents()).toEqual([
      'Animacoop',
      'Tiers-Lieux & Cie',
      'animacoop.example',
      'tiers.example',
    ]);
    // Date in the hub time zone (published 09:00 UTC = 10:00 in Paris, winter time).
    expect(await relayed.locator('time').textContent()).toBe('20 novembre 2026 à 10:00');
    expect(await p.locator('ul.river > li').count()).toBe(30);
    // The style sheet arrives intact (child combinators and quoted font names are not escaped).
    expect(
      await p
        .locator('ul.river > li')
        .first()
        .evaluate((el) => getComputedStyle(el).borderBottomStyle),
    ).toBe('solid');

    // Filter with the form (GET, no JavaScript): labels name the fields.
    await p.getByLabel('Réseau').selectOption('tiers-lieux');
    await p.getByLabel('Rechercher').fill('fablab');
    await Promise.all([
      p.waitForURL(/network=tiers-lieux/),
      p.getByRole('button', { name: 'Filtrer' }).click(),
    ]);
    expect(await p.locator('ul.river h2').allTextContents()).toEqual([
      'Atelier fablab ouvert à tous',
    ]);
    expect(await p.locator('link[rel="alternate"][href^="/feed.atom?"]').getAttribute('href')).toBe(
      '/feed.atom?network=tiers-lieux&q=fablab',
    );

    // Territory + paging through the older stories.
    await p.goto(`${base}/?territory=Bretagne`);
    expect(await p.locator('ul.river > li').count()).toBe(30);
    await Promise.all([
      p.waitForURL(/before=/),
      p.getByRole('link', { name: /Actualités plus anciennes/ }).click(),
    ]);
    expect(await p.locator('ul.river > li').count()).toBe(12); // 40 + 2 Bretagne stories in all
    await p.screenshot({
      path: process.env.HUB_SCREENSHOT_DIR
        ? `${process.env.HUB_SCREENSHOT_DIR}/river-phone.png`
        : `${deps.dir}/river-phone.png`,
      fullPage: false,
    });
    await p.context().close();
  });

  it('switches language by ?lang=en and by Accept-Language', async () => {
    const p = await page({ locale: 'en-GB' });
    await p.goto(`${base}/networks`);
    expect(await p.getAttribute('html', 'lang')).toBe('en');
    expect(await p.locator('h1').textContent()).toBe('Member networks');
    await Promise.all([p.waitForURL(/lang=fr/), p.getByRole('link', { name: 'Français' }).click()]);
    expect(await p.getAttribute('html', 'lang')).toBe('fr');
    expect(await p.locator('h1').textContent()).toBe('Les réseaux membres');
    // The explicit choice sticks while browsing.
    await Promise.all([
      p.waitForURL(/\/networks\/animacoop\?lang=fr/),
      p.getByRole('link', { name: 'Animacoop' }).first().click(),
    ]);
    expect(await p.getAttribute('html', 'lang')).toBe('fr');
    await p.goto(`${base}/?lang=en`);
    expect(await p.locator('h1').textContent()).toBe('News from the federation');
    expect(await p.getByLabel('Network').count()).toBe(1);
    await p.context().close();
  });

  it('/networks: each source health in plain words; /networks/:slug: its stories and feeds; unknown: 404 page', async () => {
    const p = await page();
    await p.goto(`${base}/networks`);
    const tiers = p.locator('section', { has: p.locator('h2', { hasText: 'Tiers-Lieux & Cie' }) });
    expect(await tiers.locator('.health').allTextContents()).toEqual([
      'Erreur : le serveur a répondu 404 (3 échecs de suite)',
      expect.stringMatching(/^Dernière récupération réussie il\sy\sa\s\d+\sj$/),
    ]);
    const scop = p.locator('section', { has: p.locator('h2', { hasText: 'SCOP Ouest' }) });
    expect(await scop.locator('.health').allTextContents()).toEqual(['Source retirée (410)']);
    expect(await p.locator('dl.facts dd', { hasText: 'Occitanie' }).count()).toBe(1);
    await p.screenshot({
      path: process.env.HUB_SCREENSHOT_DIR
        ? `${process.env.HUB_SCREENSHOT_DIR}/networks-phone.png`
        : `${deps.dir}/networks-phone.png`,
      fullPage: true,
    });

    await p.goto(`${base}/networks/tiers-lieux`);
    expect(await p.locator('h1').textContent()).toBe('Tiers-Lieux & Cie');
    expect(await p.locator('ul.river h3').allTextContents()).toEqual([
      'Rencontre régionale des coopératives',
      'Atelier fablab ouvert à tous',
    ]);
    expect(
      await p.locator('link[rel="alternate"][href="/networks/tiers-lieux/feed.atom"]').count(),
    ).toBe(1);
    expect(await p.getByRole('link', { name: 'JSON Feed' }).first().getAttribute('href')).toBe(
      '/networks/tiers-lieux/feed.json',
    );

    const bad = await p.goto(`${base}/?limit=999`);
    expect(bad?.status()).toBe(400);
    expect(await p.getByRole('alert').textContent()).toContain('limit=');
    expect(await p.locator('form[role="search"]').count()).toBe(1); // the reader can fix the filter

    const res = await p.goto(`${base}/networks/inconnu`);
    expect(res?.status()).toBe(404);
    expect(await p.locator('h1').textContent()).toBe('Réseau introuvable');
    await p.context().close();
  });

  it('stays readable on a phone: nothing wider than the screen', async () => {
    const p = await page({ width: 360 });
    for (const path of ['/', '/networks', '/networks/animacoop']) {
      await p.goto(`${base}${path}`);
      // Playwright's evaluate still runs with page scripts disabled: it measures the layout.
      const overflow = await p.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await p.context().close();
  });
});
