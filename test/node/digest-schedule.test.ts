import { afterAll, describe, expect, it } from 'vitest';
import { subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { scheduleDigests } from '../../workers/node/digest-schedule.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';

describe('serve: digest schedule (croner, hub time zone)', () => {
  // A seconds field (the hub's dialect, src/cron.ts): fire every second so the test is quick.
  const deps = makeNodeDeps({ HUB_DIGEST_CRON: '* * * * * *', HUB_SECRET: 's' });
  afterAll(() => deps.close());

  it('sends the due digests when the cron fires, once', async () => {
    const sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: 'https://hub.test',
      language: 'fr',
      timezone: 'Pacific/Noumea',
    });
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'c1',
        url: 'https://animacoop.example/c1',
        title: 'Assemblée générale',
        contentHtml:
          '<p>Assemblée générale de la coopérative, ouverte à toutes et tous, suivie d’un repas.</p>',
      }),
    ]);
    const now = Date.now();
    await deps.db.orm.insert(subscribers).values({
      email: 'cron@example.org',
      choices: { networks: [], tags: [], territories: [] },
      tokenSalt: 'x',
      confirmedAt: now - 60_000,
      updatedAt: now,
    });
    const schedule = await scheduleDigests(deps);
    try {
      const deadline = Date.now() + 10_000;
      while (sink.received.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2_500)); // two more firings: nothing more is due
      expect(sink.received.map((r) => r.to)).toEqual(['cron@example.org']);
      expect(sink.received[0]!.mail.text).toContain('Assemblée générale');
    } finally {
      schedule.stop();
      await deps.mailer?.close?.();
      await sink.close();
    }
  });
});
