/**
 * Browser security headers: every page says what it may load (CSP), that nobody may frame it
 * (but the /embed/* widgets, per HUB_EMBED_ANCESTORS), nosniff, a Referrer-Policy, and HSTS
 * when the hub's base_url is https. In headless Chromium the pages still render with their
 * styles under the policy: no CSP violation is reported (and a violation is seen when there is one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/app.ts';
import { startServer } from '../../workers/node/serve.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { seedFederation } from '../support/publish-seed.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];

/** Pages a visitor sees (HTML), errors included. */
const PAGES = [
  '/',
  '/?q=coop',
  '/networks',
  '/networks/animacoop',
  '/networks/inconnu',
  '/agenda',
  '/newsletter',
  '/newsletter/archive',
  '/newsletter/confirm/abcdefghijklmnopqrstuvwxyz',
  '/admin/login',
];
/** Other answers: they carry nosniff and a CSP too. */
const OTHERS = [
  '/feed.xml?q=x',
  '/agenda.ics',
  '/agenda.json',
  '/networks.opml',
  '/healthz',
  '/nowhere',
];

function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(' ')]),
  );
}

describe('security headers (Node)', () => {
  const httpsDeps = makeNodeDeps();
  const httpDeps = makeNodeDeps();
  afterAll(async () => {
    await httpsDeps.close();
    await httpDeps.close();
  });
  beforeAll(async () => {
    await seedFederation(httpsDeps); // base_url https://hub.example.org
  });

  it('pages: strict CSP, no framing, nosniff, Referrer-Policy, HSTS with an https base_url', async () => {
    const app = createApp(httpsDeps);
    for (const path of PAGES) {
      const res = await app.request(path);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toBe("'none'");
      expect(csp.get('form-action'), path).toBe("'self'");
      expect(csp.get('frame-ancestors'), path).toBe("'none'");
      expect(csp.get('base-uri'), path).toBe("'none'");
      expect(csp.has('script-src'), path).toBe(false);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toMatch(
        /^(strict-origin-when-cross-origin|no-referrer)$/,
      );
      expect(res.headers.get('strict-transport-security'), path).toMatch(/^max-age=31536000/);
    }
    // The newsletter's URLs hold tokens: its pages keep their stricter no-referrer.
    expect((await app.request('/newsletter')).headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('feeds, calendars, JSON and errors: nosniff and the policy too, no HSTS outside pages', async () => {
    const app = createApp(httpsDeps);
    for (const path of OTHERS) {
      const res = await app.request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(directives(res.headers.get('content-security-policy')).get('frame-ancestors')).toBe(
        "'none'",
      );
    }
  });

  it('no HSTS when base_url is http', async () => {
    const res = await createApp(httpDeps).request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('/embed/* overrides frame-ancestors only (HUB_EMBED_ANCESTORS), not the rest', async () => {
    const deps = makeNodeDeps({ HUB_EMBED_ANCESTORS: 'https://member.example' });
    try {
      const app = createApp(deps);
      const first = await app.request('http://hub.test/embed/news');
      // Repeats are answered before routing (publish/fast-path.ts): the same headers.
      const repeat = await app.request('http://hub.test/embed/news');
      const notModified = await app.request('http://hub.test/embed/news', {
        headers: { 'if-none-match': first.headers.get('etag')! },
      });
      expect(notModified.status).toBe(304);
      for (const res of [first, repeat, notModified]) {
        expect(res.status).not.toBe(500);
        const csp = directives(res.headers.get('content-security-policy'));
        expect(csp.get('frame-ancestors')).toBe('https://member.example');
        expect(csp.get('default-src')).toBe("'none'");
        expect(csp.get('form-action')).toBe("'none'");
        expect(res.headers.get('x-frame-options')).toBeNull();
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
      expect(await repeat.text()).toBe(await first.text());
    } finally {
      await deps.close();
    }
  });
});

describe('pages render with their styles under the policy (headless Chromium)', () => {
  let server: ServerType;
  let base = '';
  let browser: Browser;
  const deps = makeNodeDeps();

  beforeAll(async () => {
    await seedFederation(deps);
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

  /** Opens a page, collecting what the browser says about the policy. */
  async function open(path: string, page?: Page): Promise<{ page: Page; violations: string[] }> {
    const p = page ?? (await (await browser.newContext({ javaScriptEnabled: false })).newPage());
    const violations: string[] = [];
    p.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    const res = await p.goto(`${base}${path}`);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    return { page: p, violations };
  }

  /** The site's stylesheet applied: the header's bottom border comes from it. */
  const styled = (p: Page) =>
    p
      .locator('header')
      .first()
      .evaluate((el) => getComputedStyle(el).borderBottomStyle);

  it('no violation, styles applied, on every page', async () => {
    for (const path of PAGES) {
      const { page, violations } = await open(path);
      expect(await styled(page), path).toBe('solid');
      expect(violations, path).toEqual([]);
      await page.context().close();
    }
  }, 120_000);

  it('the check sees a violation when the policy forbids the styles', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const p = await context.newPage();
    await p.route('**/networks', async (route) => {
      const res = await route.fetch();
      const headers = { ...res.headers(), 'content-security-policy': "style-src 'none'" };
      await route.fulfill({ response: res, headers });
    });
    const violations: string[] = [];
    p.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await p.goto(`${base}/networks`);
    expect(violations.length).toBeGreaterThan(0);
    expect(await styled(p)).not.toBe('solid');
    await context.close();
  });
});
