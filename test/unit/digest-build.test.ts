import { describe, expect, it } from 'vitest';
import {
  buildDigest,
  matchesChoices,
  windowStart,
  type DigestEvent,
  type DigestStory,
  type NetworkInfo,
} from '../../src/newsletter/digest/build.ts';
import { formatEventTime, renderDigest } from '../../src/newsletter/digest/render.ts';
import { formatDateTime } from '../../src/web/i18n.ts';
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
    // The hub's one grammar: network= and territory= narrow the same publishing network.
    expect(ids({ networks: ['tiers'], territories: ['Bretagne'] })).toEqual(['a2', 't1']);
    expect(ids({ networks: ['animacoop'], territories: ['Bretagne'] })).toEqual([]);
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

describe('dates in French: the one formatter (web/i18n.ts)', () => {
  const dec1 = Date.parse('2026-12-01T10:00:00Z');
  it('"1er décembre", wherever the month is a word; other days and numeric dates unchanged', () => {
    expect(formatDateTime(dec1, 'fr', 'Europe/Paris', { dateStyle: 'full' })).toBe(
      'mardi 1er décembre 2026',
    );
    expect(formatDateTime(dec1, 'fr', 'Europe/Paris', { dateStyle: 'medium' })).toBe(
      '1er déc. 2026',
    );
    expect(formatDateTime(dec1, 'fr', 'Europe/Paris')).toBe('1er décembre 2026 à 11:00');
    expect(formatDateTime(dec1, 'fr', 'Europe/Paris', { dateStyle: 'short' })).toBe('01/12/2026');
    expect(
      formatDateTime(dec1, 'fr', 'UTC', { day: 'numeric', month: 'numeric', year: 'numeric' }),
    ).toBe('01/12/2026');
    expect(
      formatDateTime(Date.parse('2026-12-11T10:00:00Z'), 'fr', 'UTC', { dateStyle: 'long' }),
    ).toBe('11 décembre 2026');
    expect(
      formatDateTime(Date.parse('2026-12-21T10:00:00Z'), 'fr', 'UTC', { dateStyle: 'long' }),
    ).toBe('21 décembre 2026');
    expect(formatDateTime(dec1, 'en', 'Europe/Paris', { dateStyle: 'long' })).toBe(
      '1 December 2026',
    );
    const r = renderDigest(
      { groups: [], events: [event('e', ['agri'], dec1)], storyCount: 0 },
      {
        lang: 'fr',
        hubTitle: 'Intercoop',
        baseUrl: 'https://hub.test',
        timezone: 'Europe/Paris',
        date: dec1,
      },
      (s) => s,
    );
    expect(r.subject).toBe('Intercoop — la lettre du mardi 1er décembre 2026');
    expect(r.text).toContain('mardi 1er décembre 2026 à 11:00');
  });
  it('an event in another zone also shows its local time and zone, as the agenda page does', () => {
    const paris = 'Europe/Paris';
    // 10:00 UTC: 11:00 in Paris, 14:00 in La Réunion (same day).
    expect(formatEventTime(event('r', [], dec1, false, 'Indian/Reunion'), 'fr', paris)).toBe(
      'mardi 1er décembre 2026 à 11:00 (14:00 heure locale, Indian/Reunion)',
    );
    // 22:00 UTC: 23:00 in Paris, but already 12:00 the next day in Nouméa: the date is said.
    expect(
      formatEventTime(
        event('n', [], Date.parse('2026-12-01T22:00:00Z'), false, 'Pacific/Noumea'),
        'fr',
        paris,
      ),
    ).toBe(
      'mardi 1er décembre 2026 à 23:00 (2 décembre 2026 à 09:00 heure locale, Pacific/Noumea)',
    );
    expect(formatEventTime(event('en', [], dec1, false, 'America/Cayenne'), 'en', paris)).toMatch(
      /^Tuesday,? 1 December 2026 at 11:00 \(07:00 local time, America\/Cayenne\)$/,
    );
    // The hub's own zone, UTC (no zone of its own) and all-day events: no local time.
    for (const tz of [paris, 'UTC'])
      expect(formatEventTime(event('p', [], dec1, false, tz), 'fr', paris)).toBe(
        'mardi 1er décembre 2026 à 11:00',
      );
    expect(formatEventTime(event('d', [], dec1, true, 'Indian/Reunion'), 'fr', paris)).toBe(
      'mardi 1er décembre 2026 (toute la journée)',
    );
  });
});
