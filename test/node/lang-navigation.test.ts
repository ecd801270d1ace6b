import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { seedFederation } from '../support/publish-seed.ts';

/** The menu's links of a page, as a reader would follow them. */
function menuLinks(html: string): string[] {
  const nav = /<nav aria-label="(?:Navigation principale|Main navigation)">([\s\S]*?)<\/nav>/.exec(
    html,
  );
  return [...(nav?.[1] ?? '').matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
}

describe('a language chosen by URL is kept while navigating', () => {
  const deps = makeNodeDeps();
  const app = createApp(deps);
  beforeAll(() => seedFederation(deps));
  afterAll(() => deps.close());

  const pages = [
    '/',
    '/agenda',
    '/networks',
    '/networks/animacoop',
    '/newsletter',
    '/newsletter/archive',
  ];

  it.each(pages)(
    '%s?lang=en: every menu link keeps lang=en, the switch offers French',
    async (path) => {
      const html = await (await app.request(`${path}?lang=en`)).text();
      const links = menuLinks(html);
      expect(links.length).toBeGreaterThanOrEqual(5);
      const [switchLink, ...rest] = [links.at(-1)!, ...links.slice(0, -1)];
      for (const href of rest) expect(href, href).toMatch(/[?&]lang=en\b/);
      expect(switchLink).toMatch(/[?&]lang=fr\b/);
    },
  );

  it('without ?lang= the links carry no language (the browser’s is used)', async () => {
    const links = menuLinks(await (await app.request('/agenda')).text());
    expect(links.slice(0, -1).every((href) => !href.includes('lang='))).toBe(true);
  });
});

describe('the networks pages', () => {
  it('/networks links to the proposal form; a network page shows its upcoming events', async () => {
    const { seedAgenda, AGENDA_NOW } = await import('../support/agenda-seed.ts');
    const { manualClock } = await import('../support/store-fixtures.ts');
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { fixturesDir } = await import('../support/fixture-server.ts');
    const deps = Object.assign(makeNodeDeps(), { clock: manualClock(AGENDA_NOW) });
    try {
      await seedAgenda(deps, (name) => readFile(join(fixturesDir, 'agenda', name), 'utf8'));
      const app = createApp(deps);
      const list = await (await app.request('/networks')).text();
      expect(list).toContain('href="/networks/propose"');
      const page = await (await app.request('/networks/animacoop')).text();
      expect(page).toContain('Prochains événements');
      const upcoming = /<section aria-labelledby="upcoming">([\s\S]*?)<\/section>/.exec(page)![1]!;
      expect(upcoming.match(/href="\/events\//g)?.length).toBe(5);
      expect(upcoming).toContain('href="/agenda?network=animacoop"');
      const other = await (await app.request('/networks/outremer?lang=en')).text();
      expect(other).toContain('Upcoming events');
    } finally {
      await deps.close();
    }
  });
});
