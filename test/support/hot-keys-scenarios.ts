/**
 * Dedup index keys held by many stories (dedupe/lookup.ts MAX_STORIES_PER_KEY), shared by the
 * Node (SQLite) and workerd (D1) tests. Boilerplate of several shapes gives a key to more
 * stories than the bound: an identical short summary ("Lire la suite…") under distinct titles,
 * one recurring title over distinct texts, numbered newsletters ending with the same long
 * footer. A new story with the same boilerplate must not bring them all back as candidates;
 * and a true copy of one of those stories must still join it through its other keys.
 */
import { expect } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { entries } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { storeDocuments, storeFeedItems } from '../../src/ingest/store-feed.ts';
import { prepareItems } from '../../src/ingest/dedupe/prepare.ts';
import { fingerprint, indexKeyNumbers } from '../../src/ingest/dedupe/fingerprint.ts';
import { lookupCandidates, MAX_STORIES_PER_KEY } from '../../src/ingest/dedupe/lookup.ts';
import { CANDIDATE_WINDOW_MS } from '../../src/ingest/dedupe/similarity.ts';
import { addSource, manualClock, parsedItem } from './store-fixtures.ts';
import { prng } from '../../bench/prng.ts';
import { VOCABULARY } from './news-dedup-scenarios.ts';

/** `count` words drawn from the vocabulary with seed `seed`: different seeds, different texts. */
function words(seed: number, count: number): string {
  const rnd = prng(seed);
  return Array.from(
    { length: count },
    () => VOCABULARY[Math.floor(rnd() * VOCABULARY.length)]!,
  ).join(' ');
}

const SHORT_SUMMARY =
  'Lire la suite de cet article sur le site de notre réseau, avec les photos et les liens utiles.';
const RECURRING_TITLE = 'Permanence du jardin partagé ce samedi matin';
/** A newsletter's footer: a long text every issue ends with. */
const FOOTER_OPENING = 'Vous recevez cette lettre parce que vous êtes adhérent du réseau.';
const FOOTER = `<p>${FOOTER_OPENING} ${words(7, 300)}</p>`;

interface Shape {
  name: string;
  /** Story `n` of the shape: its title and HTML (the boilerplate, and what is its own). */
  story(n: number): { title: string; html: string };
}

const SHAPES: Shape[] = [
  {
    name: 'identical short summary',
    story: (n) => ({
      title: `${words(1000 + n, 5)} au programme`,
      html: `<p>${SHORT_SUMMARY}</p>`,
    }),
  },
  {
    name: 'recurring title',
    story: (n) => ({ title: RECURRING_TITLE, html: `<p>${words(2000 + n, 60)}.</p>` }),
  },
  {
    name: 'newsletter footer',
    story: (n) => ({
      title: `Lettre d'information n° ${n} du réseau`,
      html: `<p>${words(3000 + n, 6)}.</p>${FOOTER}`,
    }),
  },
];

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T08:00:00Z');

/** Stores stories `from`..`to - 1` of a shape, spread over the sources (one document each). */
async function storeStories(
  deps: Deps,
  sources: SourceRow[],
  shape: Shape,
  from: number,
  to: number,
): Promise<void> {
  for (const [i, source] of sources.entries()) {
    const items = [];
    for (let n = from + i; n < to; n += sources.length) {
      const { title, html } = shape.story(n);
      items.push(
        parsedItem({
          guid: `https://${source.networkSlug}.example/billets/${n}`,
          url: `https://${source.networkSlug}.example/billets/${n}`,
          title,
          contentHtml: html,
          published: new Date(T0 + (n % 10) * (DAY / 4)),
        }),
      );
    }
    if (items.length) await storeFeedItems(deps, source, items);
  }
}

/** How many stories the lookup of one new story of the shape brings back as candidates. */
async function candidateStories(deps: Deps, source: SourceRow, shape: Shape, n: number) {
  const { title, html } = shape.story(n);
  const { found } = await lookupCandidates(
    deps.db,
    [
      {
        sourceId: source.id,
        inputs: [
          {
            guidHash: null,
            canonicalUrl: null,
            indexKeys: indexKeyNumbers(fingerprint(title, html, null)),
            publishedAt: T0 + DAY,
          },
        ],
      },
    ],
    CANDIDATE_WINDOW_MS,
  );
  return new Set(found.map((f) => f.row.itemId)).size;
}

