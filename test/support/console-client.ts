/**
 * A browser-like client for the console through app.request: keeps cookies, reads the CSRF
 * token from the last page's forms, posts forms. For tests of flags and refusals that a real
 * browser would hide (the Chromium tests cover the person's path).
 */
import type { Hono } from 'hono';
import type { HubEnv } from '../../src/http.ts';

export interface ConsoleClient {
  cookies: Map<string, string>;
  lastSetCookies: string[];
  get(path: string): Promise<Response & { html: string }>;
  post(path: string, fields: Record<string, string>, csrf?: string | null): Promise<Response>;
  /** The CSRF token of the last page read (fetches /admin/login when none was). */
  csrf(): Promise<string>;
  signIn(token: string): Promise<Response>;
}

export function consoleClient(app: Hono<HubEnv>, base = 'http://127.0.0.1'): ConsoleClient {
  const cookies = new Map<string, string>();
  let lastHtml = '';
  const client: ConsoleClient = {
    cookies,
    lastSetCookies: [],
    async get(path) {
      const r = await app.request(`${base}${path}`, { headers: headers() });
      keep(r);
      const html = await r.text();
      lastHtml = html;
      return Object.assign(r, { html });
    },
    async post(path, fields, csrf) {
      const body = new URLSearchParams(fields);
      const token = csrf === undefined ? await client.csrf() : csrf;
      if (token !== null) body.set('_csrf', token);
      const r = await app.request(`${base}${path}`, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      keep(r);
      return r;
    },
    async csrf() {
      let m = /name="_csrf" value="([^"]+)"/.exec(lastHtml);
      if (!m) {
        await client.get('/admin/login');
        m = /name="_csrf" value="([^"]+)"/.exec(lastHtml);
      }
      return m![1]!;
    },
    async signIn(token) {
      await client.get('/admin/login');
      return client.post('/admin/login', { token });
    },
  };
  function headers(): Record<string, string> {
    const jar = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return jar ? { cookie: jar } : {};
  }
  function keep(r: Response) {
    client.lastSetCookies = r.headers.getSetCookie();
    for (const line of client.lastSetCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || !value) cookies.delete(name);
      else cookies.set(name, value);
    }
  }
  return client;
}
