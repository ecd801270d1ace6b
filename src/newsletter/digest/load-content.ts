/** Reads what a digest is made of: new stories (with their networks) and the networks' descriptions. */
import { and, desc, gt, lte, sql } from 'drizzle-orm';
import { items, networks, texts, type DigestChoices } from '../../db/schema/index.ts';
import { textOfItem } from '../../db/texts.ts';
import { storyConditions } from '../../news/river.ts';
import { filterParams } from '../../filter-grammar.ts';
import { itemProvenance } from '../../news/stories.ts';
import type { Deps } from '../../deps.ts';
import { htmlToText } from '../../shared/html-to-text.ts';
import type { DigestEvent, DigestStory, NetworkInfo } from './build.ts';

const SUMMARY_CHARS = 280;

/** Plain text of a summary or HTML, cut on a word boundary. */
export function shortText(html: string | null): string {
  if (!html) return '';
  const plain = htmlToText(html);
  if (plain.length <= SUMMARY_CHARS) return plain;
  const cut = plain.slice(0, SUMMARY_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SUMMARY_CHARS - 40)).trimEnd()}…`;
}

/** One subscriber's stories in a window: the newest `limit`, and how many matched in all. */
export interface StorySelection {
  stories: DigestStory[];
  /** Stories of the window that match the choices, shown or not ("et N autres articles"). */
  total: number;
}

/**
 * Stories the hub first saw in (since, until] that match `choices` (the hub's one filter
 * grammar, in SQL: src/news/river.ts storyConditions), newest first, at most `limit`, with the
 * count of all that match. Selected per set of choices, never "the N newest of the whole
 * federation, then filtered": a subscriber following one network gets that network's stories
 * however busy the others were. The window is the hub's own arrival time, so a story
 * published with an old date but pulled late still reaches the next digest, once.
 */
export async function loadStories(
  deps: Deps,
  since: number,
  until: number,
  choices: DigestChoices,
  limit: number,
): Promise<StorySelection> {
  const conditions = await storyConditions(deps, { ...choices, q: null });
  if (!conditions) return { stories: [], total: 0 };
  const rows = await deps.db.orm
    .select({
      id: items.id,
      title: items.title,
      url: items.url,
      summary: texts.summary,
      contentHtml: texts.contentHtml,
      categories: items.categories,
      publishedAt: items.publishedAt,
      // Counted before LIMIT: what the cap leaves out is said, not dropped silently.
      total: sql<number>`count(*) over ()`,
    })
    .from(items)
    .leftJoin(texts, textOfItem)
    .where(and(gt(items.firstSeenAt, since), lte(items.firstSeenAt, until), ...conditions))
    .orderBy(desc(items.publishedAt), desc(items.id))
    .limit(limit);
  const prov = await itemProvenance(
    deps,
    rows.map((r) => r.id),
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    stories: rows.map((r) => ({
      id: r.id,
      title: r.title,
      url: prov.get(r.id)?.links[0] ?? r.url,
      summary: shortText(r.summary ?? r.contentHtml),
      publishedAt: r.publishedAt,
      networks: prov.get(r.id)?.networks ?? [],
      categories: r.categories,
    })),
  };
}

/**
 * `loadStories` for many subscribers of one run: subscribers who share a window start and
 * choices (most of them: everything, or one network, since their last digest) share one query.
 */
export function storySelector(
  deps: Deps,
  until: number,
  limit: number,
): (since: number, choices: DigestChoices) => Promise<StorySelection> {
  const cache = new Map<string, Promise<StorySelection>>();
  return (since, choices) => {
    const key = `${since}?${filterParams({ ...choices, q: null })}`;
    let p = cache.get(key);
    if (!p) {
      if (cache.size >= 256) cache.delete(cache.keys().next().value!);
      cache.set(key, (p = loadStories(deps, since, until, choices, limit)));
    }
    return p;
  };
}

export async function loadNetworks(deps: Deps): Promise<Map<string, NetworkInfo>> {
  const rows = await deps.db.orm
    .select({
      slug: networks.slug,
      name: networks.name,
      territory: networks.territory,
      tags: networks.tags,
    })
    .from(networks);
  return new Map(rows.map((r) => [r.slug, r]));
}

/** Upcoming events between two instants (the agenda supplies them). */
export type EventsLoader = (deps: Deps, from: number, to: number) => Promise<DigestEvent[]>;

/** How far ahead the digest looks for events. */
export const EVENTS_AHEAD_MS = 21 * 24 * 3600_000;
