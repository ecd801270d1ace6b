import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { startServer } from '../../workers/node/serve.ts';
import { createApp } from '../../src/app.ts';
import { networkProposals, sources } from '../../src/db/schema/index.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { launchChromium, openPage, overflowsSideways, screenshots } from '../support/chromium.ts';

const TOKEN = 'console-proposals-token-0123456789';

describe('member networks propose themselves; coordinators approve or decline in the console', () => {
  let sink: SmtpSink;
  let deps: ReturnType<typeof makeNodeDeps>;
  let server: ServerType;
  let base = '';
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startFixtureServer>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    deps = makeNodeDeps({
      HUB_ADMIN_TOKEN: TOKEN,
      HUB_SMTP_URL: sink.url,
      HUB_MAIL_FROM: 'Hub <hub@example.org>',
    });
    site = await startFixtureServer();
    site.route('/tiers-lieux/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><head><title>Tiers-lieux du Gers</title>
<link rel="alternate" type="application/atom+xml" title="Nouvelles" href="/parse/atom.xml">
<link rel="alternate" type="text/calendar" title="Rendez-vous" href="/agenda/relay.ics">
</head><body></body></html>`);
    });
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
    await sink.close();
  });

  it('a visitor proposes a network; a coordinator approves it with the feeds found; the contact is told', async () => {
    const visitor = await openPage(browser);
    await visitor.goto(`${base}/networks/propose`);
    await visitor.getByLabel('Nom du réseau').fill('Tiers-lieux du Gers');
    await visitor.getByLabel('Adresse du site').fill('pas une adresse');
    await visitor.getByLabel('Adresse électronique de contact').fill('contact@tiers-gers.fr');
    await visitor.getByLabel(/Territoire/).fill('Gers');
    await visitor.getByLabel(/Quelques mots/).fill('Douze lieux partagés.');
    // type=url stops a browser; a form posted anyway gets the page back with everything kept.
    await visitor.locator('form.stack').evaluate((f) => f.setAttribute('novalidate', ''));
    await visitor.getByRole('button', { name: 'Envoyer la proposition' }).click();
    expect(await visitor.locator('[role="alert"]').textContent()).toContain('http://');
    expect(await visitor.getByLabel(/Quelques mots/).inputValue()).toBe('Douze lieux partagés.');
    await visitor.getByLabel('Adresse du site').fill(`${site.base}/tiers-lieux/`);
    expect(await overflowsSideways(visitor)).toBe(false);
    await screenshots(visitor, 'propose-form');
    await visitor.getByRole('button', { name: 'Envoyer la proposition' }).click();
    expect(await visitor.locator('h1').textContent()).toBe('Merci !');

    const p = await openPage(browser, { width: 1280 });
    await p.goto(`${base}/admin/login`);
    await p.getByLabel('Jeton d’administration').fill(TOKEN);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.getByRole('link', { name: 'Propositions' }).click();
    const card = p.locator('ul.directory > li', { hasText: 'Tiers-lieux du Gers' });
    expect(await card.getByRole('checkbox', { name: /Flux : Nouvelles/ }).isChecked()).toBe(true);
    expect(await card.getByRole('checkbox', { name: /Agenda : Rendez-vous/ }).isChecked()).toBe(
      true,
    );
    expect(await card.getByLabel(/Identifiant/).inputValue()).toBe('tiers-lieux-du-gers');
    await screenshots(p, 'console-proposals');
    await card.getByRole('checkbox', { name: /Agenda : Rendez-vous/ }).uncheck();
    await card.getByLabel(/Thèmes/).fill('tiers-lieux');
    await card.getByRole('button', { name: 'Accepter : créer le réseau' }).click();
    expect(await p.locator('.notice.ok').textContent()).toContain(
      '« Tiers-lieux du Gers » est maintenant un réseau de la fédération. Le contact a été prévenu',
    );
    const rows = await deps.db.orm
      .select()
      .from(sources)
      .where(eq(sources.networkSlug, 'tiers-lieux-du-gers'));
    expect(rows.map((s) => [s.kind, s.url])).toEqual([['feed', `${site.base}/parse/atom.xml`]]);
    await expect.poll(() => sink.countFor('contact@tiers-gers.fr')).toBe(1);
    const mail = sink.received.find((r) => r.to === 'contact@tiers-gers.fr')!.mail;
    expect(mail.subject).toBe('Votre réseau rejoint Intercoop');
    expect(mail.text).toContain('/networks/tiers-lieux-du-gers');

    await p.locator('.console-bar').getByRole('link', { name: 'Réseaux' }).click();
    expect(await p.locator('#n-tiers-lieux-du-gers h2').textContent()).toContain(
      'Tiers-lieux du Gers',
    );
  });

  it('a declined proposal is told too; honeypot and per-client limit keep bots out', async () => {
    const app = createApp(deps);
    const form = (fields: Record<string, string>) =>
      app.request('/networks/propose', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const before = (await deps.db.orm.select().from(networkProposals)).length;
    const bot = await form({
      name: 'Spam',
      site: `${site.base}/tiers-lieux/`,
      email: 'bot@spam.example',
      website: 'http://spam.example',
    });
    expect(bot.status).toBe(200);
    expect(await bot.text()).toContain('Merci !');
    expect((await deps.db.orm.select().from(networkProposals)).length).toBe(before);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await form({
            name: `Réseau ${i}`,
            site: `${site.base}/absent-${i}/`,
            email: `contact${i}@reseau.example`,
          })
        ).status,
      );
    // The earlier proposal in Chromium came from another client (the browser's socket).
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const [noSite] = await deps.db.orm
      .select()
      .from(networkProposals)
      .where(eq(networkProposals.name, 'Réseau 0'));
    expect(noSite!.discoveryError).toContain('404');

    const p = await openPage(browser);
    await p.goto(`${base}/admin/login`);
    await p.getByLabel('Jeton d’administration').fill(TOKEN);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.goto(`${base}/admin/proposals`);
    const card = p.locator('ul.directory > li', { hasText: 'Réseau 0' });
    expect(await card.locator('.notice.warn').textContent()).toContain(
      'Le site n’a pas pu être lu',
    );
    await card.getByRole('button', { name: 'Refuser' }).click();
    expect(await p.locator('.notice.ok').textContent()).toContain(
      'Proposition « Réseau 0 » refusée',
    );
    await expect.poll(() => sink.countFor('contact0@reseau.example')).toBe(1);
    expect(await p.locator('main').textContent()).toContain('Réseau 0 — refusée');
  });
});
