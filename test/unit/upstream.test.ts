import { describe, expect, it } from 'vitest';
import { readUpstream } from '../../src/ingest/upstream.ts';

const SCHEME = 'https://occitanie.example/networks';

describe('readUpstream: another hub’s feed read as a hub', () => {
  it('JSON Feed: story networks, names from the top-level _hub, next_url', () => {
    const up = readUpstream(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        next_url: 'https://occitanie.example/feed.json?before=1~a',
        _hub: {
          networks: [{ slug: 'animacoop', name: 'Animacoop', home_page_url: 'https://a.example/' }],
        },
        items: [
          { id: 'urn:1', _hub: { networks: ['animacoop', 'tiers-lieux'] } },
          { id: 'urn:2', _hub: { networks: ['Not A Slug', 'javascript:x'] } },
          { id: 'urn:3' },
        ],
      }),
    )!;
    expect([...up.stories]).toEqual([['urn:1', ['animacoop', 'tiers-lieux']]]);
    expect(up.networks).toEqual([
      { slug: 'animacoop', name: 'Animacoop', site: 'https://a.example/', territory: null },
      { slug: 'tiers-lieux', name: 'tiers-lieux', site: null, territory: null },
    ]);
    expect(up.next).toBe('https://occitanie.example/feed.json?before=1~a');
  });

  it('Atom: network categories in the hub scheme (label = name), the <source> left aside', () => {
    const up = readUpstream(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
      <link rel="next" href="https://occitanie.example/feed.atom?before=2~b&amp;limit=20"/>
      <entry><id>urn:intercoop:item:x</id><title>A &amp; B</title>
        <category term="formation" label="formation"/>
        <category term="animacoop" scheme="${SCHEME}" label="Animacoop &amp; co"/>
        <source><id>s</id><category term="ignored" scheme="${SCHEME}"/></source>
      </entry>
      <entry><id>urn:intercoop:item:y</id><category term="formation"/></entry>
    </feed>`)!;
    expect([...up.stories]).toEqual([['urn:intercoop:item:x', ['animacoop']]]);
    expect(up.networks.map((n) => n.name)).toEqual(['Animacoop & co']);
    expect(up.next).toBe('https://occitanie.example/feed.atom?before=2~b&limit=20');
  });

  it('RSS: categories whose domain is the hub scheme, by guid', () => {
    const up = readUpstream(`<rss version="2.0"><channel><item><guid>urn:1</guid>
      <category domain="${SCHEME}">scop-ouest</category><category>emploi</category></item>
      </channel></rss>`)!;
    expect([...up.stories]).toEqual([['urn:1', ['scop-ouest']]]);
  });

  it('an ordinary feed, a broken one or a hostile next link is not a hub', () => {
    expect(readUpstream('<rss><channel><item><guid>1</guid></item></channel></rss>')).toBeNull();
    expect(readUpstream('{"items": [], "_hub": 3')).toBeNull();
    const up = readUpstream(
      JSON.stringify({
        next_url: 'javascript:alert(1)',
        items: [{ id: 1, _hub: { networks: ['a'] } }],
      }),
    )!;
    expect(up.next).toBeNull();
    expect([...up.stories]).toEqual([['1', ['a']]]);
  });
});
