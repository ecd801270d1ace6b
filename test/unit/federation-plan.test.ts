import { describe, expect, it } from 'vitest';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import {
  declaredSources,
  isEmptyPlan,
  planSync,
  type StoredSource,
} from '../../src/federation/plan.ts';
import type { NetworkRow } from '../../src/db/schema/networks.ts';

const row = (slug: string, over: Partial<NetworkRow> = {}): NetworkRow => ({
  slug,
  name: slug.toUpperCase(),
  site: null,
  territory: null,
  tags: [],
  description: null,
  active: true,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

describe('declaredSources', () => {
  it('a site becomes a source only when no feed is listed, and never twice for one URL', () => {
    const [a, b, c] = parseNetworksFile(`networks:
  - {slug: a, name: A, site: 'https://a.example/', feeds: ['https://a.example/feed.xml'], agendas: ['https://a.example/cal.ics']}
  - {slug: b, name: B, site: 'https://b.example/', agendas: ['https://b.example/cal.ics']}
  - {slug: c, name: C, site: 'https://c.example/cal.ics', agendas: ['https://c.example/cal.ics']}
`).networks;
    expect(declaredSources(a!).map((s) => [s.kind, s.url])).toEqual([
      ['feed', 'https://a.example/feed.xml'],
      ['calendar', 'https://a.example/cal.ics'],
    ]);
    expect(declaredSources(b!).map((s) => s.kind)).toEqual(['calendar', 'site']);
    // The unique (network, url) index would refuse a second row: the calendar wins.
    expect(declaredSources(c!).map((s) => [s.kind, s.url])).toEqual([
      ['calendar', 'https://c.example/cal.ics'],
    ]);
  });
});

describe('planSync', () => {
  const federation = parseNetworksFile(`networks:
  - {slug: a, name: A, feeds: ['https://a.example/feed.xml']}
  - {slug: b, name: B, territory: Bretagne, tags: [coop], feeds: ['https://b.example/feed.xml']}
`);

  it('matches stored rows: unchanged ones need nothing, edited ones an update, missing ones an insert', () => {
    const stored: StoredSource[] = [
      {
        id: 1,
        networkSlug: 'a',
        kind: 'feed',
        url: 'https://a.example/feed.xml',
        status: 'active',
      },
      {
        id: 2,
        networkSlug: 'b',
        kind: 'feed',
        url: 'https://b.example/feed.xml',
        status: 'retired',
      },
    ];
    const same = planSync(
      federation,
      [row('a', { name: 'A' }), row('b', { name: 'B', territory: 'Bretagne', tags: ['coop'] })],
      stored,
    );
    expect(isEmptyPlan(same)).toBe(true);
    expect(same).toMatchObject({ unchangedNetworks: 2, unchangedSources: 2 });

    const edited = planSync(
      federation,
      [row('a', { name: 'Ancien nom' }), row('c', { name: 'C' })],
      stored.slice(0, 1),
    );
    expect(edited.updateNetworks).toEqual([
      {
        slug: 'a',
        set: { name: 'A', site: null, territory: null, tags: [], description: null, active: true },
      },
    ]);
    expect(edited.insertNetworks.map((n) => n.slug)).toEqual(['b']);
    expect(edited.deactivateNetworks).toEqual(['c']);
    expect(edited.insertSources).toEqual([
      { networkSlug: 'b', kind: 'feed', url: 'https://b.example/feed.xml' },
    ]);
  });

  it('a retired source stays retired while declared; a removed one comes back; an undeclared one is removed once', () => {
    const stored: StoredSource[] = [
      {
        id: 1,
        networkSlug: 'a',
        kind: 'calendar',
        url: 'https://a.example/feed.xml',
        status: 'removed',
      },
      {
        id: 2,
        networkSlug: 'b',
        kind: 'feed',
        url: 'https://b.example/feed.xml',
        status: 'retired',
      },
      { id: 3, networkSlug: 'b', kind: 'feed', url: 'https://b.example/old.xml', status: 'active' },
      {
        id: 4,
        networkSlug: 'b',
        kind: 'feed',
        url: 'https://b.example/older.xml',
        status: 'removed',
      },
    ];
    const p = planSync(
      federation,
      [row('a', { name: 'A' }), row('b', { name: 'B', territory: 'Bretagne', tags: ['coop'] })],
      stored,
    );
    expect(p.reactivateSources).toEqual([
      { id: 1, kind: 'feed', url: 'https://a.example/feed.xml', retyped: true },
    ]);
    expect(p.removeSources).toEqual([3]);
    expect(p.unchangedSources).toBe(1);
    expect(p.retypeSources).toEqual([]);
  });
});
