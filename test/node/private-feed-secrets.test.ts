/**
 * A private feed is declared as `http://user:password@host/…`. Its password must never leave
 * the hub: every public route's body is scanned for it (and for its Basic-auth form) after a
 * pull of private feeds, a private calendar, a failing private source and a site declared with
 * credentials; the admin API and the command line show `user:***`; log lines carry nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { createApp } from '../../src/app.ts';
import { jsonLogger } from '../../src/deps.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { pull } from '../../src/ingest/pull.ts';
import { pullCommand } from '../../workers/node/commands/pull.ts';
import { networksCommand } from '../../workers/node/commands/networks.ts';
import { fixturesDir, startFixtureServer } from '../support/fixture-server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';

const USER = 'membre';
const PASSWORD = 's3cr3t-PaSS';
const TOKEN = 'secrets-admin-token';
/** Every form the secret could take in a body: clear, Basic-auth, percent-encoded user-info. */
const FORMS = [PASSWORD, btoa(`${USER}:${PASSWORD}`), `${USER}:`];

function authorized(req: IncomingMessage): boolean {
  return req.headers.authorization === `Basic ${btoa(`${USER}:${PASSWORD}`)}`;
}

const privateFeed = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lettre interne</title><link>/</link>
<item><title>Compte rendu du conseil</title><link>/posts/conseil</link><guid>conseil</guid>
<description>&lt;p&gt;Voir &lt;a href="/docs/cr.pdf"&gt;le document&lt;/a&gt;
 et &lt;img src="images/photo.jpg"&gt;&lt;/p&gt;</description>
<enclosure url="audio/cr.mp3" type="audio/mpeg" length="10"/>
<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

describe('a private feed’s password stays in the hub', () => {
  const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: TOKEN });
  const logs: string[] = [];
  deps.log = jsonLogger((_level, line) => logs.push(line));
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let secretBase: string;
  const app = createApp(deps);
  const cli: string[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
    const agenda = await readFile(join(fixturesDir, 'parse/agenda.ics'));
    server.route('/private/feed.xml', (req, res) => {
      if (!authorized(req)) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(privateFeed);
    });
    server.route('/private/agenda.ics', (req, res) => {
      if (!authorized(req)) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'text/calendar' }).end(agenda);
    });
    server.route('/private/site/', (req, res) => {
      if (!authorized(req)) return void res.writeHead(401).end();
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<html><head><link rel="alternate" type="application/rss+xml" href="../feed.xml"></head></html>',
        );
    });
    secretBase = server.base.replace('http://', `http://${USER}:${PASSWORD}@`);
    const yaml = `hub:
  title: Secrets
  base_url: https://hub.example.org
networks:
  - slug: prive
    name: Réseau privé
    site: ${secretBase}/private/site/
    feeds: [${secretBase}/private/feed.xml, ${secretBase}/private/missing.xml]
    agendas: [${secretBase}/private/agenda.ics]
  - slug: decouvert
    name: Site privé
    site: ${secretBase}/private/site/
`;
    await syncFederation(deps, parseNetworksFile(yaml));
    const summary = await pull(deps, { trigger: 'test', all: true });
    // The secret works: the private feed, its calendar and the discovered feed were read.
    expect(summary.reports.filter((r) => r.outcome === 'ok')).toHaveLength(3);
    expect(summary.failed).toBe(1);
    const write = (s: string) => void cli.push(s);
    const stream = { write } as never;
    await pullCommand(deps, [], 'fr', stream, stream);
    await networksCommand(deps, ['list'], 'fr', write, write);
  });
  afterAll(async () => {
    await server?.close();
    await deps.close();
  });

  async function eventId(): Promise<string> {
    const res = await app.request('/agenda.json');
    const body = (await res.json()) as { events: Array<{ id: string }> };
    expect(body.events.length).toBeGreaterThan(0);
    return body.events[0]!.id;
  }

  it('no public route shows it, in any form', async () => {
    const id = await eventId();
    const routes = [
      '/',
      '/?network=prive',
      '/feed.xml',
      '/feed.atom',
      '/feed.json',
      '/networks/prive/feed.xml',
      '/networks/prive/feed.atom',
      '/networks/prive/feed.json',
      '/agenda',
      '/agenda.ics',
      '/agenda.json',
      `/events/${id}`,
      `/events/${id}.ics`,
      '/networks',
      '/networks/prive',
      '/networks/decouvert',
      '/networks.opml',
      '/healthz',
      '/newsletter',
      '/newsletter/archive',
      '/newsletter/archive.xml',
    ];
    for (const path of routes) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      for (const form of FORMS) expect(body, `${path} shows ${form}`).not.toContain(form);
    }
  });

  it('the sources still show where they are, without user-info', async () => {
    const networks = await (await app.request('/networks/prive')).text();
    expect(networks).toContain(`${server.base}/private/feed.xml`);
    const opml = await (await app.request('/networks.opml')).text();
    expect(opml).toContain(`xmlUrl="${server.base}/private/feed.xml"`);
    expect(opml).toContain(`htmlUrl="${server.base}/private/site/"`);
    const health = (await (await app.request('/healthz')).json()) as {
      sources_failing: Array<{ url: string }>;
    };
    expect(health.sources_failing.map((s) => s.url)).toEqual([
      `${server.base}/private/missing.xml`,
    ]);
    // Relative links in the private feed resolve to the host, not to the host with the password.
    const feed = (await (await app.request('/feed.json')).json()) as {
      items: Array<{ url: string; content_html: string; attachments?: Array<{ url: string }> }>;
    };
    const story = feed.items.find((i) => i.url.endsWith('/posts/conseil'))!;
    expect(story.url).toBe(`${server.base}/posts/conseil`);
    expect(story.content_html).toContain(`${server.base}/docs/cr.pdf`);
  });

  it('the admin API and the command line show user:***', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bodies = [
      await (await app.request('/api/admin/networks', { headers: auth })).text(),
      await (await app.request('/api/admin/sources', { headers: auth })).text(),
      await (await app.request('/api/admin/pull', { method: 'POST', headers: auth })).text(),
      cli.join(''),
    ];
    for (const body of bodies) {
      for (const form of FORMS.slice(0, 2)) expect(body).not.toContain(form);
      expect(body).toContain(`http://${USER}:***@127.0.0.1`);
    }
  });

  it('log lines carry no password', () => {
    const failed = logs.filter((l) => l.includes('source failed'));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toContain('/private/missing.xml');
    for (const line of logs) for (const form of FORMS) expect(line).not.toContain(form);
  });
});
