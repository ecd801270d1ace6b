/**
 * The filter grammar and accent-folded search, end to end through HTTP (feeds and the news
 * page), run on Node (SQLite) and in workerd (D1): both folded in JavaScript at write time,
 * compared with LIKE in SQL, so each runtime's SQL is what is tested.
 */
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { items } from '../../src/db/schema/index.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { refoldSearchText } from '../../src/db/search-refold.ts';
import { pullSources } from '../../src/ingest/pull.ts';
import { seedFederation } from './publish-seed.ts';
import { addSource, parsedItem } from './store-fixtures.ts';

interface JsonFeed {
  next_url?: string;
  items: { id: string; title: string; _hub: { networks: string[] } }[];
}

const T = Date.parse('2026-11-21T10:00:00Z');

/** Stories whose words and categories carry accents and capitals in several shapes. */
async function seedAccents(deps: Deps): Promise<void> {
  const src = await addSource(deps, 'numerique-ouest');
  await storeFeedItems(deps, src, [
    parsedItem({
      guid: 'n-1',
      url: 'https://numerique-ouest.example/1',
      title: 'Le numérique en commun',
      contentHtml: '<p>Des ateliers pour reprendre la main sur les outils de tous les jours.</p>',
      published: new Date(T),
      categories: ['Économie sociale'],
    }),
    parsedItem({
      guid: 'n-2',
      url: 'https://numerique-ouest.example/2',
      title: 'Rencontre des fabriques',
      contentHtml: '<p>Une journée consacrée au NUMÉRIQUE libre et aux ŒUVRES partagées.</p>',
      published: new Date(T - 60_000),
      categories: ['ECONOMIE  SOCIALE', 'Tiers-lieux'],
    }),
    parsedItem({
      guid: 'n-3',
      url: 'https://numerique-ouest.example/3',
      title: 'Économie sociale et solidaire : le guide',
      contentHtml: '<p>Un guide pour créer sa coopérative pas à pas, avec des exemples.</p>',
      published: new Date(T - 120_000),
    }),
  ]);
}

