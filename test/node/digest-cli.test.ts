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
      expect(await digestCommand(deps, ['--dry-run'], 'fr', undefined, out, out)).toBe(0);
      expect(lines.pop()).toBe(
        '2 abonné(s) dû(s) ; 1 recevrai(en)t une lettre, 1 n’ont rien de nouveau. ' +
          'Rien n’a été envoyé.',
      );
      expect(await digestCommand(deps, ['--dry-run'], 'en', undefined, out, out)).toBe(0);
      expect(lines.pop()).toBe(
        '2 subscriber(s) due; 1 would get a digest, 1 have nothing new. Nothing sent.',
      );
      expect(await deps.db.orm.select().from(digests)).toHaveLength(0);

      expect(
        await digestCommand(
          deps,
          ['--to', 'me@example.org', '--dry-run'],
          'fr',
          undefined,
          out,
          out,
        ),
      ).toBe(0);
      expect(lines.pop()).toMatch(
        /^Objet : \[Aperçu\] Intercoop — la lettre du [\s\S]*Portes ouvertes/,
      );
      expect(sink.received).toHaveLength(0);

      expect(await digestCommand(deps, ['--to', 'Me@Example.org'], 'fr', undefined, out, out)).toBe(
        0,
      );
      expect(sink.received.map((r) => r.to)).toEqual(['me@example.org']);
      expect(await deps.db.orm.select().from(deliveries)).toHaveLength(0); // a preview is not recorded

      expect(lines.pop()).toBe('Aperçu envoyé à me@example.org.');
      expect(await digestCommand(deps, ['--to'], 'fr', undefined, out, out)).toBe(2);
      expect(lines.pop()).toBe('Usage : intercoop digest [--dry-run] [--to EMAIL] [--takeover]');
      expect(await digestCommand(deps, ['--nope'], 'en', undefined, out, out)).toBe(2);
      expect(lines.pop()).toBe('Usage: intercoop digest [--dry-run] [--to EMAIL] [--takeover]');
      expect(await digestCommand(deps, ['--to', 'not-an-address'], 'fr', undefined, out, out)).toBe(
        2,
      );
      expect(lines.pop()).toBe('Ce n’est pas une adresse électronique : not-an-address');

      expect(await digestCommand(deps, [], 'fr', undefined, out, out)).toBe(0);
      expect(lines.pop()).toBe(
        'Lettre n° 1 (nouvelle) : 1 envoyée(s), 1 vide(s) ou inactive(s), 0 à réessayer, ' +
          '0 en échec définitif.',
      );
      expect(await digestCommand(deps, [], 'en', undefined, out, out)).toBe(0);
      expect(lines.pop()).toBe('No subscriber is due: nothing to send.');
    } finally {
      await deps.mailer?.close?.();
      await sink.close();
    }
  });
});
