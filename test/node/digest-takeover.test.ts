import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { deliveries, digests, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { STALE_CLAIM_MS } from '../../src/newsletter/digest/send.ts';
import { scheduleDigests } from '../../workers/node/digest-schedule.ts';
import { digestCommand } from '../../workers/node/commands/digest.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

/**
 * A run that crashed between its claim and its 'sent' write leaves the row in 'sending'.
 * `serve` takes it over by itself once the claim is stale, on its own timer (not at the next
 * digest cron, a week away); the CLI says how to take it over at once.
 */
describe('stale claims: serve takes them over; the CLI points to --takeover', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  /** A hub whose digest run died after claiming `email`'s delivery `claimAgeMs` ago. */
  async function crashed(email: string, claimAgeMs: number) {
    // A cron that does not fire during the test: only the ledger's own timer can send.
    const deps = makeNodeDeps({ HUB_SECRET: 's', HUB_DIGEST_CRON: '0 0 1 1 *' });
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: 'https://hub.test',
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: `t-${email}`,
        url: `https://animacoop.example/${email}`,
        title: 'Fête de la coopération',
        contentHtml: '<p>Fête de la coopération le week-end prochain, ateliers et concerts.</p>',
      }),
    ]);
    const now = Date.now();
    const [sub] = await deps.db.orm
      .insert(subscribers)
      .values({
        email,
        choices: { networks: [], tags: [], territories: [] },
        tokenSalt: 'x',
        confirmedAt: now - 3600_000,
        updatedAt: now,
      })
      .returning();
    const [digest] = await deps.db.orm
      .insert(digests)
      .values({ windowStart: now - 7 * 86400_000, windowEnd: now, createdAt: now, enqueuedAt: now })
      .returning();
    await deps.db.orm.insert(deliveries).values({
      digestId: digest!.id,
      subscriberId: sub!.id,
      state: 'sending',
      attempts: 1,
      claimedAt: now - claimAgeMs,
      messageId: `<digest-${digest!.id}.${sub!.id}@hub.test>`,
    });
    return deps;
  }

  it('serve: the claim is taken over when it goes stale, with no cron firing', async () => {
    const deps = await crashed('stale@example.org', STALE_CLAIM_MS - 1500);
    const schedule = await scheduleDigests(deps);
    try {
      const deadline = Date.now() + 10_000;
      while (sink.countFor('stale@example.org') === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      // The delivery is marked sent once the server has accepted the message: the sink can
      // hold it a moment before the row says so (under load, CI saw the row still 'sending').
      let [row] = await deps.db.orm.select().from(deliveries);
      while (row?.state === 'sending' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        [row] = await deps.db.orm.select().from(deliveries);
      }
      expect(sink.countFor('stale@example.org')).toBe(1);
      expect(row).toMatchObject({ state: 'sent', attempts: 2 });
      // The re-send carries the crashed attempt's Message-ID.
      const got = sink.received.find((r) => r.to === 'stale@example.org')!;
      expect(got.mail.messageId).toBe(row!.messageId);
    } finally {
      schedule.stop();
      await deps.mailer?.close?.();
      await deps.close();
    }
  });

  it('digest CLI: a fresh claim is left alone and the message names --takeover, which sends it', async () => {
    const deps = await crashed('fresh@example.org', 60_000);
    try {
      const lines: string[] = [];
      const out = (l: string) => lines.push(l);
      expect(await digestCommand(deps, [], 'fr', undefined, out, out)).toBe(0);
      expect(sink.countFor('fresh@example.org')).toBe(0);
      expect(lines.join('\n')).toMatch(
        /1 d’entre eux sont réservés par une autre exécution, .*10 minutes .*`intercoop digest --takeover`/,
      );
      // The same run's words in English, for LANG=en*.
      const english: string[] = [];
      const en = (l: string) => english.push(l);
      expect(await digestCommand(deps, [], 'en', undefined, en, en)).toBe(0);
      expect(english.join('\n')).toMatch(
        /1 of them are claimed by another run, or by one that crashed: .*10 minutes old .*`intercoop digest --takeover`/,
      );
      expect(await digestCommand(deps, ['--takeover'], 'fr', undefined, out, out)).toBe(0);
      expect(sink.countFor('fresh@example.org')).toBe(1);
      const [row] = await deps.db.orm.select().from(deliveries).where(eq(deliveries.state, 'sent'));
      expect(row).toBeTruthy();
    } finally {
      await deps.mailer?.close?.();
      await deps.close();
    }
  });
});
