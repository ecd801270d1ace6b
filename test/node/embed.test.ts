import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../../workers/node/serve.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { fixturesDir, startFixtureServer } from '../support/fixture-server.ts';
import { seedAgenda, AGENDA_NOW } from '../support/agenda-seed.ts';
import { seedFederation } from '../support/publish-seed.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { embedHeight } from '../../src/embed/size.ts';
import { embedSnippet } from '../../src/embed/snippet.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const load = (name: string) => readFile(join(fixturesDir, 'agenda', name), 'utf8');

describe('widgets for members’ sites (/embed/*), framed by another origin in Chromium', () => {
  const deps = Object.assign(makeNodeDeps(), { clock: manualClock(AGENDA_NOW) });
  let server: ServerType;
  let hub = '';
  let member: Awaited<ReturnType<typeof startFixtureServer>>;
  let browser: Browser;

  beforeAll(async () => {
    await seedFederation(deps);
    await seedAgenda(deps, load);
    const started = await startServer(deps, 0, '127.0.0.1');
    server = started.server;
    hub = `http://127.0.0.1:${started.port}`;
    // A member's site on another port (another origin), as a WordPress page would hold it.
    member = await startFixtureServer();
    const page = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) =>
      void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    const agendaSnippet = embedSnippet(
      hub,
      'agenda',
      new URLSearchParams({ network: 'animacoop', limit: '3' }),
      3,
      'Agenda',
    );
    member.route(
      '/iframe.html',
      page(`<!DOCTYPE html><h1>Notre agenda</h1>${agendaSnippet.iframe}`),
    );
    member.route(
      '/script.html',
      page(
        `<!DOCTYPE html><h1>Nos actualités</h1><p id="before">avant</p>` +
          `<script src="${hub}/embed/news.js?limit=2&theme=dark"></script><p id="after">après</p>`,
      ),
    );
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await member?.close();
    await deps.close();
  });

  it('an iframe on another origin shows the network’s next events, fitting its height, links in new tabs', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await ctx.newPage();
    await p.goto(`${member.base}/iframe.html`);
    const frame = p.frameLocator('iframe');
    const titles = await frame.locator('.ie-title').allTextContents();
    expect(titles.length).toBe(3);
    expect(titles[0]).toMatch(/\S/);
    // Only Animacoop's events: its name is on every row.
    for (const meta of await frame.locator('.ie-meta').allTextContents())
      expect(meta).toContain('Animacoop');
    // Every link leaves the frame for the hub, in a new tab.
    const targets = await frame
      .locator('a')
      .evaluateAll((as) =>
        as.map((a) => [a.getAttribute('target'), (a as HTMLAnchorElement).href]),
      );
    for (const [target, href] of targets) {
      expect(target).toBe('_blank');
      // The hub's public address (hub.base_url), wherever the frame was served from.
      expect(href!.startsWith('https://hub.example.org/')).toBe(true);
    }
    // The frame's height (from the snippet) holds the whole widget: nothing to scroll.
    const inner = await frame
      .locator('html')
      .evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(inner.scroll).toBeLessThanOrEqual(embedHeight(3));
    expect(inner.scroll).toBeLessThanOrEqual(inner.client);
    await ctx.close();
  });

  it('the script embed inserts the news where the tag stands, in its theme, without touching the page', async () => {
    const ctx = await browser.newContext({ colorScheme: 'light' });
    const p = await ctx.newPage();
    await p.goto(`${member.base}/script.html`);
    const titles = p.locator('.intercoop-embed .ie-title');
    await titles.first().waitFor();
    expect(await titles.count()).toBe(2);
    // Placed between the paragraphs around the tag.
    const order = await p.evaluate(() => {
      const box = document.querySelector('#before')!.nextElementSibling!;
      return [box.tagName, !!box.shadowRoot, box.nextElementSibling?.tagName];
    });
    expect(order).toEqual(['DIV', true, 'SCRIPT']);
    // theme=dark wins over the reader's light preference.
    const bg = await p
      .locator('.intercoop-embed')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(18, 18, 18)');
    // The member's own heading keeps its style: the widget's CSS stays in its shadow root.
    const h1 = await p.locator('h1').evaluate((el) => getComputedStyle(el).fontFamily);
    expect(h1).not.toContain('system-ui');
    await ctx.close();
  });

  it('answers in the asked language, caches like the feeds (ETag, 304), refuses bad filters', async () => {
    const res = await fetch(`${hub}/embed/agenda?lang=en&limit=2`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('The whole agenda');
    expect(html).toContain('<base target="_blank"/>');
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    const again = await fetch(`${hub}/embed/agenda?lang=en&limit=2`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    const js = await fetch(`${hub}/embed/agenda.js?network=animacoop`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('access-control-allow-origin')).toBe('*');
    expect(await js.text()).not.toContain('</');
    for (const bad of ['limit=0', 'limit=500', 'theme=pink', 'network=Not%20A%20Slug']) {
      const r = await fetch(`${hub}/embed/news?${bad}`);
      expect(r.status, bad).toBe(400);
    }
  });

  it('the network page’s live preview shows the widget (its policy lets it frame the hub)', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    const violations: string[] = [];
    p.on('console', (msg) => {
      if (/Content Security Policy|Refused to frame/i.test(msg.text())) violations.push(msg.text());
    });
    await p.goto(`${hub}/networks/animacoop`);
    await p.locator('details summary', { hasText: 'Agenda' }).click();
    const preview = p.frameLocator('details[open] iframe');
    await preview.locator('.ie-title').first().waitFor({ timeout: 10_000 });
    expect(await preview.locator('.ie-title').count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('the network page shows the snippets and a live preview', async () => {
    const html = await (await fetch(`${hub}/networks/animacoop`)).text();
    expect(html).toContain('Intégrer sur votre site');
    const pub = 'https://hub.example.org';
    expect(html).toContain(`&lt;iframe src=&quot;${pub}/embed/agenda?network=animacoop&quot;`);
    expect(html).toContain(`&lt;script src=&quot;${pub}/embed/news.js?network=animacoop&quot;`);
    // The preview frames this hub itself.
    expect(html).toContain('<iframe src="/embed/news?network=animacoop"');
  });
});