/**
 * For each shape: MAX_STORIES_PER_KEY stories sharing boilerplate are all still found; once
 * more stories than that share it, a new one's lookup brings none of them.
 */
export async function runBoilerplateScenarios(base: Deps): Promise<void> {
  const deps: Deps = {
    ...base,
    clock: manualClock('2026-06-03T12:00:00Z'),
    log: { info() {}, warn() {}, error() {} },
  };
  // Per shape: stories stored, and those one more story's lookup brings (at, then past the bound).
  const seen: Record<string, number[]> = {};
  const expected: Record<string, number[]> = {};
  for (const [s, shape] of SHAPES.entries()) {
    const sources: SourceRow[] = [];
    for (let i = 0; i < 6; i++) sources.push(await addSource(deps, `gabarit-${s}-${i}`));
    const newcomer = await addSource(deps, `gabarit-${s}-nouveau`);
    const total = MAX_STORIES_PER_KEY + 12;
    // The boilerplate does not merge them: as many stories as stored.
    const stories = async () => {
      const rows = await deps.db.orm
        .select({ item: entries.itemId })
        .from(entries)
        .where(
          inArray(
            entries.sourceId,
            sources.map((src) => src.id),
          ),
        );
      return new Set(rows.map((r) => r.item)).size;
    };
    await storeStories(deps, sources, shape, 0, MAX_STORIES_PER_KEY);
    const atBound = [await stories(), await candidateStories(deps, newcomer, shape, total)];
    await storeStories(deps, sources, shape, MAX_STORIES_PER_KEY, total);
    seen[shape.name] = [
      ...atBound,
      await stories(),
      await candidateStories(deps, newcomer, shape, total),
    ];
    // At the bound, a key still brings every story that holds it; past it, the boilerplate's
    // keys bring none, and the story's own keys find nothing else.
    expected[shape.name] = [MAX_STORIES_PER_KEY, MAX_STORIES_PER_KEY, total, 0];
  }
  expect(seen).toEqual(expected);
}

/**
 * A copy of one of those stories from another network (own guid and URL) still joins it when
 * its boilerplate keys are past the bound: through the title, the lead or its own bands.
 */
export async function runCopiesThroughHotKeysScenarios(base: Deps): Promise<void> {
  const deps: Deps = {
    ...base,
    clock: manualClock('2026-06-03T12:00:00Z'),
    log: { info() {}, warn() {}, error() {} },
  };
  for (const [s, shape] of SHAPES.entries()) {
    const sources: SourceRow[] = [];
    for (let i = 0; i < 6; i++) sources.push(await addSource(deps, `copie-${s}-${i}`));
    const relay = await addSource(deps, `copie-${s}-relais`);
    const total = MAX_STORIES_PER_KEY + 12;
    await storeStories(deps, sources, shape, 0, total);
    const n = 7;
    const { title, html } = shape.story(n);
    await storeFeedItems(deps, relay, [
      parsedItem({
        guid: `https://${relay.networkSlug}.example/relais/${n}`,
        url: `https://${relay.networkSlug}.example/relais/${n}`,
        title: `Relais : ${title}`,
        contentHtml: html,
        published: new Date(T0 + (n % 10) * (DAY / 4) + 3_600_000),
      }),
    ]);
    const [original] = await deps.db.orm
      .select()
      .from(entries)
      .where(
        eq(
          entries.guid,
          `https://${sources[n % sources.length]!.networkSlug}.example/billets/${n}`,
        ),
      );
    const [copy] = await deps.db.orm.select().from(entries).where(eq(entries.sourceId, relay.id));
    expect(copy!.itemId, shape.name).toBe(original!.itemId);
    expect(copy!.mergeReason, shape.name).toBe('near_duplicate');
  }
}

/**
 * A batch decides as storing its documents one after the other would: a key the store holds
 * past the bound brings nothing from the batch's own new entries either. Two stories whose
 * only shared keys are such a key (a short title without a bucket, the same boilerplate
 * summary: "same title, overlapping text" would merge them) stay apart both ways.
 */
