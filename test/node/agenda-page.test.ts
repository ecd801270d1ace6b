import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../../workers/node/serve.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { fixturesDir } from '../support/fixture-server.ts';
import { seedAgenda, AGENDA_NOW } from '../support/agenda-seed.ts';
import { manualClock } from '../support/store-fixtures.ts';

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
const load = (name: string) => readFile(join(fixturesDir, 'agenda', name), 'utf8');

describe('/agenda in headless Chromium (no JavaScript)', () => {
  const deps = Object.assign(makeNodeDeps(), { clock: manualClock(AGENDA_NOW) });
  let server: ServerType;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    await seedAgenda(deps, load);
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

  const page = async (locale = 'fr-FR') =>
    (
      await browser.newContext({
        javaScriptEnabled: false,
        locale,
        viewport: { width: 390, height: 844 },
      })
    ).newPage();

  it('days in order, events with time, place, networks and links; filters without JS; webcal; language switch', async () => {
    const p = await page();
    await p.goto(`${base}/agenda`);
    expect(await p.getAttribute('html', 'lang')).toBe('fr');
    expect(await p.locator('h1').textContent()).toBe('Agenda');
    const days = await p.locator('section.agenda-day h2').allTextContents();
    expect(days.slice(0, 4)).toEqual([
      'Jeudi 8 octobre 2026',
      'Jeudi 15 octobre 2026',
      'Mardi 20 octobre 2026',
      'Mercredi 21 octobre 2026',
    ]);
    // Times in the hub's zone; the overseas event also says its local time.
    const guyane = p.locator('li.event', { hasText: 'Rencontre des SCOP de Guyane' });
    expect(await guyane.locator('.time').textContent()).toBe(
      '14:00 – 17:00 · 09:00 heure locale (America/Cayenne)',
    );
    expect(await guyane.locator('.provenance a').allTextContents()).toEqual([
      'Coopératives d’Outre-mer',
    ]);
    // After the October change the weekly series still reads 18:30.
    const oct29 = p.locator('section.agenda-day', { hasText: 'Jeudi 29 octobre 2026' });
    expect(await oct29.locator('.time').first().textContent()).toBe('18:30 – 20:00');
    const forum = p.locator('li.event', { hasText: 'Forum national' });
    expect(await forum.locator('.time').textContent()).toBe(
      'Toute la journée, jusqu’au 6 décembre 2026',
    );
    expect(await forum.locator('.provenance a').allTextContents()).toEqual([
      'Animacoop',
      'Relais Ouest',
    ]);
    expect(
      await forum.getByRole('link', { name: /Ajouter à mon agenda/ }).getAttribute('href'),
    ).toMatch(/^\/events\/[a-z0-9]+\.ics$/);
    expect(await p.locator('li.event.cancelled', { hasText: 'Annulé' }).count()).toBe(1);
    expect(
      await p.getByRole('link', { name: 'S’abonner à cet agenda (webcal)' }).getAttribute('href'),
    ).toMatch(/^webcal:\/\/.+\/agenda\.ics$/);
    const out = process.env.HUB_SCREENSHOT_DIR ?? deps.dir;
    mkdirSync(out, { recursive: true });
    await p.screenshot({ path: join(out, 'agenda-phone.png'), fullPage: false });

    // The filter form (folded on phones in a <details>) works without JavaScript; the subscribe link carries the filters.
    await p.locator('summary', { hasText: 'Filtrer l’agenda' }).click();
    await p.getByLabel('Territoire').selectOption('Outre-mer');
    await Promise.all([
      p.waitForURL(/territory=Outre-mer/),
      p.getByRole('button', { name: 'Filtrer' }).click(),
    ]);
    const titles = await p.locator('li.event h3 a').allTextContents();
    expect(titles.sort()).toEqual([
      'Apéro coopératif à Saint-Denis',
      'Rencontre des SCOP de Guyane',
      'Webinaire en ligne',
    ]);
    expect(
      await p.getByRole('link', { name: 'S’abonner à cet agenda (webcal)' }).getAttribute('href'),
    ).toMatch(/agenda\.ics\?territory=Outre-mer$/);
    await p.getByLabel('Recherche').fill('guyane');
    await Promise.all([
      p.waitForURL(/q=guyane/),
      p.getByRole('button', { name: 'Filtrer' }).click(),
    ]);
    expect(await p.locator('li.event h3 a').allTextContents()).toEqual([
      'Rencontre des SCOP de Guyane',
    ]);

    // A bad date: a 400 page that says why.
    const bad = await p.goto(`${base}/agenda?from=2026-02-30`);
    expect(bad!.status()).toBe(400);
    expect(await p.locator('[role="alert"]').textContent()).toContain('from=2026-02-30');

    // English by link and by Accept-Language.
    await p.goto(`${base}/agenda`);
    await p.getByRole('link', { name: 'English' }).click();
    expect(await p.getAttribute('html', 'lang')).toBe('en');
    expect(await p.locator('section.agenda-day h2').first().textContent()).toBe(
      'Thursday, 8 October 2026',
    );
    const en = await page('en-GB');
    await en.goto(`${base}/agenda`);
    expect(
      await en.locator('li.event', { hasText: 'Forum national' }).locator('.time').textContent(),
    ).toBe('All day, until 6 December 2026');

    // One event's page.
    await p.goto(`${base}/agenda?lang=fr`);
    await p.locator('li.event h3 a', { hasText: 'Rencontre des SCOP de Guyane' }).click();
    expect(await p.locator('h1').textContent()).toBe('Rencontre des SCOP de Guyane');
    expect(
      await p.getByRole('link', { name: 'Ajouter à mon agenda' }).getAttribute('href'),
    ).toMatch(/\.ics$/);
  });
});
