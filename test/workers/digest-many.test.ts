import { env, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { deliveries, subscribers } from '../../src/db/schema/index.ts';
import { insertGroups } from '../../src/db/client.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { digestTick } from '../../src/newsletter/digest/scheduled.ts';
import { httpMailer } from '../../src/newsletter/http-mailer.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';

const base = inject('fixtureBase');

describe('digest on workerd + D1 with many due subscribers', () => {
  it('1,000 due subscribers: every ledger row is written (D1 binds ≤ 100 values) and every message posted to the mail API', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    const clock = manualClock('2026-11-16T07:05:00Z');
    deps.clock = clock;
    const box = `many-${Math.random().toString(36).slice(2, 8)}`;
    deps.mailer = httpMailer({
      url: `${base}/_mail/${box}/emails`,
      key: 'k',
      from: 'Intercoop <lettre@hub.test>',
    });
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: 'https://hub.test',
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'many-1',
        url: 'https://animacoop.example/many-1',
        title: 'Rencontre régionale des coopératives',
        contentHtml: '<p>Une rencontre régionale ouverte à toutes les coopératives.</p>',
        published: new Date('2026-11-15T10:00:00Z'),
      }),
    ]);
    const now = clock.now().getTime();
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      email: `abonne${i}@example.org`,
      choices: { networks: [], tags: [], territories: [] },
      tokenSalt: `s${i}`,
      confirmedAt: now - 3600_000,
      updatedAt: now,
    }));
    await deps.db.batch(
      insertGroups(deps.db, subscribers, rows).map((g) =>
        deps.db.orm.insert(subscribers).values(g),
      ),
    );

    // 07:05 UTC = 08:05 in Paris on a Monday: HUB_DIGEST_CRON (0 8 * * 1) fired this hour.
    const summary = await digestTick(deps, now);
    expect(summary).toMatchObject({ created: true, sent: 1000, failedPerm: 0, remaining: 0 });
    const [ledger] = await deps.db.orm
      .select({ n: sql<number>`count(*)`, sent: sql<number>`sum(state = 'sent')` })
      .from(deliveries);
    expect(ledger).toEqual({ n: 1000, sent: 1000 });
    const received = (await (await fetch(`${base}/_mail/${box}/received`)).json()) as Array<{
      to: string[];
    }>;
    expect(new Set(received.map((m) => m.to[0])).size).toBe(1000);
  }, 120_000);

  it('a 401 from the mail API stops the tick, bounces nobody, and shows on /healthz', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    const clock = manualClock('2026-11-23T07:05:00Z');
    deps.clock = clock;
    const box = `revoked-${Math.random().toString(36).slice(2, 8)}`;
    await fetch(`${base}/_mail/${box}/plan`, {
      method: 'PUT',
      body: JSON.stringify({ all: { status: 401, body: { message: 'API key is invalid' } } }),
    });
    deps.mailer = httpMailer({
      url: `${base}/_mail/${box}/emails`,
      key: 'revoked',
      from: 'l@hub.test',
    });
    const source = await addSource(deps, 'revoked');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'revoked-1',
        url: 'https://revoked.example/1',
        title: 'Une nouvelle',
        contentHtml: '<p>Une nouvelle de la semaine pour les abonnés.</p>',
        published: new Date('2026-11-22T10:00:00Z'),
      }),
    ]);
    const now = clock.now().getTime();
    const rows = Array.from({ length: 30 }, (_, i) => ({
      email: `r${i}@example.org`,
      choices: { networks: [], tags: [], territories: [] },
      tokenSalt: `r${i}`,
      confirmedAt: now - 3600_000,
      updatedAt: now,
    }));
    await deps.db.batch(
      insertGroups(deps.db, subscribers, rows).map((g) =>
        deps.db.orm.insert(subscribers).values(g),
      ),
    );
    // Every active subscriber is due (the file's other test left some a week ago): none is mailed.
    const [active] = await deps.db.orm
      .select({ n: sql<number>`count(*)` })
      .from(subscribers)
      .where(sql`${subscribers.status} = 'active'`);
    const summary = await digestTick(deps, now);
    expect(summary).toMatchObject({ sent: 0, failedPerm: 0, failedTemp: 0, remaining: active!.n });
    expect(summary!.configurationError).toMatch(/^mail API 401: /);
    const posts = (await (await fetch(`${base}/_mail/${box}/posts`)).json()) as { posts: number };
    expect(posts.posts).toBeLessThanOrEqual(6); // the run stopped: at most the messages in flight
    const [bounced] = await deps.db.orm
      .select({ n: sql<number>`count(*)` })
      .from(subscribers)
      .where(sql`${subscribers.status} <> 'active'`);
    expect(bounced!.n).toBe(0);
    const health = (await (await SELF.fetch('https://hub.test/healthz')).json()) as any;
    expect(health).toMatchObject({ ok: false, mail: { ok: false } });
    expect(health.mail.error).toMatch(/^mail API 401: .*API key is invalid/);
  });
});
