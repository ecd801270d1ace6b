import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { consoleClient } from '../support/console-client.ts';

const TOKEN = 'console-test-token-0123456789';

/** A clock the test moves by hand. */
function travellingClock(start = Date.parse('2026-11-20T09:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

describe('console sign-in: cookie, expiry, CSRF, single-use emailed link', () => {
  let sink: SmtpSink;
  let deps: ReturnType<typeof makeNodeDeps>;
  let app: ReturnType<typeof createApp>;
  const clock = travellingClock();

  beforeAll(async () => {
    sink = await startSmtpSink();
    deps = makeNodeDeps({
      HUB_ADMIN_TOKEN: TOKEN,
      HUB_SMTP_URL: sink.url,
      HUB_MAIL_FROM: 'Hub <hub@example.org>',
    });
    deps.clock = clock;
    await syncFederation(
      deps,
      parseNetworksFile(`hub:
  title: Intercoop
  base_url: https://hub.example.org
  coordinators: [Coord@Example.org]
networks:
  - slug: animacoop
    name: Animacoop
    feeds: [https://animacoop.example/feed.xml]
`),
    );
    app = createApp(deps);
  });
  afterAll(async () => {
    await deps.close();
    await sink.close();
  });

  it('the sign-in page is French, has a doctype, and the console itself needs a session', async () => {
    const client = consoleClient(app);
    const page = await client.get('/admin/login');
    expect(page.status).toBe(200);
    expect(page.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page.html).toContain('Connexion à la console');
    const networks = await client.get('/admin/networks');
    expect(networks.status).toBe(303);
    expect(networks.headers.get('location')).toBe('/admin/login');
    const en = await client.get('/admin/networks?lang=en');
    expect(en.headers.get('location')).toBe('/admin/login?lang=en');
  });

  it('the token opens a signed session: HttpOnly, SameSite=Strict, 12 h, Secure only under https', async () => {
    const client = consoleClient(app);
    const r = await client.signIn(TOKEN);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/admin/networks');
    const cookie = client.lastSetCookies.find((l) => l.startsWith('hub_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Max-Age=43200/);
    expect(cookie).toMatch(/; Path=\/admin/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await client.get('/admin/networks')).status).toBe(200);

    const secure = consoleClient(app, 'https://hub.example.org');
    await secure.signIn(TOKEN);
    expect(secure.lastSetCookies.find((l) => l.startsWith('hub_session='))).toMatch(/; Secure/);
    expect((await secure.get('/admin/login')).headers.getSetCookie().join('')).toBe('');
  });

  it('a wrong token, a forged or a stretched cookie opens nothing', async () => {
    const client = consoleClient(app);
    const wrong = await client.signIn('not-the-token');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Jeton incorrect');
    expect(client.cookies.has('hub_session')).toBe(false);

    const real = consoleClient(app);
    await real.signIn(TOKEN);
    const value = real.cookies.get('hub_session')!;
    const [payload, sig] = value.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const stretched = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400_000 }))
      .toString('base64url')
      .replace(/=+$/, '');
    for (const forged of [`${stretched}.${sig}`, `${payload}.${sig!.slice(0, -2)}xx`, 'garbage']) {
      const intruder = consoleClient(app);
      intruder.cookies.set('hub_session', forged);
      expect((await intruder.get('/admin/networks')).status).toBe(303);
    }
  });

  it('a session ends after 12 hours, and at sign-out', async () => {
    const client = consoleClient(app);
    await client.signIn(TOKEN);
    clock.advance(11 * 3600_000 + 59 * 60_000);
    expect((await client.get('/admin/networks')).status).toBe(200);
    clock.advance(2 * 60_000);
    expect((await client.get('/admin/networks')).status).toBe(303);

    await client.signIn(TOKEN);
    expect((await client.get('/admin/networks')).status).toBe(200);
    const out = await client.post('/admin/logout', {});
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/login?out=1');
    expect(client.lastSetCookies.find((l) => l.startsWith('hub_session='))).toMatch(/Max-Age=0/);
    expect((await client.get('/admin/networks')).status).toBe(303);
  });

  it('every form needs its CSRF token: without it, or with another browser’s, 403', async () => {
    const client = consoleClient(app);
    await client.signIn(TOKEN);
    const other = consoleClient(app);
    await other.get('/admin/login');
    const othersToken = await other.csrf();
    const forms: [string, Record<string, string>][] = [
      ['/admin/login', { token: TOKEN }],
      ['/admin/login/email', { email: 'coord@example.org' }],
      ['/admin/logout', {}],
      ['/admin/pull', {}],
      ['/admin/networks', { slug: 'x', name: 'X', site: 'https://x.example/' }],
      ['/admin/networks/animacoop', { name: 'Renamed' }],
      ['/admin/networks/animacoop/pause', {}],
      ['/admin/networks/animacoop/retire', {}],
    ];
    for (const [path, fields] of forms) {
      for (const token of [null, '', othersToken]) {
        const r = await client.post(path, fields, token);
        expect(r.status, `${path} with ${token === null ? 'no' : 'a wrong'} token`).toBe(403);
        expect(await r.text()).toContain('Formulaire refusé');
      }
    }
    // Nothing happened: still signed in, the network unchanged.
    const list = await client.get('/admin/networks');
    expect(list.status).toBe(200);
    expect(list.html).toContain('Animacoop');
    expect(list.html).not.toContain('Renamed');
  });

  it('a coordinator gets a link valid 15 minutes that works once; others get the same answer', async () => {
    const client = consoleClient(app);
    await client.get('/admin/login');
    const asked = await client.post('/admin/login/email', { email: 'coord@example.org' });
    expect(asked.status).toBe(200);
    const said = await asked.text();
    expect(said).toContain('un lien de connexion vient de lui être envoyé');
    const stranger = await client.post('/admin/login/email', { email: 'stranger@example.org' });
    expect(await stranger.text()).toContain('un lien de connexion vient de lui être envoyé');
    await expect.poll(() => sink.countFor('coord@example.org')).toBe(1);
    expect(sink.countFor('stranger@example.org')).toBe(0);
    const mail = sink.received.find((m) => m.to === 'coord@example.org')!.mail;
    expect(mail.subject).toBe('Votre lien de connexion à la console de Intercoop');
    const link = /https:\/\/hub\.example\.org(\/admin\/login\/link\/[A-Za-z0-9_-]+)/.exec(
      mail.text!,
    )![1]!;

    // Opening the link (a mail scanner does) spends nothing; the button does.
    const browser = consoleClient(app);
    expect((await browser.get(link)).status).toBe(200);
    expect((await browser.get(link)).status).toBe(200);
    const used = await browser.post(link, {});
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/admin/networks');
    const page = await browser.get('/admin/networks');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Connecté·e : coord@example.org');

    const again = consoleClient(app);
    await again.get(link);
    const reused = await again.post(link, {});
    expect(reused.status).toBe(410);
    expect(await reused.text()).toContain('n’est plus valable');
    expect(again.cookies.has('hub_session')).toBe(false);

    // A second link, used 15 minutes and a second later: expired.
    await client.post('/admin/login/email', { email: 'coord@example.org' });
    await expect.poll(() => sink.countFor('coord@example.org')).toBe(2);
    const late = /\/admin\/login\/link\/[A-Za-z0-9_-]+/.exec(
      sink.received.filter((m) => m.to === 'coord@example.org')[1]!.mail.text!,
    )![0];
    clock.advance(15 * 60_000 + 1000);
    const slow = consoleClient(app);
    await slow.get(late);
    expect((await slow.post(late, {})).status).toBe(410);
  });
});

describe('console sign-in: guessing the token', () => {
  it('ten wrong tokens within the hour block the address, even with the right token; successes do not count', async () => {
    const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: TOKEN });
    deps.clock = travellingClock();
    const app = createApp(deps);
    try {
      const signIn = (token: string) => consoleClient(app).signIn(token);
      for (let i = 0; i < 12; i++) expect((await signIn(TOKEN)).status).toBe(303);
      for (let i = 0; i < 10; i++) expect((await signIn(`guess-${i}`)).status).toBe(401);
      const blocked = await signIn(TOKEN);
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toBe('3600');
      (deps.clock as ReturnType<typeof travellingClock>).advance(3600_000);
      expect((await signIn(TOKEN)).status).toBe(303);
    } finally {
      await deps.close();
    }
  });
});
