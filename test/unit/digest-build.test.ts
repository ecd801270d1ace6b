import { describe, expect, it } from 'vitest';
import {
  buildDigest,
  matchesChoices,
  windowStart,
  type DigestEvent,
  type DigestStory,
  type NetworkInfo,
} from '../../src/newsletter/digest/build.ts';
import { renderDigest } from '../../src/newsletter/digest/render.ts';
import type { DigestChoices } from '../../src/db/schema/newsletter.ts';

const networks = new Map<string, NetworkInfo>([
  [
    'animacoop',
    { slug: 'animacoop', name: 'Animacoop', territory: 'Occitanie', tags: ['Formation'] },
  ],
  [
    'tiers',
    { slug: 'tiers', name: 'Tiers-Lieux Bretagne', territory: 'Bretagne', tags: ['tiers-lieux'] },
  ],
  ['agri', { slug: 'agri', name: 'Agricoop', territory: 'Île-de-France', tags: ['agriculture'] }],
]);
const story = (
  id: string,
  nets: string[],
  publishedAt: number,
  categories: string[] = [],
): DigestStory => ({
  id,
  title: `Titre ${id}`,
  url: `https://ex.org/${id}`,
  summary: `Résumé ${id}`,
  publishedAt,
  networks: nets,
  categories,
});
const event = (
  id: string,
  nets: string[],
  start: number,
  allDay = false,
  timezone = 'Europe/Paris',
): DigestEvent => ({
  id,
  title: `Événement ${id}`,
  start,
  end: null,
  allDay,
  timezone,
  location: 'Toulouse',
  url: null,
  networks: nets,
});
const stories = [
  story('a1', ['animacoop'], 3),
  story('a2', ['animacoop', 'tiers'], 5),
  story('t1', ['tiers'], 4),
  story('g1', ['agri'], 1, ['Habitat']),
];
const none: DigestChoices = { networks: [], tags: [], territories: [] };

describe('buildDigest (pure)', () => {
  it('follows everything by default, groups by first network in name order, newest first', () => {
    const d = buildDigest({ stories, events: [], networks, choices: none })!;
    expect(d.groups.map((g) => [g.title, g.stories.map((s) => s.id)])).toEqual([
      ['Agricoop', ['g1']],
      ['Animacoop', ['a2', 'a1']],
      ['Tiers-Lieux Bretagne', ['t1']],
    ]);
    expect(d.storyCount).toBe(4);
  });
  it('filters by network (any publisher), tag (network tags or categories, case and accents ignored) and territory', () => {
    const ids = (choices: Partial<typeof none>) =>
      buildDigest({ stories, events: [], networks, choices: { ...none, ...choices } })
        ?.groups.flatMap((g) => g.stories.map((s) => s.id))
        .sort() ?? [];
    expect(ids({ networks: ['tiers'] })).toEqual(['a2', 't1']);
    expect(ids({ tags: ['formation'] })).toEqual(['a1', 'a2']);
    expect(ids({ tags: ['habitat'] })).toEqual(['g1']);
    expect(ids({ territories: ['ile-de-france'] })).toEqual(['g1']);
    expect(ids({ networks: ['animacoop'], territories: ['Bretagne'] })).toEqual(['a2']);
    expect(ids({ networks: ['nobody'] })).toEqual([]);
  });
  it('an empty digest is null; events alone make a digest, in time order, filtered the same way', () => {
    expect(buildDigest({ stories: [], events: [], networks, choices: none })).toBeNull();
    expect(
      buildDigest({ stories, events: [], networks, choices: { ...none, networks: ['nobody'] } }),
    ).toBeNull();
    const d = buildDigest({
      stories: [],
      events: [event('e2', ['tiers'], 20), event('e1', ['animacoop'], 10)],
      networks,
      choices: { ...none, territories: ['Occitanie'] },
    })!;
    expect(d.events.map((e) => e.id)).toEqual(['e1']);
    expect(d.groups).toEqual([]);
  });
  it('with a window start, events alone make a digest only when one of them is new', () => {
    const old = { ...event('old', ['agri'], 50), firstSeenAt: 5 };
    const fresh = { ...event('fresh', ['agri'], 60), firstSeenAt: 15 };
    expect(
      buildDigest({ stories: [], events: [old], networks, choices: none, since: 10 }),
    ).toBeNull();
    expect(
      buildDigest({
        stories: [],
        events: [old, fresh],
        networks,
        choices: none,
        since: 10,
      })!.events.map((e) => e.id),
    ).toEqual(['old', 'fresh']);
    expect(
      buildDigest({
        stories: [story('s', ['agri'], 1)],
        events: [old],
        networks,
        choices: none,
        since: 10,
      })!.events,
    ).toHaveLength(1);
  });
  it('caps a long absence', () => {
    const many = Array.from({ length: 100 }, (_, i) => story(`s${i}`, ['agri'], i));
    expect(
      buildDigest({ stories: many, events: [], networks, choices: none, maxStories: 10 })!
        .storyCount,
    ).toBe(10);
  });
  it('a new subscriber starts one period back; later windows start at the last digest', () => {
    expect(
      windowStart({ lastDigestAt: null, confirmedAt: 10 * 86_400_000, frequency: 'weekly' }),
    ).toBe(3 * 86_400_000);
    expect(windowStart({ lastDigestAt: 42, confirmedAt: 0, frequency: 'daily' })).toBe(42);
    expect(matchesChoices(none, [], [], networks)).toBe(true);
  });
});

