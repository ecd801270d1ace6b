import { describe, expect, it } from 'vitest';
import {
  formatCursor,
  parseRiverQuery,
  riverParams,
  RiverQueryError,
} from '../../src/news/filters.ts';
import { acceptsGzip, isNotModified } from '../../src/publish/conditional.ts';
import { sourceHealth } from '../../src/federation/source-health.ts';
import { renderOpml } from '../../src/federation/opml-export.ts';

const q = (s: string) => parseRiverQuery(new URLSearchParams(s));

describe('feed filters', () => {
  it('parses, defaults and normalises', () => {
    expect(q('')).toEqual({
      networks: [],
      tags: [],
      territories: [],
      q: null,
      limit: 50,
      before: null,
    });
    expect(
      q('network=b&network=a&network=a&tag=%20Coop%20&q=&limit=10&before=1700000000000~abc'),
    ).toMatchObject({
      networks: ['b', 'a'],
      tags: ['Coop'],
      q: null,
      limit: 10,
      before: { publishedAt: 1700000000000, id: 'abc' },
    });
    // One spelling per query: the cache key and the next links.
    expect(riverParams(q('network=b&network=a&limit=50')).toString()).toBe('network=a&network=b');
    expect(formatCursor({ publishedAt: 5, id: 'x' })).toBe('5~x');
  });

  it('refuses what it cannot serve with a readable message', () => {
    for (const bad of [
      'limit=0',
      'limit=201',
      'limit=1e2',
      'limit=-1',
      'network=A%20B',
      'before=12',
      `q=${'x'.repeat(201)}`,
    ]) {
      expect(() => q(bad), bad).toThrow(RiverQueryError);
    }
    expect(q('limit=200').limit).toBe(200);
  });
});

describe('conditional requests', () => {
  const req = (h: Record<string, string>) => new Request('https://x/', { headers: h });
  it('compares ETags (weak or strong, lists, *) before dates', () => {
    expect(isNotModified(req({ 'if-none-match': '"a"' }), '"a"', null)).toBe(true);
    expect(isNotModified(req({ 'if-none-match': 'W/"b", "a"' }), '"a"', null)).toBe(true);
    expect(isNotModified(req({ 'if-none-match': '*' }), '"a"', null)).toBe(true);
    expect(
      isNotModified(
        req({ 'if-none-match': '"b"', 'if-modified-since': 'Sun, 22 Nov 2026 10:00:00 GMT' }),
        '"a"',
        'Sun, 22 Nov 2026 09:00:00 GMT',
      ),
    ).toBe(false);
    expect(
      isNotModified(
        req({ 'if-modified-since': 'Sun, 22 Nov 2026 10:00:00 GMT' }),
        '"a"',
        'Sun, 22 Nov 2026 09:00:00 GMT',
      ),
    ).toBe(true);
    expect(
      isNotModified(
        req({ 'if-modified-since': 'Sun, 22 Nov 2026 08:00:00 GMT' }),
        '"a"',
        'Sun, 22 Nov 2026 09:00:00 GMT',
      ),
    ).toBe(false);
    expect(
      isNotModified(
        req({ 'if-modified-since': 'garbage' }),
        '"a"',
        'Sun, 22 Nov 2026 09:00:00 GMT',
      ),
    ).toBe(false);
  });
  it('reads Accept-Encoding', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(null)).toBe(false);
  });
});

