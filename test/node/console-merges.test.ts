import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { startServer } from '../../workers/node/serve.ts';
import { entries } from '../../src/db/schema/index.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { seedFederation } from '../support/publish-seed.ts';
import { launchChromium, openPage, screenshots } from '../support/chromium.ts';

const TOKEN = 'console-merges-token-0123456789';

describe('console merges in Chromium: the reason of each, and a one-click split', () => {
  const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: TOKEN });
  let server: ServerType;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    await seedFederation(deps);
    const started = await startServer(deps, 0, '127.0.0.1');
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await deps.close();
  });

  it('lists the relayed story with its reason in words, splits it, and it stays split', async () => {
    const p = await openPage(browser, { width: 1280 });
    await p.goto(`${base}/admin/login`);
    await p.getByLabel('Jeton d’administration').fill(TOKEN);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.locator('.console-bar').getByRole('link', { name: 'Fusions' }).click();
    const merge = p.locator('li.merge', { hasText: 'Rencontre régionale des coopératives' });
    expect(await merge.count()).toBe(1);
    const reason = await merge.locator('.reason').textContent();
    expect(['même URL canonique', 'texte quasi identique', 'même identifiant (guid)']).toContain(
      reason,
    );
    expect(await merge.textContent()).toMatch(/a rejoint « Rencontre régionale des coopératives »/);
    // The reason once, then the detail (scores) without repeating it.
    const meta = (await merge.locator('.meta').textContent())!;
    expect(meta.split(reason!).length - 1).toBe(1);
    await screenshots(p, 'console-merges');

    const id = Number((await merge.getAttribute('id'))!.slice(2));
    const [before] = await deps.db.orm.select().from(entries).where(eq(entries.id, id));
    await merge.getByRole('button', { name: 'Séparer' }).click();
    expect(await p.locator('.notice.ok').textContent()).toContain(
      'est maintenant une actualité à part',
    );
    const [after] = await deps.db.orm.select().from(entries).where(eq(entries.id, id));
    expect(after!.itemId).not.toBe(before!.itemId);
    expect(after!.mergeReason).toBe('manual');
    expect(await p.locator(`#e-${id}`).count()).toBe(0);

    // The public river now shows two stories.
    await p.goto(`${base}/`);
    expect(
      await p.locator('article', { hasText: 'Rencontre régionale des coopératives' }).count(),
    ).toBe(2);
  });
});