export async function runBatchThroughHotKeysScenarios(base: Deps): Promise<void> {
  const deps: Deps = {
    ...base,
    clock: manualClock('2026-06-03T12:00:00Z'),
    log: { info() {}, warn() {}, error() {} },
  };
  const [shape] = SHAPES;
  const sources: SourceRow[] = [];
  for (let i = 0; i < 6; i++) sources.push(await addSource(deps, `lot-${i}`));
  await storeStories(deps, sources, shape!, 0, MAX_STORIES_PER_KEY + 12);
  const item = (source: SourceRow) =>
    parsedItem({
      guid: `https://${source.networkSlug}.example/lettre`,
      url: `https://${source.networkSlug}.example/lettre`,
      // Three words: too generic for a title bucket.
      title: 'Notre lettre mensuelle',
      contentHtml: `<p>${SHORT_SUMMARY}</p>`,
      published: new Date(T0 + DAY),
    });
  const itemOf = async (source: SourceRow) => {
    const [row] = await deps.db.orm.select().from(entries).where(eq(entries.sourceId, source.id));
    return row!.itemId;
  };
  const apart: Record<string, boolean> = {};
  const [a, b] = [await addSource(deps, 'lot-suite-a'), await addSource(deps, 'lot-suite-b')];
  await storeFeedItems(deps, a, [item(a)]);
  await storeFeedItems(deps, b, [item(b)]);
  apart['one after the other'] = (await itemOf(a)) !== (await itemOf(b));
  const [c, d] = [await addSource(deps, 'lot-ensemble-c'), await addSource(deps, 'lot-ensemble-d')];
  await storeDocuments(deps, [
    { source: c, items: await prepareItems([item(c)]) },
    { source: d, items: await prepareItems([item(d)]) },
  ]);
  apart['in one batch'] = (await itemOf(c)) !== (await itemOf(d));
  expect(apart).toEqual({ 'one after the other': true, 'in one batch': true });
}

/**
 * A batch reaching back over years (a first pull of archives) counts a key's stories per
 * candidate window, not over all those years: a monthly newsletter's footer, held by one or
 * two issues near any date, is not boilerplate there though 44 issues hold it in all.
 */
export async function runArchiveScenarios(base: Deps): Promise<void> {
  const deps: Deps = {
    ...base,
    clock: manualClock('2026-06-03T12:00:00Z'),
    log: { info() {}, warn() {}, error() {} },
  };
  // Its own footer: the other scenarios' stories share this database.
  const footer = `<p>${FOOTER_OPENING} ${words(8, 300)}</p>`;
  const shape: Shape = {
    name: 'monthly newsletter',
    story: (n) => ({
      title: `Lettre mensuelle n° ${n} des archives`,
      html: `<p>${words(4000 + n, 6)}.</p>${footer}`,
    }),
  };
  const MONTH = 30 * DAY;
  const issues = MAX_STORIES_PER_KEY + 12;
  const source = await addSource(deps, 'archives-mensuelles');
  const items = [];
  for (let n = 0; n < issues; n++) {
    const { title, html } = shape.story(n);
    items.push(
      parsedItem({
        guid: `https://archives-mensuelles.example/lettres/${n}`,
        url: `https://archives-mensuelles.example/lettres/${n}`,
        title,
        contentHtml: html,
        published: new Date(T0 - (issues - 1 - n) * MONTH),
      }),
    );
  }
  await storeFeedItems(deps, source, items);
  const input = (n: number, at: number) => {
    const { title, html } = shape.story(n);
    return {
      sourceId: source.id,
      inputs: [
        {
          guidHash: null,
          canonicalUrl: null,
          indexKeys: indexKeyNumbers(fingerprint(title, html, null)),
          publishedAt: at,
        },
      ],
    };
  };
  // Two documents of one batch, the latest issue's date and the first one's.
  const { found, hotKeys } = await lookupCandidates(
    deps.db,
    [input(issues, T0 + DAY), input(issues + 1, T0 - issues * MONTH)],
    CANDIDATE_WINDOW_MS,
  );
  const near = new Set(found.filter((f) => f.docs.includes(0)).map((f) => f.row.itemId));
  // Within 30 days of the new issue's date: the latest stored one, through the footer.
  expect({ hot: hotKeys.size, near: near.size }).toEqual({ hot: 0, near: 1 });
}