describe('source health in plain words', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  const base = {
    status: 'active' as const,
    lastStatus: 200,
    lastError: null,
    lastErrorKind: null,
    errorCount: 0,
    lastFetchAt: now - 7200_000,
    lastSuccessAt: now - 7200_000,
  };
  // Intl puts no-break spaces in "il y a 2 h": compare with plain spaces.
  const plain = (lines: { tone: string; text: string }[]) =>
    lines.map((l) => ({ ...l, text: l.text.replace(/[\u00a0\u202f]/g, ' ') }));
  it('says when it last worked, what failed, or that it was retired', () => {
    expect(plain(sourceHealth(base, now, 'fr'))).toEqual([
      { tone: 'ok', text: 'Dernière récupération réussie il y a 2 h' },
    ]);
    expect(plain(sourceHealth(base, now, 'en'))).toEqual([
      { tone: 'ok', text: 'Last successful fetch 2 hr ago' },
    ]);
    expect(
      sourceHealth(
        {
          ...base,
          lastStatus: 404,
          errorCount: 1,
          lastErrorKind: 'http_error',
          lastError: 'HTTP 404',
        },
        now,
        'fr',
      )[0],
    ).toEqual({ tone: 'bad', text: 'Erreur : le serveur a répondu 404' });
    expect(
      sourceHealth(
        { ...base, errorCount: 2, lastErrorKind: 'timeout', lastSuccessAt: null },
        now,
        'en',
      ),
    ).toEqual([
      { tone: 'bad', text: 'Error: the server did not answer in time (2 failures in a row)' },
      { tone: 'muted', text: 'Never fetched successfully' },
    ]);
    expect(sourceHealth({ ...base, status: 'retired', lastStatus: 410 }, now, 'fr')).toEqual([
      { tone: 'muted', text: 'Source retirée (410)' },
    ]);
    expect(sourceHealth({ ...base, lastFetchAt: null, lastSuccessAt: null }, now, 'fr')).toEqual([
      { tone: 'muted', text: 'Pas encore récupérée' },
    ]);
  });

  it('says first that a capped document was stored in part', () => {
    const capped = { ...base, truncatedKept: 5000, truncatedTotal: 60000 };
    expect(plain(sourceHealth(capped, now, 'fr'))).toEqual([
      { tone: 'warn', text: 'ok, tronqué : 5000 sur 60000' },
      { tone: 'muted', text: 'Dernière récupération réussie il y a 2 h' },
    ]);
    expect(sourceHealth(capped, now, 'en')[0]).toEqual({
      tone: 'warn',
      text: 'ok, truncated: 5000 of 60000',
    });
  });

  it('says first what the recovering pass repaired in a malformed feed', () => {
    const repaired = {
      ...base,
      lastWarning: 'Flux mal formé lu en mode tolérant : 2 « & » non échappés lus tels quels.',
    };
    expect(plain(sourceHealth(repaired, now, 'fr'))).toEqual([
      {
        tone: 'warn',
        text: 'ok, avertissement : Flux mal formé lu en mode tolérant : 2 « & » non échappés lus tels quels.',
      },
      { tone: 'muted', text: 'Dernière récupération réussie il y a 2 h' },
    ]);
    expect(sourceHealth({ ...base, lastWarning: null }, now, 'fr')[0]!.tone).toBe('ok');
  });
});

describe('OPML', () => {
  it('escapes names and URLs, groups by network, leaves out retired sources and undiscovered sites', () => {
    const src = (over: object) =>
      ({
        id: 1,
        networkSlug: 'a',
        kind: 'feed',
        url: 'https://a.example/feed?x=1&y=2',
        fetchUrl: 'https://a.example/feed?x=1&y=2',
        title: null,
        status: 'active',
        ...over,
      }) as never;
    const opml = renderOpml({
      title: 'Hub <&>',
      baseUrl: 'https://hub.example',
      created: new Date('2026-11-22T00:00:00Z'),
      lang: 'fr',
      networks: [
        {
          slug: 'a',
          name: 'A & "B"',
          site: 'https://a.example/',
          tags: ['x'],
          sources: [
            src({}),
            src({ kind: 'calendar', fetchUrl: 'https://a.example/a.ics' }),
            src({ status: 'retired' }),
            src({ kind: 'site', url: 'https://a.example/', fetchUrl: 'https://a.example/' }),
          ],
        } as never,
      ],
    });
    expect(opml).toContain('<title>Hub &lt;&amp;&gt;</title>');
    expect(opml).toContain(
      '<outline text="A &amp; &quot;B&quot;" title="A &amp; &quot;B&quot;" category="x">',
    );
    expect(opml).toContain(
      'xmlUrl="https://a.example/feed?x=1&amp;y=2" htmlUrl="https://a.example/"',
    );
    expect(opml).toContain(
      '<outline type="link" text="A &amp; &quot;B&quot; — Agenda" url="https://a.example/a.ics"/>',
    );
    expect(opml.match(/type="rss"/g)).toHaveLength(1);
  });
});

describe('in-memory response cache', () => {
  it('evicts the least recently used entry by count and by bytes', async () => {
    const { memoryResponseCache } = await import('../../src/publish/cache.ts');
    const cache = memoryResponseCache({ maxEntries: 2, maxBytes: 10 });
    await cache.put('a', new Response('1234'));
    await cache.put('b', new Response('1234'));
    expect(await (await cache.match('a'))!.text()).toBe('1234'); // a is now the most recent
    await cache.put('c', new Response('12'));
    expect(await cache.match('b')).toBeUndefined();
    await cache.put('d', new Response('123456')); // 4 + 2 + 6 > 10 bytes: oldest go
    expect(await cache.match('a')).toBeUndefined();
    expect(await (await cache.match('d'))!.text()).toBe('123456');
    await cache.put('huge', new Response('x'.repeat(11)));
    expect(await cache.match('huge')).toBeUndefined();
  });
});
