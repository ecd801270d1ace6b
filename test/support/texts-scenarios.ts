/**
 * Texts stored once (src/db/texts.ts), the same on SQLite and D1: relays that copy a text
 * share its row, a story shows its best entry's row, and the daily upkeep deletes the texts
 * nothing points to any more (an edited entry's former text, a pruned story's) and no other.
 */
import { expect } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { entries, items, texts } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import { listRiver } from '../../src/news/river.ts';
import { parseRiverQuery } from '../../src/news/filters.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { pruneOldStories } from '../../src/ingest/retention.ts';
import { addSource, parsedItem } from './store-fixtures.ts';

const ORIGINAL =
  '<p>Le réseau ouvre un atelier de réparation de vélos chaque samedi matin, avec des ' +
  'bénévoles, des outils partagés et des pièces de récupération pour tous les habitants.</p>';

/** Every stored text, by key. */
async function storedTexts(deps: Deps) {
  const rows = await deps.db.orm.select().from(texts).orderBy(asc(texts.key));
  return new Map(rows.map((r) => [r.key, [r.summary, r.contentHtml]]));
}

/** Keys some entry or story points to that have no row, and rows nothing points to. */
async function dangling(deps: Deps) {
  const stored = await storedTexts(deps);
  const used = new Set<string>();
  for (const r of await deps.db.orm.select({ k: entries.textKey }).from(entries))
    if (r.k !== null) used.add(r.k);
  for (const r of await deps.db.orm.select({ k: items.textKey }).from(items))
    if (r.k !== null) used.add(r.k);
  return {
    missing: [...used].filter((k) => !stored.has(k)),
    orphans: [...stored.keys()].filter((k) => !used.has(k)),
  };
}

/** The river's stories by title: what readers see of each text. */
async function riverTexts(deps: Deps) {
  const page = await listRiver(deps, parseRiverQuery(new URLSearchParams()));
  return Object.fromEntries(page.items.map((i) => [i.title, [i.summary, i.contentHtml]]));
}

/** Two networks relay one story word for word: one row of text for both entries and the story. */
export async function relaysShareOneText(deps: Deps, slug: string): Promise<void> {
  const a = await addSource(deps, `${slug}-a`);
  const b = await addSource(deps, `${slug}-b`);
  const story = {
    url: 'https://velos.example/atelier',
    title: 'Atelier vélo du samedi',
    summary: 'Un atelier de réparation, chaque samedi.',
    contentHtml: ORIGINAL,
    published: new Date('2026-11-20T10:00:00Z'),
  };
  await storeFeedItems(deps, a, [parsedItem({ ...story, guid: 'a-1' })]);
  await storeFeedItems(deps, b, [
    parsedItem({ ...story, guid: 'b-1' }),
    // A story with neither summary nor content has no text row.
    parsedItem({ guid: 'b-2', title: 'Titre seul', published: new Date('2026-11-21') }),
  ]);
  const rows = await deps.db.orm.select().from(entries).orderBy(asc(entries.id));
  expect(rows.map((r) => r.guid)).toEqual(['a-1', 'b-1', 'b-2']);
  expect(rows[0]!.itemId).toBe(rows[1]!.itemId);
  expect(rows[0]!.textKey).toBeTruthy();
  expect(rows[1]!.textKey).toBe(rows[0]!.textKey);
  expect(rows[2]!.textKey).toBeNull();
  const [item] = await deps.db.orm.select().from(items).where(eq(items.id, rows[0]!.itemId));
  expect(item!.textKey).toBe(rows[0]!.textKey);
  expect([...(await storedTexts(deps)).values()]).toEqual([[story.summary, ORIGINAL]]);
  expect(await riverTexts(deps)).toEqual({
    'Atelier vélo du samedi': [story.summary, ORIGINAL],
    'Titre seul': [null, null],
  });
  expect(await dangling(deps)).toEqual({ missing: [], orphans: [] });
}

/**
 * An edited entry's former text stays until the daily upkeep, which deletes it (retention
 * off); with retention, a pruned story's text goes with it and a kept story's stays.
 */
export async function upkeepDeletesOrphanTexts(
  deps: Deps & { config: { retentionMonths: number } },
  slug: string,
): Promise<void> {
  const src = await addSource(deps, slug);
  // What other scenarios left in the same database (D1 is shared by a test file's tests).
  const others = await storedTexts(deps);
  const old = parsedItem({
    guid: 'old',
    title: 'Assemblée générale de 2025',
    contentHtml: '<p>Compte rendu détaillé de l’assemblée générale annuelle du réseau.</p>',
    published: new Date('2025-01-10T00:00:00Z'),
  });
  const edited = parsedItem({
    guid: 'edited',
    title: 'Rencontre de novembre',
    contentHtml: '<p>Une rencontre régionale des coopératives, avec ateliers.</p>',
    published: new Date('2026-11-20T00:00:00Z'),
  });
  const retention = deps.config.retentionMonths;
  deps.config.retentionMonths = 0;
  await storeFeedItems(deps, src, [old, edited]);
  const second = '<p>Une rencontre régionale des coopératives, avec ateliers et débats.</p>';
  await storeFeedItems(deps, src, [old, { ...edited, contentHtml: second }]);
  expect((await riverTexts(deps))['Rencontre de novembre']).toEqual([null, second]);
  // The first version is nobody's text any more, until the upkeep.
  expect((await dangling(deps)).orphans).toHaveLength(1);
  expect(await pruneOldStories(deps, { force: true })).toBe(0);
  expect(await dangling(deps)).toEqual({ missing: [], orphans: [] });
  expect(await storedTexts(deps)).toHaveLength(others.size + 2);

  deps.config.retentionMonths = 6;
  expect(await pruneOldStories(deps, { force: true })).toBe(1);
  expect(await dangling(deps)).toEqual({ missing: [], orphans: [] });
  const left = await storedTexts(deps);
  for (const key of others.keys()) left.delete(key);
  expect([...left.values()]).toEqual([[null, second]]);
  const river = await riverTexts(deps);
  expect(river['Rencontre de novembre']).toEqual([null, second]);
  expect(river['Assemblée générale de 2025']).toBeUndefined();
  deps.config.retentionMonths = retention;
}
