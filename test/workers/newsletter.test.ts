import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { createApp } from '../../src/app.ts';
import { deliveries, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { digestTick } from '../../src/newsletter/digest/scheduled.ts';
import type { MailMessage, Mailer } from '../../src/deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';

const BASE = 'https://hub.test';

/** Records messages (the Mailer seam); a status per address can be forced. */
function recordingMailer(): Mailer & {
  sent: MailMessage[];
  fail: Map<string, { permanent: boolean }>;
} {
  const sent: MailMessage[] = [];
  const fail = new Map<string, { permanent: boolean }>();
  return {
    sent,
    fail,
    async send(m) {
      const f = fail.get(m.to);
      if (f) {
        fail.delete(m.to);
        return f.permanent
          ? { ok: false, failure: 'recipient', error: '550 no such user' }
          : { ok: false, failure: 'temporary', error: '451 try later' };
      }
      sent.push(m);
      return { ok: true };
    },
  };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'cf-connecting-ip': '203.0.113.9',
  },
});

describe('newsletter in workerd with D1', () => {
  it('without a mail API key the form answers 503, clearly', async () => {
    const page = await SELF.fetch(`${BASE}/newsletter`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="email"');
    const res = await SELF.fetch(`${BASE}/newsletter/subscribe`, form({ email: 'x@example.org' }));
    expect(res.status).toBe(503);
  });

  it('per-client limit on Workers: CF-Connecting-IP counts, X-Forwarded-For is ignored', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-11-20T06:30:00Z');
    const mailer = recordingMailer();
    deps.mailer = mailer;
    const app = createApp(deps);
    const post = async (email: string, headers: Record<string, string>) =>
      (
        await app.request(`${BASE}/newsletter/subscribe`, {
          method: 'POST',
          body: new URLSearchParams({ email }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        })
      ).status;
    const rotating: number[] = [];
    for (let i = 0; i < 7; i++)
      rotating.push(
        await post(`w${i}@example.org`, {
          'cf-connecting-ip': '198.51.100.77',
          'x-forwarded-for': `203.0.113.${i}`,
        }),
      );
    expect(rotating).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(await post('x@example.org', { 'cf-connecting-ip': '198.51.100.78' })).toBe(200);
    // Sub-addresses share their mailbox's count here too; a NUL is refused with its reason.
    const tagged: number[] = [];
    for (let i = 0; i < 4; i++)
      tagged.push(await post(`cible+${i}@example.org`, { 'cf-connecting-ip': `192.0.2.${i}` }));
    expect(tagged).toEqual([200, 200, 200, 429]);
    const nul = await app.request(`${BASE}/newsletter/subscribe`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'cible@example.org\u0000' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'cf-connecting-ip': '192.0.2.9',
      },
    });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain('caractère invisible');
    expect(mailer.sent).toHaveLength(9);
  });

  it('double opt-in, preferences, one-click unsubscribe, digest run and hourly trigger on D1', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    const clock = manualClock('2026-11-16T06:30:00Z');
    deps.clock = clock;
    const mailer = recordingMailer();
    deps.mailer = mailer;
    const app = createApp(deps);
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: BASE,
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'w1',
        url: 'https://animacoop.example/w1',
        title: 'Journée des coopératives',
        contentHtml: '<p>Une journée ouverte des coopératives de la région, avec des ateliers.</p>',
        published: new Date('2026-11-15T10:00:00Z'),
      }),
    ]);

    for (const email of ['ana@example.org', 'ben@example.org', 'gone@example.org']) {
      const res = await app.request(
        `${BASE}/newsletter/subscribe`,
        form({ email, network: 'animacoop' }),
      );
      expect(res.status).toBe(200);
      const link = /https:\/\/hub\.test(\/newsletter\/confirm\/\S+)/.exec(
        mailer.sent.at(-1)!.text,
      )![1]!;
      expect(
        await deps.db.orm.select().from(subscribers).where(eq(subscribers.email, email)),
      ).toHaveLength(0);
      expect((await app.request(`${BASE}${link}`)).status).toBe(200);
    }
    expect(await deps.db.orm.select().from(subscribers)).toHaveLength(3);

    // 07:05 UTC tick = 08:05 in Paris on Monday: HUB_DIGEST_CRON (0 8 * * 1) fired this hour.
    mailer.sent.length = 0;
    mailer.fail.set('ben@example.org', { permanent: false });
    mailer.fail.set('gone@example.org', { permanent: true });
    clock.advance(35 * 60_000);
    expect(await digestTick(deps, Date.parse('2026-11-16T06:05:00Z'))).toMatchObject({
      created: false,
      digestId: null,
    }); // 07:05 Paris: not yet
    const tick = await digestTick(deps, Date.parse('2026-11-16T07:05:00Z'));
    expect(tick).toMatchObject({
      created: true,
      sent: 1,
      failedTemp: 1,
      failedPerm: 1,
      remaining: 1,
    });
    const ana = mailer.sent.find((m) => m.to === 'ana@example.org')!;
    expect(ana.text).toContain('Journée des coopératives');
    expect(ana.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const [gone] = await deps.db.orm
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'gone@example.org'));
    expect(gone!.status).toBe('bounced');

    // Next hour's tick retries Ben once (no new digest: the cron did not fire again).
    clock.advance(3600_000);
    const retry = await digestTick(deps, Date.parse('2026-11-16T08:05:00Z'));
    expect(retry).toMatchObject({ created: false, sent: 1, remaining: 0 });
    expect(mailer.sent.filter((m) => m.to === 'ben@example.org')).toHaveLength(1);
    const rows = await deps.db.orm.select().from(deliveries);
    expect(rows.map((r) => r.state).sort()).toEqual(['failed_perm', 'sent', 'sent']);

    // One-click unsubscribe through the Worker itself.
    const lu = /^<(.+)>$/.exec(ana.headers['List-Unsubscribe']!)![1]!;
    const prefs = await SELF.fetch(lu.replace('/unsubscribe/', '/preferences/'));
    expect(prefs.status).toBe(200);
    expect(await prefs.text()).not.toContain('ana@example.org');
    const one = await SELF.fetch(lu, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(one.status).toBe(200);
    const [a] = await deps.db.orm
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'ana@example.org'));
    expect(a!.status).toBe('unsubscribed');

    // Archive on the Worker, without personal data.
    const archive = await (await SELF.fetch(`${BASE}/newsletter/archive.xml`)).text();
    expect(archive).toContain('/newsletter/archive/');
    expect(archive).not.toContain('@example.org');
  });
});
