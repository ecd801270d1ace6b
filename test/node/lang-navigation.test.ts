import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { seedFederation } from '../support/publish-seed.ts';
import { AGENDA_NOW, seedAgenda } from '../support/agenda-seed.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { fixturesDir } from '../support/fixture-server.ts';
import type { Deps } from '../../src/deps.ts';

/** A hub whose clock is the seeded agenda's "now". */
const agendaDeps = () => Object.assign(makeNodeDeps(), { clock: manualClock(AGENDA_NOW) });

/** The fixture calendars stored as four networks' agendas. */
const seedFixtureAgenda = (deps: Deps) =>
  seedAgenda(deps, (name) => readFile(join(fixturesDir, 'agenda', name), 'utf8'));

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
    const deps = agendaDeps();
    try {
      await seedFixtureAgenda(deps);
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

/** Links to the hub's pages (not its feeds, calendars and files), and the page's forms. */
function pageLinks(html: string): { links: string[]; forms: string[] } {
  const links = [...html.matchAll(/<a ([^>]*)>/g)]
    .map((m) => m[1]!)
    .filter((attrs) => !/\bhreflang=/.test(attrs)) // the language switch offers the other one
    .map((attrs) => /\bhref="([^"]*)"/.exec(attrs)?.[1]?.replaceAll('&amp;', '&') ?? '')
    .map((href) => href.replace(/^https:\/\/hub\.example\.org(?=\/)/, ''))
    .filter((href) => href.startsWith('/') && !href.startsWith('/#'))
    .filter((href) => !/\.(xml|atom|json|ics|opml)(\?|#|$)|\/html$/.test(href.split('?')[0]!));
  const forms = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]);
  return { links, forms };
}

describe('?lang=en is kept by every link between pages, not only the menu', () => {
  it('following every link from the river, the agenda, the networks and the newsletter stays in English', async () => {
    const deps = agendaDeps();
    try {
      await seedFederation(deps, 30); // enough stories for a "next" page
      await seedFixtureAgenda(deps);
      const app = createApp(deps);
      const queue = ['/?lang=en', '/agenda?lang=en', '/networks?lang=en', '/newsletter?lang=en'];
      const seen = new Set(queue);
      const problems: string[] = [];
      const kinds = new Set<string>();
      while (queue.length && seen.size < 150) {
        const path = queue.shift()!;
        const res = await app.request(path);
        if (res.status !== 200) {
          problems.push(`${path}: HTTP ${res.status}`);
          continue;
        }
        const html = await res.text();
        if (!html.includes('<html lang="en">')) problems.push(`${path}: not in English`);
        const { links, forms } = pageLinks(html);
        for (const href of links) {
          kinds.add(href.split(/[?#]/)[0]!.split('/').slice(0, 2).join('/'));
          if (!/[?&]lang=en(&|#|$)/.test(href)) problems.push(`${path}: link ${href} loses lang`);
          else if (!seen.has(href)) {
            seen.add(href);
            queue.push(href);
          }
        }
        for (const form of forms) {
          const get = !/method="post"/.test(form);
          const keeps = get
            ? /<input type="hidden" name="lang" value="en"/.test(form)
            : /action="[^"]*[?&]amp;lang=en|action="[^"]*\?lang=en/.test(form);
          if (!keeps) problems.push(`${path}: a ${get ? 'GET' : 'POST'} form loses lang`);
        }
      }
      expect(problems).toEqual([]);
      // The walk went through every kind of page: stories' networks, events, paging, agenda.
      // (The agenda's "next" link, 300 events on, is built by the same hubHref as the river's.)
      expect([...kinds].sort()).toEqual(
        expect.arrayContaining(['/', '/agenda', '/events', '/networks', '/newsletter']),
      );
      expect(seen.size).toBeGreaterThan(20);
      expect([...seen].some((h) => h.includes('before='))).toBe(true); // the river's next page
    } finally {
      await deps.close();
    }
  });

  it('the widgets link back to the hub in their own language', async () => {
    const deps = makeNodeDeps();
    try {
      await seedFederation(deps);
      const app = createApp(deps);
      for (const path of ['/embed/news?lang=en', '/embed/agenda?lang=en']) {
        const html = await (await app.request(path)).text();
        const back = [...html.matchAll(/href="(https:\/\/hub\.example\.org[^"]*)"/g)].map(
          (m) => m[1]!,
        );
        expect(back.length, path).toBeGreaterThan(0);
        for (const href of back) expect(href).toMatch(/[?&]lang=en\b/);
      }
    } finally {
      await deps.close();
    }
  });
});
