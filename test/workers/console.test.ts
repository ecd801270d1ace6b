import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { consumeLoginLink, createLoginLink } from '../../src/admin/login-links.ts';

const BASE = 'https://hub.test';
const TOKEN = 'test-admin-token';

/** Cookies kept between requests, as a browser would (names and values only). */
function jar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    keep(r: Response) {
      for (const line of r.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const i = pair!.indexOf('=');
        cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
    },
  };
}

describe('console in workerd with D1', () => {
  it('signs in with the token over https (Secure cookie), refuses a form without its CSRF token', async () => {
    const browser = jar();
    const login = await SELF.fetch(`${BASE}/admin/login`);
    browser.keep(login);
    const html = await login.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const post = (path: string, body: string) =>
      SELF.fetch(`${BASE}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: browser.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect((await post('/admin/login', `token=${TOKEN}`)).status).toBe(403);
    const signedIn = await post('/admin/login', `_csrf=${csrf}&token=${TOKEN}`);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((l: string) => l.startsWith('hub_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    browser.keep(signedIn);
    const page = await SELF.fetch(`${BASE}/admin/networks`, {
      headers: { cookie: browser.header() },
      redirect: 'manual',
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Réseaux');
  });

  it('a sign-in link works once on D1', async () => {
    const deps = workerDeps(env as unknown as Env);
    const token = await createLoginLink(deps, 'coord@example.org');
    const [first, second] = await Promise.all([
      consumeLoginLink(deps, token),
      consumeLoginLink(deps, token),
    ]);
    expect([first, second].filter(Boolean)).toEqual(['coord@example.org']);
    expect(await consumeLoginLink(deps, token)).toBeNull();
  });
});
