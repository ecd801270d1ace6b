/**
 * News dedup scenarios shared by the Node (SQLite) and workerd (D1) tests: a story posted twice
 * by one network, excerpt relays (in both orders of arrival) and their near-misses, and the
 * merge reason recorded in words.
 */
import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { entries } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { recentMerges } from '../../src/admin/merges-query.ts';
import { mergeReasonWords } from '../../src/ingest/dedupe/merge-reasons.ts';
import { addSource, manualClock, parsedItem } from './store-fixtures.ts';
import { prng } from '../../bench/prng.ts';

const at = (iso: string) => new Date(iso);

/** Words of the federation's stories, for generated texts (also hot-keys-scenarios.ts). */
export const VOCABULARY = (
  'coopérative habitants quartier atelier réparation épicerie salle réunion associations ' +
  'territoire projet salariés fédération financements commune banque souscripteurs ' +
  'inauguration visites repas concert activités jardin verger moulin école halle ferme ' +
  'bénévoles formation gouvernance énergie mobilité emploi insertion culture marché ' +
  'producteurs circuits saison chantier bâtiment rénovation chauffage solidarité accueil ' +
  'jeunes familles élus conseil budget rapport vote adhérents réseau partenaires région'
).split(' ');
const GLUE = 'le la les de des du et pour avec dans sur un une au aux par qui que'.split(' ');

/** A story of `paragraphs` ~40-word paragraphs; different `topic`s give different texts. */
function story(topic: string, paragraphs = 3): string[] {
  let seed = 0;
  for (const ch of topic) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
  const rnd = prng(seed);
  const word = () =>
    rnd() < 0.35
      ? GLUE[Math.floor(rnd() * GLUE.length)]!
      : VOCABULARY[Math.floor(rnd() * VOCABULARY.length)]!;
  const sentence = () => {
    const w = Array.from({ length: 10 + Math.floor(rnd() * 8) }, word).join(' ');
    return `${w[0]!.toUpperCase()}${w.slice(1)}.`;
  };
  return Array.from({ length: paragraphs }, (_, i) =>
    `${i ? '' : `${topic} : `}${sentence()} ${sentence()} ${sentence()}`.trim(),
  );
}
const html = (paragraphs: string[]) => paragraphs.map((p) => `<p>${p}</p>`).join('');

async function entryOf(deps: Deps, source: SourceRow, guid: string) {
  const [row] = await deps.db.orm.select().from(entries).where(eq(entries.guid, guid));
  expect(row, `${source.networkSlug} ${guid}`).toBeDefined();
  return row!;
}

