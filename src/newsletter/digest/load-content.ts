/** Reads what a digest is made of: new stories (with their networks) and the networks' descriptions. */
import { and, desc, gt, lte } from 'drizzle-orm';
import { items, networks } from '../../db/schema/index.ts';
import { itemProvenance } from '../../news/stories.ts';
import type { Deps } from '../../deps.ts';
import { htmlToText } from '../../shared/html-to-text.ts';
import type { DigestEvent, DigestStory, NetworkInfo } from './build.ts';

/** A story window never holds more than this many stories (newest kept). */
export const MAX_WINDOW_STORIES = 300;
const SUMMARY_CHARS = 280;

/** Plain text of a summary or HTML, cut on a word boundary. */
export function shortText(html: string | null): string {
  if (!html) return '';
  const plain = htmlToText(html);
  if (plain.length <= SUMMARY_CHARS) return plain;
  const cut = plain.slice(0, SUMMARY_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SUMMARY_CHARS - 40)).trimEnd()}…`;
}

/**
 * Stories the hub first saw in (since, until]: the hub's own arrival time, so a story
 * published with an old date but pulled late still reaches the next digest, once.
 */
export async function loadStories(
  deps: Deps,
  since: number,
  until: number,
): Promise<DigestStory[]> {
  const rows = await deps.db.orm
    .select({
      id: items.id,
      title: items.title,
      url: items.url,
      summary: items.summary,
      contentHtml: items.contentHtml,
      categories: items.categories,
      publishedAt: items.publishedAt,
    })
    .from(items)
    .where(and(gt(items.firstSeenAt, since), lte(items.firstSeenAt, until)))
    .orderBy(desc(items.publishedAt))
    .limit(MAX_WINDOW_STORIES);
  const prov = await itemProvenance(
    deps,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    url: prov.get(r.id)?.links[0] ?? r.url,
    summary: shortText(r.summary ?? r.contentHtml),
    publishedAt: r.publishedAt,
    networks: prov.get(r.id)?.networks ?? [],
    categories: r.categories,
  }));
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