describe('renderDigest', () => {
  const content = buildDigest({
    stories: [
      {
        ...story('x', ['animacoop', 'tiers'], 1),
        title: 'A <b>"quoted"</b> & co',
        url: 'javascript:alert(1)',
      },
      story('y', ['agri'], 2),
    ],
    events: [
      event('ev', ['animacoop'], Date.parse('2026-11-20T17:30:00Z')),
      event('day', ['agri'], Date.parse('2026-11-20T23:00:00Z'), true),
      event('reunion', ['agri'], Date.parse('2026-11-21T20:00:00Z'), true, 'Indian/Reunion'),
    ],
    networks,
    choices: none,
  })!;
  const ctx = {
    lang: 'fr' as const,
    hubTitle: 'Intercoop',
    baseUrl: 'https://hub.test',
    timezone: 'Europe/Paris',
    date: Date.parse('2026-11-16T07:00:00Z'),
    unsubscribeUrl: 'https://hub.test/newsletter/unsubscribe/T',
    preferencesUrl: 'https://hub.test/newsletter/preferences/T',
  };
  const r = renderDigest(content, ctx, (s) => networks.get(s)?.name ?? s);
  it('escapes, drops non-http links, shows times in the hub zone, both parts carry the links', () => {
    expect(r.subject).toBe('Intercoop — la lettre du lundi 16 novembre 2026');
    expect(r.html).toContain('A &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; &amp; co');
    expect(r.html).not.toContain('javascript:');
    expect(r.text).not.toContain('javascript:');
    expect(r.text).toContain('vendredi 20 novembre 2026 à 18:30'); // 17:30 UTC = 18:30 Paris
    expect(r.text).toContain('samedi 21 novembre 2026 (toute la journée)'); // midnight in Paris
    expect(r.text).toContain('dimanche 22 novembre 2026 (toute la journée)'); // midnight in La Réunion
    expect(r.text).toContain('aussi publié par Tiers-Lieux Bretagne');
    for (const part of [r.html, r.text]) {
      expect(part).toContain('https://hub.test/newsletter/unsubscribe/T');
      expect(part).toContain('https://hub.test/newsletter/preferences/T');
      expect(part).toContain('https://ex.org/y');
    }
    expect(r.html).toContain('name="color-scheme" content="light dark"');
    expect(r.html).not.toMatch(/<img|<script/i);
  });
  it('English when the subscriber chose it', () => {
    const en = renderDigest(content, { ...ctx, lang: 'en' }, (s) => s);
    expect(en.subject).toMatch(/^Intercoop — newsletter of Monday,? 16 November 2026$/);
    expect(en.text).toContain('Coming weeks');
    expect(en.text).toContain('Unsubscribe: https://hub.test/newsletter/unsubscribe/T');
  });
});