/** Runs every scenario on `base` (a fresh or shared database). */
export async function runNewsDedupScenarios(base: Deps): Promise<void> {
  const clock = manualClock('2026-06-20T12:00:00Z');
  const deps: Deps = { ...base, clock, log: { info() {}, warn() {}, error() {} } };
  const a = await addSource(deps, 'tiers-lieux-nord');
  const b = await addSource(deps, 'relais-sud');
  const c = await addSource(deps, 'echo-coop');
  const item = async (s: SourceRow, guid: string) => (await entryOf(deps, s, guid)).itemId;

  // --- A story posted twice by one network (new guid) joins itself.
  const gare = story('de la Gare');
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-100',
      url: 'https://tiers-lieux-nord.example/actus/lieu-gare',
      title: 'Un lieu partagé ouvre près de la gare',
      contentHtml: html(gare),
      published: at('2026-06-10T08:00:00Z'),
    }),
  ]);
  // Same canonical URL (with tracking), new guid, edited title.
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-101',
      url: 'https://tiers-lieux-nord.example/actus/lieu-gare?utm_source=lettre',
      title: 'Un lieu partagé ouvre près de la gare (mis à jour)',
      contentHtml: html([...gare.slice(0, 2), `${gare[2]} Entrée libre.`]),
      published: at('2026-06-11T08:00:00Z'),
    }),
  ]);
  // Same text, new guid and new URL (a moved post), a day later.
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-102',
      url: 'https://tiers-lieux-nord.example/2026/06/un-lieu-partage',
      title: 'Près de la gare, un lieu partagé',
      contentHtml: html(gare),
      published: at('2026-06-12T08:00:00Z'),
    }),
  ]);
  const gareItem = await item(a, 'tln-100');
  expect(await item(a, 'tln-101')).toBe(gareItem);
  expect(await item(a, 'tln-102')).toBe(gareItem);
  expect((await entryOf(deps, a, 'tln-101')).mergeDetail).toMatch(/^même URL canonique — /);
  expect((await entryOf(deps, a, 'tln-102')).mergeDetail).toMatch(/^texte quasi identique — /);

  // Both posts in one document (a first pull of a feed listing the story twice).
  const ferme = story('de la Ferme');
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-200',
      url: 'https://tiers-lieux-nord.example/actus/ferme',
      title: 'La ferme coopérative ouvre ses portes',
      contentHtml: html(ferme),
      published: at('2026-06-13T08:00:00Z'),
    }),
    parsedItem({
      guid: 'tln-201',
      url: 'https://tiers-lieux-nord.example/actus/ferme-bis',
      title: 'La ferme coopérative ouvre ses portes !',
      contentHtml: html(ferme),
      published: at('2026-06-13T09:00:00Z'),
    }),
  ]);
  expect(await item(a, 'tln-201')).toBe(await item(a, 'tln-200'));

  // Near-misses of one network: posts linking to one listing page, a series sharing its text,
  // one title over two texts.
  const moulin = story('du Moulin');
  const listing = 'https://tiers-lieux-nord.example/actualites';
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-300',
      url: listing,
      title: 'Le moulin rouvre',
      contentHtml: html(moulin),
      published: at('2026-06-14T08:00:00Z'),
    }),
    parsedItem({
      guid: 'tln-301',
      url: listing,
      title: 'Assemblée du verger',
      contentHtml: html(story('du Verger')),
      published: at('2026-06-14T09:00:00Z'),
    }),
    parsedItem({
      guid: 'tln-302',
      title: 'Lettre du réseau n°7',
      contentHtml: html(story('Lettre')),
      published: at('2026-06-14T10:00:00Z'),
    }),
    parsedItem({
      guid: 'tln-303',
      title: 'Lettre du réseau n°8',
      contentHtml: html(story('Lettre')),
      published: at('2026-06-14T11:00:00Z'),
    }),
    parsedItem({
      guid: 'tln-304',
      title: 'Le moulin rouvre',
      contentHtml: html(story('des Tanneurs')),
      published: at('2026-06-14T12:00:00Z'),
    }),
  ]);
  const apart = new Set(
    await Promise.all(
      ['tln-300', 'tln-301', 'tln-302', 'tln-303', 'tln-304'].map((g) => item(a, g)),
    ),
  );
  expect(apart.size).toBe(5);

  // --- Excerpt relays: the opening quoted under another URL, a lightly changed title, a phrase
  // of the relay's own around it.
  const ecole = story("de l'École", 10);
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-400',
      url: 'https://tiers-lieux-nord.example/actus/ecole',
      title: "L'ancienne école devient un tiers-lieu",
      contentHtml: html(ecole),
      published: at('2026-06-15T08:00:00Z'),
    }),
  ]);
  await storeFeedItems(deps, b, [
    parsedItem({
      guid: 'rs-1',
      url: 'https://relais-sud.example/relais/ecole',
      title: "L'ancienne école devient un tiers-lieu (relais)",
      contentHtml: `<p>Nous relayons cet article de nos amis de Tiers-lieux Nord :</p><p>${ecole[0]}</p><p>Lire la suite sur leur site.</p>`,
      published: at('2026-06-15T18:00:00Z'),
    }),
  ]);
  await storeFeedItems(deps, c, [
    parsedItem({
      guid: 'ec-1',
      url: 'https://echo-coop.example/ecole',
      title: "À lire : l'ancienne école devient un tiers-lieu",
      contentHtml: `<p>Nos partenaires publient ceci : « ${ecole[0]} ${ecole[1]!.split(' ').slice(0, 12).join(' ')}… »</p>`,
      published: at('2026-06-16T08:00:00Z'),
    }),
  ]);
  const ecoleItem = await item(a, 'tln-400');
  expect(await item(b, 'rs-1')).toBe(ecoleItem);
  expect(await item(c, 'ec-1')).toBe(ecoleItem);
  // Under the same title once "(relais)" is removed, the overlap alone may decide; under
  // another title, only the quote does.
  expect((await entryOf(deps, b, 'rs-1')).mergeDetail).toMatch(
    /^(texte quasi identique|extrait relayé) — /,
  );
  const quoted = await entryOf(deps, c, 'ec-1');
  expect(quoted.mergeReason).toBe('excerpt');
  expect(quoted.mergeDetail).toMatch(/^extrait relayé — \d+ mots du début de l'article/);

  // The other order: the excerpt is pulled before the story it quotes.
  const halle = story('de la Halle', 10);
  await storeFeedItems(deps, b, [
    parsedItem({
      guid: 'rs-2',
      url: 'https://relais-sud.example/relais/halle',
      title: 'Relais Sud recommande : la halle reprend vie',
      contentHtml: `<p>À lire chez Tiers-lieux Nord, qui écrit :</p><p>${halle[0]}</p>`,
      published: at('2026-06-17T08:00:00Z'),
    }),
  ]);
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-500',
      url: 'https://tiers-lieux-nord.example/actus/halle',
      title: 'La halle reprend vie',
      contentHtml: html(halle),
      published: at('2026-06-17T07:00:00Z'),
    }),
  ]);
  expect(await item(a, 'tln-500')).toBe(await item(b, 'rs-2'));
  expect((await entryOf(deps, a, 'tln-500')).mergeReason).toBe('excerpt');

  // Near-misses: a shared short opening under a relay-like title, a follow-up quoting the
  // opening then telling its own story, the same long opening sentence starting another story.
  const boilerplate =
    'Le réseau vous informe chaque semaine des actualités de ses membres et de ses partenaires.';
  const bilan = story('du Bilan');
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'tln-600',
      url: 'https://tiers-lieux-nord.example/actus/semaine',
      title: 'Les nouvelles de la semaine',
      contentHtml: `<p>${boilerplate}</p>${html(story('des Nouvelles'))}`,
      published: at('2026-06-18T08:00:00Z'),
    }),
    parsedItem({
      guid: 'tln-601',
      url: 'https://tiers-lieux-nord.example/actus/bilan',
      title: "Le bilan de l'année",
      contentHtml: html(bilan),
      published: at('2026-06-18T09:00:00Z'),
    }),
  ]);
  await storeFeedItems(deps, b, [
    parsedItem({
      guid: 'rs-600',
      url: 'https://relais-sud.example/relais/semaine',
      title: 'Les nouvelles de la semaine (relais)',
      contentHtml: `<p>Nous relayons :</p><p>${boilerplate}</p><p>Cette semaine, la recyclerie du port cherche des bénévoles pour son atelier du samedi.</p>`,
      published: at('2026-06-18T18:00:00Z'),
    }),
    parsedItem({
      guid: 'rs-601',
      url: 'https://relais-sud.example/relais/bilan',
      title: "Le bilan de l'année : et après ?",
      contentHtml: `<p>Rappelez-vous :</p><p>${bilan[0]}</p>${html(story('de la Suite').slice(1))}${html(story('du Port'))}`,
      published: at('2026-06-19T08:00:00Z'),
    }),
    parsedItem({
      guid: 'rs-602',
      url: 'https://relais-sud.example/relais/gare-2',
      title: 'Un lieu partagé ouvre près du port',
      contentHtml: html([gare[0]!, ...story('du Port').slice(1)]),
      published: at('2026-06-19T09:00:00Z'),
    }),
  ]);
  expect(await item(b, 'rs-600')).not.toBe(await item(a, 'tln-600'));
  expect(await item(b, 'rs-601')).not.toBe(await item(a, 'tln-601'));
  expect(await item(b, 'rs-602')).not.toBe(gareItem);

  // The console's list of recent merges: newest first, each reason in words.
  const merges = await recentMerges(deps, 100);
  const byGuidTitle = (title: string) => merges.find((m) => m.entryTitle === title);
  expect(merges.every((m, i) => i === 0 || merges[i - 1]!.entryId > m.entryId)).toBe(true);
  expect(byGuidTitle('Un lieu partagé ouvre près de la gare (mis à jour)')).toMatchObject({
    networkSlug: 'tiers-lieux-nord',
    itemId: gareItem,
    reason: 'canonical_url',
  });
  expect(mergeReasonWords('canonical_url')).toBe('même URL canonique');
  expect(byGuidTitle("À lire : l'ancienne école devient un tiers-lieu")).toMatchObject({
    reason: 'excerpt',
    itemId: ecoleItem,
  });
  expect(mergeReasonWords('excerpt')).toBe('extrait relayé');
  expect(mergeReasonWords(byGuidTitle('Près de la gare, un lieu partagé')!.reason)).toBe(
    'texte quasi identique',
  );
  expect(merges.some((m) => m.entryTitle === 'Le moulin rouvre')).toBe(false);
}
