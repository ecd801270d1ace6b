/**
 * Building a digest is pure: stories, events, the networks' descriptions and one
 * subscriber's choices in; the content of that subscriber's message out (or null when
 * there is nothing to say). Easy to test, cheap to run 10,000 times.
 */
import type { DigestChoices } from '../../db/schema/newsletter.ts';
import { filterMatcher } from '../../filter-grammar.ts';

export interface DigestStory {
  id: string;
  title: string;
  url: string | null;
  /** Plain text, already shortened. */
  summary: string;
  publishedAt: number;
  /** Publishing networks, earliest first. */
  networks: string[];
  categories: string[];
}

export interface DigestEvent {
  id: string;
  title: string;
  start: number;
  end: number | null;
  allDay: boolean;
  /** The event's own zone: an all-day event's date is midnight there. */
  timezone: string;
  location: string | null;
  url: string | null;
  networks: string[];
  /** When the hub first saw the event (decides whether an events-only digest has news). */
  firstSeenAt?: number;
}

export interface NetworkInfo {
  slug: string;
  name: string;
  territory: string | null;
  tags: string[];
}

export interface StoryGroup {
  /** Network slug the group is named after. */
  key: string;
  title: string;
  stories: DigestStory[];
}

/** What one message (or the archive edition) says. */
export interface DigestContent {
  groups: StoryGroup[];
  events: DigestEvent[];
  storyCount: number;
  /**
   * Stories of the window that matched but were left out by the cap: the message says
   * "et N autres articles" with a link to the river filtered the same way. Absent in editions
   * archived before it existed.
   */
  moreStories?: number;
}

export interface BuildInput {
  stories: readonly DigestStory[];
  events: readonly DigestEvent[];
  networks: ReadonlyMap<string, NetworkInfo>;
  choices: DigestChoices;
  /**
   * Start of this subscriber's window. When set, a digest without new stories is sent only if
   * one of its events is new since then: the same upcoming events alone are not news twice.
   */
  since?: number;
  /**
   * How many stories of the window match the choices in all, when `stories` is already the
   * newest part of them (loadStories selects per choices in SQL); default: `stories.length`.
   */
  storyTotal?: number;
  /** Caps so a long absence does not produce a book. */
  maxStories?: number;
  maxEvents?: number;
}

/**
 * Does something published by `networkSlugs` (with these categories) match the choices? The
 * hub's one filter grammar decides (src/filter-grammar.ts): empty lists mean "everything";
 * tags match the networks' tags and the story's categories; territories the networks'.
 */
export function matchesChoices(
  choices: DigestChoices,
  networkSlugs: readonly string[],
  categories: readonly string[],
  networks: ReadonlyMap<string, NetworkInfo>,
): boolean {
  return filterMatcher(choices, [...networks.values()])(networkSlugs, categories);
}

/**
 * One subscriber's digest: matching stories grouped by their first publishing network
 * (groups in network-name order, stories newest first) and matching upcoming events in time
 * order. Null when both are empty (or, with `since`, when there is no new story and no new
 * event): an empty digest is not sent.
 */
export function buildDigest(input: BuildInput): DigestContent | null {
  const maxStories = input.maxStories ?? MAX_STORIES;
  const maxEvents = input.maxEvents ?? 15;
  const matches = filterMatcher(input.choices, [...input.networks.values()]);
  const matching = input.stories.filter((s) => matches(s.networks, s.categories));
  const stories = matching
    .sort((a, b) => b.publishedAt - a.publishedAt || a.id.localeCompare(b.id))
    .slice(0, maxStories);
  const moreStories = Math.max(0, (input.storyTotal ?? matching.length) - stories.length);
  const events = input.events
    .filter((e) => matches(e.networks, []))
    .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
    .slice(0, maxEvents);
  if (!stories.length && !events.length) return null;
  if (
    !stories.length &&
    input.since !== undefined &&
    !events.some((e) => (e.firstSeenAt ?? Infinity) > input.since!)
  )
    return null;
  const byNetwork = new Map<string, StoryGroup>();
  for (const s of stories) {
    const key = s.networks[0] ?? '';
    let g = byNetwork.get(key);
    if (!g)
      byNetwork.set(key, (g = { key, title: input.networks.get(key)?.name ?? key, stories: [] }));
    g.stories.push(s);
  }
  const groups = [...byNetwork.values()].sort((a, b) => a.title.localeCompare(b.title, 'fr'));
  return { groups, events, storyCount: stories.length, moreStories };
}

/** Stories in one subscriber's message; past it, "et N autres articles". */
export const MAX_STORIES = 40;

/** Everything: the choices of someone who follows all (the public archive's edition). */
export const allChoices: DigestChoices = { networks: [], tags: [], territories: [] };

/** How often each frequency is mailed; a little slack so a cron firing a minute early still counts. */
export function periodMs(frequency: 'daily' | 'weekly'): number {
  return frequency === 'daily' ? 24 * 3600_000 : 7 * 24 * 3600_000;
}
export const DUE_SLACK_MS = 3 * 3600_000;

/** Where a subscriber's story window starts: their last digest, or one period before they confirmed. */
export function windowStart(s: {
  lastDigestAt: number | null;
  confirmedAt: number;
  frequency: 'daily' | 'weekly';
}): number {
  return s.lastDigestAt ?? s.confirmedAt - periodMs(s.frequency);
}
