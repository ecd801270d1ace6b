import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { startServer } from '../../workers/node/serve.ts';
import { startDemoHub, type DemoHub } from '../../workers/node/demo/hub.ts';
import { demoBanner } from '../../workers/node/commands/demo.ts';
import { pull } from '../../src/ingest/pull.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { createApp } from '../../src/app.ts';
import { silentLogger } from '../../src/deps.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { launchChromium, openPage, overflowsSideways, screenshots } from '../support/chromium.ts';

describe('the demo shows it all: mail caught in /demo/mailbox, newsletter, console sign-in', () => {
  let hub: DemoHub;
  let server: ServerType;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    hub = await startDemoHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-demo-')),
      hubPort: 0,
      federationPort: 0,
      env: {},
      log: silentLogger,
    });
    await pull(hub.deps, { trigger: 'demo', all: true });
    const started = await startServer(hub.deps, hub.demo.hubPort, '127.0.0.1');
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await hub?.close();
  });

  it('prints how to sign in to the console and how to point the CLI at its database', () => {
    const banner = demoBanner(base, hub.demo, true, 'fr');
    expect(banner).toContain(`Console des coordinateurs : ${base}/admin`);
    expect(banner).toContain(`jeton d'administration : ${hub.demo.config.adminToken}`);
    expect(hub.demo.config.adminToken).toMatch(/^demo-/);
    expect(banner).toContain('coordination@demo.invalid');
    expect(banner).toContain(`${base}/demo/mailbox`);
    expect(banner).toContain(`HUB_DB=${hub.demo.config.dbPath}`);
  });

  it('a newcomer subscribes, confirms from the mailbox and reads the digest, without leaving the demo', async () => {
    const p = await openPage(browser);
    await p.goto(`${base}/newsletter`);
    // A typo first: the form comes back with what was typed.
    await p.getByLabel('Votre adresse électronique').fill('camille@exemple');
    await p.getByRole('radio', { name: 'Chaque jour' }).check();
    await p.getByRole('button', { name: 'S’inscrire' }).click();
    expect(await p.locator('[role="alert"]').count()).toBe(1);
    expect(await p.getByLabel('Votre adresse électronique').inputValue()).toBe('camille@exemple');
    expect(await p.getByRole('radio', { name: 'Chaque jour' }).isChecked()).toBe(true);
    expect(await overflowsSideways(p), 'the newsletter form fits 390 px').toBe(false);
    await screenshots(p, 'demo-newsletter-error');

    await p.getByLabel('Votre adresse électronique').fill('camille@exemple.org');
    await p.getByRole('button', { name: 'S’inscrire' }).click();
    expect(await p.locator('main').textContent()).toContain('Vérifiez votre boîte aux lettres');
    await p.getByRole('link', { name: 'Ouvrir la boîte aux lettres de la démo' }).click();
    await screenshots(p, 'demo-mailbox');
    await p.locator('ul.river a').first().click();
    expect(await p.locator('dl.facts').textContent()).toContain('camille@exemple.org');
    await screenshots(p, 'demo-mailbox-message');
    await p.locator('pre.mail-text a[href*="/newsletter/confirm/"]').click();
    expect(await p.locator('main').textContent()).toMatch(/confirm/i);

    // The digest job, as the demo's every-minute schedule runs it.
    const run = await runDigests(hub.deps, { startNew: true });
    expect(run.sent).toBe(1);
    await p.goto(`${base}/demo/mailbox`);
    const digest = p.locator('ul.river li', { hasText: 'camille@exemple.org' }).first();
    await digest.locator('a').click();
    await p.getByRole('link', { name: /version HTML/ }).click();
    // The digest as a mail client shows it: its stories, links that lead back to the hub.
    expect(await p.locator('a[href*="/newsletter/unsubscribe/"]').count()).toBeGreaterThan(0);
    expect(await p.locator('a').count()).toBeGreaterThan(5);
    await screenshots(p, 'demo-digest-html');
  });

  it('the demo coordinator signs in to the console with the link that lands in the mailbox', async () => {
    const p = await openPage(browser, { width: 1280 });
    await p.goto(`${base}/admin/login`);
    await p.getByLabel('Votre adresse électronique').fill('coordination@demo.invalid');
    await p.getByRole('button', { name: 'Envoyer le lien' }).click();
    expect(await p.locator('.notice.ok').textContent()).toContain('un lien de connexion');
    await p.goto(`${base}/demo/mailbox`);
    await p
      .getByRole('link', { name: /Votre lien de connexion/ })
      .first()
      .click();
    await p.locator('pre.mail-text a').click();
    await p.getByRole('button', { name: 'Se connecter' }).click();
    expect(p.url()).toBe(`${base}/admin/networks`);
    expect(await p.locator('.console-bar').textContent()).toContain('coordination@demo.invalid');
  });

  it('a coordinator previews the next edition for some choices and sends a test into the mailbox', async () => {
    const p = await openPage(browser, { width: 1280 });
    await p.goto(`${base}/admin/login`);
    await p.getByLabel('Jeton d’administration').fill(hub.demo.config.adminToken!);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.locator('.console-bar').getByRole('link', { name: 'Lettre' }).click();
    // The ledger of the run above, and who follows what.
    const ledger = p.locator('table.ledger tr').nth(1);
    expect((await ledger.locator('td').allTextContents()).slice(2)).toEqual(['1', '0', '0', '0']);
    expect(await p.locator('main').textContent()).toContain('1 abonné·e actif·ve, par choix');
    expect(
      await p.locator('table.counts', { hasText: 'Réseaux' }).locator('td').first().textContent(),
    ).toBe('1');
    await screenshots(p, 'console-newsletter');

    expect(await overflowsSideways(p), 'the newsletter page fits 390 px').toBe(false);
    await p.setViewportSize({ width: 1280, height: 900 });
    const form = p.locator('form[action="/admin/newsletter/test"]');
    await form.getByRole('checkbox', { name: 'Animacoop' }).check();
    await form.getByRole('button', { name: 'Voir l’aperçu' }).click();
    expect(p.url()).toContain('/admin/newsletter/preview?');
    expect(p.url()).toContain('network=animacoop');
    expect(p.url()).not.toContain('tag=');
    const html = await p.content();
    expect(html).toContain('Animacoop');
    expect(html).not.toContain('Bretagne numérique solidaire');
    await screenshots(p, 'console-newsletter-preview');

    await p.goBack();
    const test = p.locator('form[action="/admin/newsletter/test"]');
    if (!(await test.getByRole('checkbox', { name: 'Animacoop' }).isChecked()))
      await test.getByRole('checkbox', { name: 'Animacoop' }).check();
    await test.getByLabel('Envoyer un essai à').fill('relecture@exemple.org');
    await test.getByRole('button', { name: 'Envoyer l’essai' }).click();
    expect(await p.locator('.notice.ok').textContent()).toContain(
      'Essai envoyé à relecture@exemple.org',
    );
    const sent = hub.deps.mailbox!.list().find((m) => m.to === 'relecture@exemple.org')!;
    expect(sent.subject).toMatch(/^\[Aperçu\]/);
    // The very edition the preview showed, byte for byte.
    const shown = await p.request.get(`${base}/admin/newsletter/preview?network=animacoop`);
    expect(sent.html).toBe(await shown.text());
    expect(sent.html).toContain('Animacoop');
    expect(sent.html).not.toContain('Bretagne numérique solidaire');
    await p.goto(`${base}/demo/mailbox`);
    expect(await p.locator('ul.river li', { hasText: 'relecture@exemple.org' }).count()).toBe(1);

    const csv = await p.request.get(`${base}/admin/newsletter/subscribers.csv`);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toContain('"camille@exemple.org"');
  });

  it('/demo/mailbox is the demo’s only: 404 on a hub without a mail catcher', async () => {
    const deps = makeNodeDeps();
    try {
      const app = createApp(deps);
      for (const path of ['/demo/mailbox', '/demo/mailbox/1', '/demo/mailbox/1/html'])
        expect((await app.request(path)).status, path).toBe(404);
    } finally {
      await deps.close();
    }
    expect((await fetch(`${base}/demo/mailbox/999999`)).status).toBe(404);
  });
});