/** The shared scenarios; `get` answers a path on the hub under test. */
export function filterScenarios(
  name: string,
  deps: () => Deps,
  get: (path: string) => Promise<Response>,
): void {
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as JsonFeed;
  };
  const titles = async (path: string) => (await json(path)).items.map((i) => i.title).sort();

  it(`${name}: q= ignores accents, case and punctuation, every word required`, async () => {
    await seedFederation(deps());
    await seedAccents(deps());
    const numerique = ['Le numérique en commun', 'Rencontre des fabriques'];
    for (const q of ['numerique', 'numérique', 'NUMERIQUE', 'Numérique', 'numériqUE'])
      expect(await titles(`/feed.json?q=${encodeURIComponent(q)}`), q).toEqual(numerique);
    for (const q of ['économie', 'economie', 'ÉCONOMIE'])
      expect(await titles(`/feed.json?q=${encodeURIComponent(q)}`), q).toEqual([
        'Économie sociale et solidaire : le guide',
      ]);
    // Several words: all of them, anywhere (title or text), any order.
    expect(await titles('/feed.json?q=libre%20journee')).toEqual(['Rencontre des fabriques']);
    expect(await titles('/feed.json?q=oeuvres')).toEqual(['Rencontre des fabriques']);
    expect(await titles('/feed.json?q=journee%20inexistant')).toEqual([]);
    // A LIKE wildcard typed by a reader is punctuation, not "anything".
    expect(await titles('/feed.json?q=%25')).toHaveLength(6);
    expect(await titles('/feed.json?q=%25%25')).toHaveLength(6);
    // The news page reads the same query.
    const page = await (await get('/?q=numerique')).text();
    expect(page).toContain('Le numérique en commun');
    expect(page).not.toContain('Économie sociale et solidaire');
  });

  it(`${name}: repeated network=, tag=, territory= mean "any of", accents and case ignored`, async () => {
    const economie = ['Le numérique en commun', 'Rencontre des fabriques'];
    for (const tag of ['économie sociale', 'Economie Sociale', 'ÉCONOMIE SOCIALE'])
      expect(await titles(`/feed.json?tag=${encodeURIComponent(tag)}`), tag).toEqual(economie);
    // A category is matched whole: a part of one is not a tag.
    expect(await titles('/feed.json?tag=economie')).toEqual([]);
    // Story categories or network tags, any of the values.
    expect(await titles('/feed.json?tag=audio&tag=economie%20sociale')).toEqual(
      [...economie, 'Podcast : AT&T <b>pas</b> du HTML ]]> fin'].sort(),
    );
    expect(await titles('/feed.json?tag=tiers-lieux')).toEqual([
      'Atelier fablab ouvert à tous',
      'Rencontre des fabriques',
      'Rencontre régionale des coopératives',
    ]);
    expect(await titles('/feed.json?tag=cooperation')).toEqual([
      'Podcast : AT&T <b>pas</b> du HTML ]]> fin',
      'Rencontre régionale des coopératives',
    ]);
    const occitanie = await titles('/feed.json?territory=occitanie');
    const bretagne = await titles('/feed.json?territory=BRETAGNE');
    expect(occitanie).toHaveLength(2);
    expect(bretagne).toEqual([
      'Atelier fablab ouvert à tous',
      'Rencontre régionale des coopératives',
    ]);
    expect(await titles('/feed.json?territory=Occitanie&territory=bretagne')).toEqual(
      [...new Set([...occitanie, ...bretagne])].sort(),
    );
    expect(await titles('/feed.json?network=tiers-lieux&network=numerique-ouest')).toHaveLength(5);
    // Filters of different names narrow each other.
    expect(
      await titles('/feed.json?territory=bretagne&territory=occitanie&tag=audio&tag=emploi'),
    ).toEqual(['Podcast : AT&T <b>pas</b> du HTML ]]> fin']);
    // A territory no network has matches nothing (not everything).
    expect(await titles('/feed.json?territory=Corse')).toEqual([]);
    // Next links keep every value.
    const paged = await json('/feed.json?tag=economie%20sociale&tag=audio&limit=1');
    const next = new URL(paged.next_url!);
    expect(next.searchParams.getAll('tag')).toEqual(['economie sociale', 'audio']);
    // The news page: both tags shown in the form, and the stories of either.
    const page = await (await get('/?tag=audio&tag=tiers-lieux')).text();
    expect(page).toContain('value="audio"');
    expect(page).toContain('value="tiers-lieux"');
    expect(page).toContain('Atelier fablab ouvert à tous');
    expect(page).toContain('Podcast');
    // Fifty values at most per name (spellings of one value count once).
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => `tag=t${i}&tag=T${i}`).join('&');
    expect((await get(`/feed.json?${many(50)}`)).status).toBe(200);
    expect((await get(`/feed.json?${many(51)}`)).status).toBe(400);
  });

  it(`${name}: stories stored before folding are folded by the next pulls`, async () => {
    const d = deps();
    const src = await addSource(d, 'ancien');
    await storeFeedItems(d, src, [
      parsedItem({
        guid: 'old-1',
        url: 'https://ancien.example/1',
        title: 'Archive : la Fête du Numérique',
        contentHtml: '<p>Un texte écrit avant le pliage des accents.</p>',
        published: new Date(T - 3600_000),
        categories: ['Éducation populaire'],
      }),
    ]);
    // As an older hub wrote it: text as written, no category keys.
    const [row] = await d.db.orm
      .select({ id: items.id })
      .from(items)
      .where(eq(items.url, 'https://ancien.example/1'));
    await d.db.orm
      .update(items)
      .set({ searchText: 'Archive : la Fête du Numérique\nUn texte écrit', categoryKeys: null })
      .where(eq(items.id, row!.id));
    expect(await titles('/feed.json?q=fete%20numerique')).toEqual([]);
    // The next pull (here one with no source due) folds it.
    await pullSources(d, [], 'cron');
    expect(await refoldSearchText(d)).toBe(0);
    // Another spelling of the query: Workers keep a rendered feed for a few minutes.
    expect(await titles('/feed.json?q=numerique%20FETE')).toEqual([
      'Archive : la Fête du Numérique',
    ]);
    expect(await titles('/feed.json?tag=education%20populaire')).toEqual([
      'Archive : la Fête du Numérique',
    ]);
  });
}
