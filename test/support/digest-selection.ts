/**
 * A busy federation for the digest's selection tests, on SQLite and D1 alike: one network
 * ("gros") publishes `busy` stories in the window, all newer than the `quiet` stories of
 * another ("petit", territory Bretagne, each story also in category "Habitat partagé").
 */
import type { Deps } from '../../src/deps.ts';
import { subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { addNetwork } from './newsletter-fixtures.ts';
import { addSource, parsedItem } from './store-fixtures.ts';

export const BUSY_BASE = 'https://hub.test';

export async function seedBusyFederation(
  deps: Deps,
  opts: { busy: number; quiet: number; now: number },
): Promise<void> {
  await writeHubSettings(deps.db, {
    title: 'Intercoop',
    baseUrl: BUSY_BASE,
    language: 'fr',
    timezone: 'Europe/Paris',
  });
  await addNetwork(deps, 'gros', 'Gros Réseau', 'Occitanie', ['économie']);
  await addNetwork(deps, 'petit', 'Petit Réseau', 'Bretagne', ['habitat']);
  const gros = await addSource(deps, 'gros');
  const petit = await addSource(deps, 'petit');
  const day = 24 * 3600_000;
  const item = (slug: string, i: number, publishedAt: number, categories: string[]) =>
    parsedItem({
      guid: `${slug}-${i}`,
      url: `https://${slug}.example/article-${i}`,
      // Distinct words per story, so that dedup keeps them apart.
      title: `${slug === 'gros' ? 'Chantier' : 'Atelier'} numéro ${i} ${slug} ${(i * 7919).toString(36)}`,
      contentHtml: `<p>${slug} ${i}: ${(i * 104729).toString(36)} ${(i * 15485863).toString(36)} compte rendu de la rencontre ${i} du réseau ${slug}.</p>`,
      published: new Date(publishedAt),
      categories,
    });
  const quiet = Array.from({ length: opts.quiet }, (_, i) =>
    item('petit', i, opts.now - 5 * day + i * 60_000, ['Habitat partagé']),
  );
  // Newer than every quiet story: "the N newest of the federation" would be all busy ones.
  const busy = Array.from({ length: opts.busy }, (_, i) =>
    item('gros', i, opts.now - 2 * day + i * 60_000, []),
  );
  await storeFeedItems(deps, petit, quiet);
  for (let i = 0; i < busy.length; i += 100)
    await storeFeedItems(deps, gros, busy.slice(i, i + 100));
}

/** A confirmed subscriber with these choices, due now. */
export async function addSubscriber(
  deps: Deps,
  email: string,
  choices: { networks?: string[]; tags?: string[]; territories?: string[] },
  now: number,
): Promise<void> {
  await deps.db.orm.insert(subscribers).values({
    email,
    choices: { networks: [], tags: [], territories: [], ...choices },
    tokenSalt: email,
    confirmedAt: now - 3600_000,
    updatedAt: now,
  });
}
