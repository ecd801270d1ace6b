import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import {
  deliveries,
  pendingSubscriptions,
  settings,
  subscribers,
} from '../../src/db/schema/index.ts';
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';
import type { ParsedMail } from 'mailparser';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import {
  addNetwork,
  BASE,
  confirmationPath,
  postSubscribe,
  subscribeAndConfirm,
} from '../support/newsletter-fixtures.ts';

const text = (n: number, what: string) =>
  `<p>${what} : la coopérative numéro ${n} organise une rencontre ouverte à toutes et tous, avec des ateliers pratiques, un repas partagé et des échanges sur les projets du territoire.</p>`;

/** A header's unfolded value. */
const headerOf = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((h) => h.key === name)
    ?.line.replace(/^[^:]+:\s*/, '')
    .replace(/\r?\n[ \t]+/g, ' ');

describe('newsletter on Node (real SQLite, real SMTP server)', () => {
  let sink: SmtpSink;
  const deps = makeNodeDeps({
    HUB_SECRET: 'test-secret-for-newsletter',
    HUB_ADMIN_TOKEN: 'admin-token',
  });
  const clock = manualClock('2026-11-16T07:00:00Z');
  deps.clock = clock;
  const app = createApp(deps);
  /** Digests (not confirmation mails) received by an address. */
  const digestsFor = (to: string) =>
    sink.received.filter((r) => r.to === to && r.mail.messageId?.startsWith('<digest-')).length;

  beforeAll(async () => {
    sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'Intercoop <lettre@hub.test>', deps.db);
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: BASE,
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    await addNetwork(deps, 'animacoop', 'Animacoop', 'Occitanie', ['formation']);
    await addNetwork(deps, 'tierslieux', 'Tiers-Lieux Bretagne', 'Bretagne', ['tiers-lieux']);
    const a = await addSource(deps, 'animacoop');
    const b = await addSource(deps, 'tierslieux');
    await storeFeedItems(deps, a, [
      parsedItem({
        guid: 'a1',
        url: 'https://animacoop.example/a1',
        title: 'Formation à l’animation de réseaux',
        contentHtml: text(1, 'Formation'),
        published: new Date('2026-11-15T10:00:00Z'),
      }),
      parsedItem({
        guid: 'a2',
        url: 'https://animacoop.example/a2',
        title: 'Université d’automne <des coopératives>',
        contentHtml: text(2, 'Université'),
        published: new Date('2026-11-14T10:00:00Z'),
      }),
    ]);
    await storeFeedItems(deps, b, [
      parsedItem({
        guid: 'b1',
        url: 'https://tierslieux.example/b1',
        title: 'Ouverture d’un fablab à Rennes',
        contentHtml: text(3, 'Fablab'),
        published: new Date('2026-11-15T12:00:00Z'),
      }),
    ]);
  });
  afterAll(async () => {
    await deps.close();
    await sink.close();
  });
  beforeEach(() => {
    sink.faults.clear();
    sink.beforeAccept = null;
  });

  it('double opt-in: nothing stored as subscriber before the link is used; fixed confirmation text', async () => {
    const form = await app.request(`${BASE}/newsletter`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="email"');
    expect(html).toContain('name="website"'); // honeypot
    expect(html).toContain('value="animacoop"');
    expect(html).toContain('value="Bretagne"');

    const res = await postSubscribe(app, {
      email: 'Alice@Example.org',
      frequency: 'weekly',
      network: 'animacoop',
      lang: 'fr',
    });
    expect(res.status).toBe(200);
    expect(await deps.db.orm.select().from(subscribers)).toHaveLength(0);
    expect(await deps.db.orm.select().from(pendingSubscriptions)).toHaveLength(1);
    const mail = sink.received.at(-1)!;
    expect(mail.to).toBe('alice@example.org');
    expect(mail.mail.subject).toContain('Confirmez');
    expect(mail.mail.from?.text).toContain('lettre@hub.test');
    expect(mail.mail.messageId).toMatch(/^<[0-9a-f]{32}@hub\.test>$/);
    expect(mail.mail.html).toBeTruthy();

    const path = confirmationPath(sink, 'alice@example.org');
    const ok = await app.request(`${BASE}${path}`);
    expect(ok.status).toBe(200);
    const page = await ok.text();
    expect(page).toContain('/newsletter/preferences/');
    expect(page).not.toContain('alice@example.org');
    const [s] = await deps.db.orm.select().from(subscribers);
    expect(s).toMatchObject({
      email: 'alice@example.org',
      frequency: 'weekly',
      status: 'active',
      choices: { networks: ['animacoop'], tags: [], territories: [] },
    });
    expect(await deps.db.orm.select().from(pendingSubscriptions)).toHaveLength(0);
    // A used link does not work twice.
    expect((await app.request(`${BASE}${path}`)).status).toBe(404);
  });

  it('nothing the requester types reaches the confirmation email; unknown choices are dropped', async () => {
    const before = sink.received.length;
    const res = await postSubscribe(app, {
      email: 'mallory@example.org',
      network: ['animacoop', 'Gagnez 1000 € sur http://spam.example'],
      tag: '<script>',
    });
    expect(res.status).toBe(200);
    const mail = sink.received.at(-1)!;
    expect(sink.received.length).toBe(before + 1);
    expect(mail.raw).not.toContain('spam.example');
    expect(mail.raw).not.toContain('Gagnez');
    const [p] = await deps.db.orm
      .select()
      .from(pendingSubscriptions)
      .where(eq(pendingSubscriptions.email, 'mallory@example.org'));
    expect(p!.choices).toEqual({ networks: ['animacoop'], tags: [], territories: [] });
  });

  it('expired confirmation links are refused (48 h)', async () => {
    await postSubscribe(app, { email: 'late@example.org' }, '192.0.2.50');
    const path = confirmationPath(sink, 'late@example.org');
    clock.advance(49 * 3600_000);
    try {
      expect((await app.request(`${BASE}${path}`)).status).toBe(410);
      expect(
        await deps.db.orm
          .select()
          .from(subscribers)
          .where(eq(subscribers.email, 'late@example.org')),
      ).toHaveLength(0);
    } finally {
      clock.advance(-49 * 3600_000);
    }
  });

  it('honeypot: same answer, nothing stored, nothing sent', async () => {
    const before = sink.received.length;
    const pending = (await deps.db.orm.select().from(pendingSubscriptions)).length;
    const res = await postSubscribe(app, {
      email: 'bot@example.org',
      website: 'http://spam.example',
    });
    expect(res.status).toBe(200);
    expect(sink.received.length).toBe(before);
    expect(await deps.db.orm.select().from(pendingSubscriptions)).toHaveLength(pending);
  });

  it('rate limits per IP and per address; invalid address → 400', async () => {
    expect((await postSubscribe(app, { email: 'not-an-address' }, '192.0.2.99')).status).toBe(400);
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await postSubscribe(app, { email: `ip${i}@example.org` }, '192.0.2.1')).status,
      );
    // The invalid one above came from another IP: five allowed per hour from one IP.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const perAddress = [];
    for (let i = 0; i < 4; i++)
      perAddress.push(
        (await postSubscribe(app, { email: 'same@example.org' }, `192.0.2.${10 + i}`)).status,
      );
    expect(perAddress).toEqual([200, 200, 200, 429]);
  });

  it('sends one digest per due subscriber: headers, both parts, filtered content, working links', async () => {
    await subscribeAndConfirm(app, sink, 'bob@example.org', { frequency: 'daily', lang: 'en' });
    await subscribeAndConfirm(app, sink, 'carol@example.org', { territory: 'Bretagne' });
    await subscribeAndConfirm(app, sink, 'dave@example.org', { tag: 'inexistant-mais-filtré' }); // unknown tag dropped → everything
    await subscribeAndConfirm(app, sink, 'erin@example.org', {
      network: 'tierslieux',
      tag: 'formation',
    }); // nothing matches both
    const before = sink.received.length;
    clock.advance(3600_000);
    const summary = await runDigests(deps);
    expect(summary).toMatchObject({ created: true, failedTemp: 0, failedPerm: 0, remaining: 0 });
    const got = sink.received.slice(before);
    const to = (a: string) => got.filter((r) => r.to === a);
    expect(to('erin@example.org')).toHaveLength(0); // empty digest: nothing sent
    for (const a of [
      'alice@example.org',
      'bob@example.org',
      'carol@example.org',
      'dave@example.org',
    ])
      expect(to(a)).toHaveLength(1);

    const alice = to('alice@example.org')[0]!.mail;
    expect(alice.subject).toMatch(/^Intercoop — la lettre du lundi 16 novembre 2026/);
    expect(alice.from?.text).toContain('lettre@hub.test');
    expect(alice.messageId).toMatch(/^<digest-\d+\.\d+@hub\.test>$/);
    const header = (name: string) => headerOf(alice, name);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const lu = /^<([^>]+)>$/.exec(header('list-unsubscribe') ?? '')?.[1] ?? '';
    expect(lu).toMatch(/^https:\/\/hub\.test\/newsletter\/unsubscribe\//);
    expect(alice.text).toContain('Formation à l’animation de réseaux');
    expect(alice.text).toContain('https://animacoop.example/a1');
    expect(alice.text).not.toContain('fablab'); // follows animacoop only
    expect(alice.html).toContain('Université d’automne &lt;des coopératives&gt;');
    expect(alice.html).toContain('<table role="presentation"');
    expect(alice.html).not.toMatch(/<img/i); // no tracking pixel
    expect(alice.html).toContain('href="https://animacoop.example/a1"'); // links not rewritten

    const bob = to('bob@example.org')[0]!.mail;
    expect(bob.subject).toMatch(/newsletter of Monday,? 16 November 2026/);
    expect(bob.text).toContain('Ouverture d’un fablab à Rennes');
    expect(bob.text).toContain('Formation à l’animation de réseaux');
    const carol = to('carol@example.org')[0]!.mail;
    expect(carol.text).toContain('fablab');
    expect(carol.text).not.toContain('Formation à l’animation');

    // Preferences link works and shows no address.
    const prefs = /https:\/\/hub\.test(\/newsletter\/preferences\/[^\s]+)/.exec(alice.text!)![1]!;
    const page = await app.request(`${BASE}${prefs}`);
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).not.toContain('alice@example.org');
    expect(pageHtml).toMatch(/value="animacoop" checked/);
    // A forged token is refused.
    expect(
      (await app.request(`${BASE}${prefs.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`)).status,
    ).toBe(404);
    // Saving preferences.
    const save = await app.request(`${BASE}${prefs}`, {
      method: 'POST',
      body: new URLSearchParams({ frequency: 'daily', network: 'tierslieux', lang: 'en' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(save.status).toBe(200);
    const [a2] = await deps.db.orm
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'alice@example.org'));
    expect(a2).toMatchObject({
      frequency: 'daily',
      lang: 'en',
      choices: { networks: ['tierslieux'] },
    });

    // RFC 8058 one-click unsubscribe: POST to the List-Unsubscribe URL.
    const one = await app.request(lu, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(one.status).toBe(200);
    const [a3] = await deps.db.orm
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'alice@example.org'));
    expect(a3!.status).toBe('unsubscribed');
    // GET on the unsubscribe link shows a page, never unsubscribes by itself (link scanners).
    const bobLu = /^<([^>]+)>$/.exec(
      headerOf(to('bob@example.org')[0]!.mail, 'list-unsubscribe') ?? '',
    )![1]!;
    expect((await app.request(bobLu)).status).toBe(200);
    const [b] = await deps.db.orm
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'bob@example.org'));
    expect(b!.status).toBe('active');

    // Nothing is due right after: a second run sends nothing.
    const again = sink.received.length;
    expect((await runDigests(deps)).created).toBe(false);
    expect(sink.received.length).toBe(again);

    // Archive: published, no personal data.
    const archive = await app.request(`${BASE}/newsletter/archive`);
    expect(archive.status).toBe(200);
    const issue = /href="(\/newsletter\/archive\/\d+)"/.exec(await archive.text())![1]!;
    const issueHtml = await (await app.request(`${BASE}${issue}`)).text();
    expect(issueHtml).toContain('Ouverture d’un fablab à Rennes');
    expect(issueHtml).not.toMatch(/@example\.org|unsubscribe\/|preferences\//);
    const rss = await app.request(`${BASE}/newsletter/archive.xml`);
    expect(rss.headers.get('content-type')).toContain('application/rss+xml');
    const rssText = await rss.text();
    expect(rssText).toContain(`<link>https://hub.test${issue}</link>`);
    expect(rssText).not.toMatch(/@example\.org|unsubscribe\//);
    // Debian's feedparser reads it as well-formed RSS with one entry per published digest.
    const fp = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import feedparser,sys,json; d=feedparser.parse(sys.stdin.read()); print(json.dumps([d.bozo, d.version, len(d.entries), d.entries[0].title]))',
      ],
      { input: rssText, encoding: 'utf8' },
    );
    expect(JSON.parse(fp.stdout)).toEqual([
      false,
      'rss20',
      1,
      expect.stringMatching(/^Intercoop — la lettre du /),
    ]);
  });

  it('admin export: the only place addresses appear', async () => {
    expect((await app.request(`${BASE}/api/admin/subscribers`)).status).toBe(401);
    const res = await app.request(`${BASE}/api/admin/subscribers?limit=2`, {
      headers: { authorization: 'Bearer admin-token' },
    });
    const body = (await res.json()) as {
      subscribers: Array<{ email: string }>;
      next_after: number;
    };
    expect(body.subscribers.map((s) => s.email)).toEqual(['alice@example.org', 'bob@example.org']);
    expect(body.next_after).toBeTypeOf('number');
    const csv = await (
      await app.request(`${BASE}/api/admin/subscribers?format=csv`, {
        headers: { authorization: 'Bearer admin-token' },
      })
    ).text();
    expect(csv.split('\r\n')[0]).toContain('email');
    expect(csv).toContain('"carol@example.org"');
  });

  it('temporary failures (421, 451, dropped connection) are retried later and delivered once; 550 stops the address', async () => {
    const emails = [
      't421@example.org',
      't451@example.org',
      'tdrop@example.org',
      'p550@example.org',
    ];
    for (const e of emails) await subscribeAndConfirm(app, sink, e);
    sink.faults.set('t421@example.org', [
      { stage: 'rcpt', code: 421, message: 'Service not available, try later' },
    ]);
    sink.faults.set('t451@example.org', [
      { stage: 'data', code: 451, message: 'Local error, try later' },
    ]);
    sink.faults.set('tdrop@example.org', [{ stage: 'data', drop: true }]);
    sink.faults.set('p550@example.org', [{ stage: 'rcpt', code: 550, message: 'No such user' }]);
    clock.advance(3600_000);
    const first = await runDigests(deps);
    expect(first).toMatchObject({ failedTemp: 3, failedPerm: 1 });
    expect(first.remaining).toBe(3);
    for (const e of emails) expect(digestsFor(e)).toBe(0);
    const [bounced] = await deps.db.orm
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'p550@example.org'));
    expect(bounced!.status).toBe('bounced');
    expect(bounced!.bounceReason).toContain('550');

    // Too early: nothing retried.
    const early = await runDigests(deps, { startNew: false });
    expect(early.sent).toBe(0);
    clock.advance(6 * 60_000);
    const retry = await runDigests(deps, { startNew: false });
    expect(retry).toMatchObject({ sent: 3, remaining: 0 });
    for (const e of emails.slice(0, 3)) expect(digestsFor(e)).toBe(1);
    const rows = await deps.db.orm
      .select()
      .from(deliveries)
      .where(eq(deliveries.digestId, retry.digestId!));
    expect(rows.filter((r) => r.state === 'sent' && r.attempts === 2)).toHaveLength(3);

    // The bounced address is never mailed again.
    clock.advance(8 * 24 * 3600_000);
    await runDigests(deps);
    expect(digestsFor('p550@example.org')).toBe(0);
    expect(digestsFor('t421@example.org')).toBe(1); // nothing new since: empty digest, not sent
  });

  it('DKIM from settings signs the list headers (RFC 8058)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await deps.db.orm.insert(settings).values({
      key: 'dkim',
      value: JSON.stringify({ domainName: 'hub.test', keySelector: 'lettre', privateKey }),
    });
    const signed = smtpMailer(sink.url, 'Intercoop Réseaux <lettre@hub.test>', deps.db);
    try {
      const r = await signed.send({
        to: 'dkim@example.org',
        subject: 'Essai — signé',
        text: 'texte',
        html: '<p>html</p>',
        headers: {
          'Message-ID': '<dkim-1@hub.test>',
          'List-Unsubscribe': '<https://hub.test/newsletter/unsubscribe/x>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
      expect(r.ok).toBe(true);
      const got = sink.received.at(-1)!;
      const sig = headerOf(got.mail, 'dkim-signature')!;
      expect(sig).toMatch(/d=hub\.test/);
      expect(sig).toMatch(/s=lettre/);
      const h = /(?:^|;)\s*h=([^;]+)/.exec(sig)![1]!.replace(/\s+/g, '').toLowerCase().split(':');
      expect(h).toEqual(
        expect.arrayContaining([
          'from',
          'subject',
          'message-id',
          'list-unsubscribe',
          'list-unsubscribe-post',
        ]),
      );
      expect(got.mail.subject).toBe('Essai — signé');
      expect(got.mail.from?.value[0]).toMatchObject({
        name: 'Intercoop Réseaux',
        address: 'lettre@hub.test',
      });
      expect(got.mail.messageId).toBe('<dkim-1@hub.test>');
    } finally {
      await signed.close?.();
    }
  });
});
