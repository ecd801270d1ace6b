import { afterAll, describe, expect, it } from 'vitest';
import { deliveries, digests, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { digestCommand } from '../../workers/node/commands/digest.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { addNetwork } from '../support/newsletter-fixtures.ts';

describe('intercoop digest [--dry-run] [--to EMAIL]', () => {
  const deps = makeNodeDeps({ HUB_SECRET: 's' });
  afterAll(() => deps.close());

  it('dry-run counts and sends nothing; --to previews; bad arguments exit 2', async () => {
    const sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    try {
      await writeHubSettings(deps.db, {
        title: 'Intercoop',
        baseUrl: 'https://hub.test',
        language: 'fr',
        timezone: 'Europe/Paris',
      });
      await addNetwork(deps, 'animacoop', 'Animacoop', 'Occitanie', []);
      const source = await addSource(deps, 'animacoop');
      await storeFeedItems(deps, source, [
        parsedItem({
          guid: 'p1',
          url: 'https://animacoop.example/p1',
          title: 'Portes ouvertes',
          contentHtml: '<p>Portes ouvertes de la coopérative samedi, avec visite des ateliers.</p>',
        }),
      ]);
      const now = Date.now();
      await deps.db.orm.insert(subscribers).values([
        {
          email: 'all@example.org',
          choices: { networks: [], tags: [], territories: [] },
          tokenSalt: 'a',
          confirmedAt: now - 60_000,
          updatedAt: now,
        },
        {
          email: 'other@example.org',
          choices: { networks: ['ailleurs'], tags: [], territories: [] },
          tokenSalt: 'b',
          confirmedAt: now - 60_000,
          updatedAt: now,
        },
      ]);
      const lines: string[] = [];
      const out = (l: string) => lines.push(l);
      expect(await digestCommand(deps, ['--dry-run'], undefined, out, out)).toBe(0);
      expect(lines.pop()).toBe(
        '2 subscriber(s) due; 1 would get a digest, 1 have nothing new. Nothing sent.',
      );
      expect(await deps.db.orm.select().from(digests)).toHaveLength(0);

      expect(
        await digestCommand(deps, ['--to', 'me@example.org', '--dry-run'], undefined, out, out),
      ).toBe(0);
      expect(lines.pop()).toMatch(
        /^Subject: \[Aperçu\] Intercoop — la lettre du [\s\S]*Portes ouvertes/,
      );
      expect(sink.received).toHaveLength(0);

      expect(await digestCommand(deps, ['--to', 'Me@Example.org'], undefined, out, out)).toBe(0);
      expect(sink.received.map((r) => r.to)).toEqual(['me@example.org']);
      expect(await deps.db.orm.select().from(deliveries)).toHaveLength(0); // a preview is not recorded

      expect(await digestCommand(deps, ['--to'], undefined, out, out)).toBe(2);
      expect(await digestCommand(deps, ['--nope'], undefined, out, out)).toBe(2);
      expect(await digestCommand(deps, ['--to', 'not-an-address'], undefined, out, out)).toBe(2);

      expect(await digestCommand(deps, [], undefined, out, out)).toBe(0);
      expect(lines.pop()).toMatch(
        /^Digest #1 \(new\): 1 sent, 1 empty or inactive, 0 to retry, 0 failed for good\.$/,
      );
    } finally {
      await deps.mailer?.close?.();
      await sink.close();
    }
  });
});
