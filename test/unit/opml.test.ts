import { describe, expect, it } from 'vitest';
import { FederationFileError, parseNetworksFile } from '../../src/federation/networks-file.ts';
import { importOpml, OpmlError, parseOpml, slugify } from '../../src/federation/opml-import.ts';

/** Shaped like a Feedly / Thunderbird export: folders, text-only titles, a calendar, odd URLs. */
const READER_EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Abonnements de Camille &amp; co</title></head>
  <body>
    <outline text="Coopération" title="Coopération">
      <outline text="Île-de-France">
        <outline type="rss" text="Réseau Île-de-France" title="Réseau Île-de-France" xmlUrl="https://idf.example.org/feed.xml" htmlUrl="https://www.idf.example.org/"/>
      </outline>
      <outline type="rss" text="Animacoop – le blog" xmlUrl="https://animacoop.net/blog.xml" htmlUrl="https://animacoop.net/blog/"/>
      <outline type="rss" text="Animacoop" xmlUrl="https://animacoop.net/feed.xml" htmlUrl="https://animacoop.net/"/>
    </outline>
    <outline type="rss" xmlUrl="https://sans-titre.example.com/rss"/>
    <outline text="Agenda des Colibris" xmlUrl="webcal://agenda.colibris.example/coop.ics"/>
    <outline text="Fêtes" type="rss" xmlUrl="https://fetes.example.org/events.ics"/>
    <outline text="Piège" xmlUrl="javascript:alert(1)"/>
    <outline text="Juste un site" htmlUrl="https://site-seul.example.org/"/>
    <outline text="Réseau Île-de-France" xmlUrl="https://autre.example.org/x.xml" category="/Territoires/Nord"/>
  </body>
</opml>`;

describe('parseOpml', () => {
  it('reads nested folders, missing titles, calendars and bare sites', () => {
    const doc = parseOpml(READER_EXPORT);
    expect(doc.title).toBe('Abonnements de Camille & co');
    expect(doc.outlines).toEqual([
      {
        title: 'Réseau Île-de-France',
        kind: 'feed',
        xmlUrl: 'https://idf.example.org/feed.xml',
        htmlUrl: 'https://www.idf.example.org/',
        category: 'Coopération / Île-de-France',
      },
      {
        title: 'Animacoop – le blog',
        kind: 'feed',
        xmlUrl: 'https://animacoop.net/blog.xml',
        htmlUrl: 'https://animacoop.net/blog/',
        category: 'Coopération',
      },
      {
        title: 'Animacoop',
        kind: 'feed',
        xmlUrl: 'https://animacoop.net/feed.xml',
        htmlUrl: 'https://animacoop.net/',
        category: 'Coopération',
      },
      {
        title: null,
        kind: 'feed',
        xmlUrl: 'https://sans-titre.example.com/rss',
        htmlUrl: null,
        category: null,
      },
      {
        title: 'Agenda des Colibris',
        kind: 'agenda',
        xmlUrl: 'https://agenda.colibris.example/coop.ics',
        htmlUrl: null,
        category: null,
      },
      {
        title: 'Fêtes',
        kind: 'agenda',
        xmlUrl: 'https://fetes.example.org/events.ics',
        htmlUrl: null,
        category: null,
      },
      {
        title: 'Juste un site',
        kind: 'site',
        xmlUrl: null,
        htmlUrl: 'https://site-seul.example.org/',
        category: null,
      },
      {
        title: 'Réseau Île-de-France',
        kind: 'feed',
        xmlUrl: 'https://autre.example.org/x.xml',
        htmlUrl: null,
        category: 'Territoires / Nord',
      },
    ]);
    expect(doc.skipped).toEqual([
      {
        title: 'Piège',
        url: 'javascript:alert(1)',
        reason: expect.stringContaining('adresse refusée'),
      },
    ]);
  });

  it('accepts OPML 1.0 with lower-case attributes', () => {
    const doc = parseOpml(
      '<opml version="1.0"><body><outline title="Flux" xmlurl="http://a.example/rss" htmlurl="http://a.example/"/></body></opml>',
    );
    expect(doc.outlines).toEqual([
      {
        title: 'Flux',
        kind: 'feed',
        xmlUrl: 'http://a.example/rss',
        htmlUrl: 'http://a.example/',
        category: null,
      },
    ]);
  });

  it('refuses what is not OPML, saying what it is', () => {
    expect(() =>
      parseOpml(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
      ),
    ).toThrow(/l’élément racine est <rss>, <opml> attendu/);
    expect(() =>
      parseOpml('<!doctype html><html><body><a href="/feed">x</a></body></html>'),
    ).toThrow(/<html>/);
    expect(() => parseOpml('not xml at all \u0000\u0001')).toThrow(OpmlError);
    expect(() => parseOpml('')).toThrow(/aucun élément XML/);
    expect(() => parseOpml('<opml version="2.0"><head/></opml>')).toThrow(/sans <body>/);
  });
});

describe('slugify', () => {
  it('folds accents and ligatures, keeps [a-z0-9-], cuts long titles at a dash', () => {
    expect(slugify('Réseau Coop’Île-de-France')).toBe('reseau-coop-ile-de-france');
    expect(slugify('Œuvres & Cœurs — Bâtir ensemble')).toBe('oeuvres-coeurs-batir-ensemble');
    expect(slugify('  !!!  ')).toBe('');
    const long = slugify(
      'Fédération régionale des coopératives d’activité et d’emploi de Bourgogne-Franche-Comté',
    );
    expect(long.length).toBeLessThanOrEqual(48);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

const EXISTING = `# La fédération, tenue dans git par les coordinateurs.
hub:
  title: Intercoop   # le titre affiché
  base_url: https://hub.example.org
networks:
  # Le premier membre
  - slug: animacoop
    name: Animacoop
    site: https://animacoop.net/
    feeds: [https://animacoop.net/feed.xml]
  - slug: solo
    name: Solo
    site: https://solo.example.org/
  - slug: reseau-ile-de-france
    name: Déjà là (autre site)
    site: https://ailleurs.example.org/
`;

describe('importOpml', () => {
  it('adds networks and feeds, joins the network with the same site host, keeps comments and order', () => {
    const r = importOpml(EXISTING, READER_EXPORT);
    // Everything before the first change is kept as written (yaml only normalises the space before a comment).
    const head = EXISTING.replace('Intercoop   #', 'Intercoop #')
      .split('\n')
      .slice(0, 9)
      .join('\n');
    expect(r.yaml.startsWith(head)).toBe(true);
    expect(r.yaml).toContain(
      '  - slug: solo\n    name: Solo\n    site: https://solo.example.org/\n',
    );
    expect(r.added.networks).toEqual([
      { slug: 'reseau-ile-de-france-2', name: 'Réseau Île-de-France' },
      { slug: 'sans-titre-example-com', name: 'sans-titre.example.com' },
      { slug: 'agenda-des-colibris', name: 'Agenda des Colibris' },
      { slug: 'fetes', name: 'Fêtes' },
      { slug: 'juste-un-site', name: 'Juste un site' },
      { slug: 'reseau-ile-de-france-3', name: 'Réseau Île-de-France' },
    ]);
    // The blog lives on animacoop.net: it joins Animacoop rather than becoming a network.
    expect(r.added.feeds).toContainEqual({
      network: 'animacoop',
      url: 'https://animacoop.net/blog.xml',
    });
    expect(r.added.agendas).toEqual([
      { network: 'agenda-des-colibris', url: 'https://agenda.colibris.example/coop.ics' },
      { network: 'fetes', url: 'https://fetes.example.org/events.ics' },
    ]);
    expect(r.added.sites).toEqual([
      { network: 'juste-un-site', url: 'https://site-seul.example.org/' },
    ]);
    expect(r.skipped.map((s) => [s.url, s.reason])).toEqual([
      ['javascript:alert(1)', expect.stringContaining('adresse refusée')],
      ['https://animacoop.net/feed.xml', 'déjà présent dans le réseau « animacoop »'],
    ]);

    const f = parseNetworksFile(r.yaml);
    expect(f.networks.map((n) => n.slug)).toEqual([
      'animacoop',
      'solo',
      'reseau-ile-de-france',
      'reseau-ile-de-france-2',
      'sans-titre-example-com',
      'agenda-des-colibris',
      'fetes',
      'juste-un-site',
      'reseau-ile-de-france-3',
    ]);
    expect(f.networks[0]!.feeds).toEqual([
      'https://animacoop.net/feed.xml',
      'https://animacoop.net/blog.xml',
    ]);
    expect(f.networks[3]).toMatchObject({
      site: 'https://www.idf.example.org/',
      tags: ['Île-de-France'],
      feeds: ['https://idf.example.org/feed.xml'],
    });
    expect(f.networks[8]).toMatchObject({
      site: null,
      tags: ['Nord'],
      feeds: ['https://autre.example.org/x.xml'],
    });
    expect(r.yaml).toContain('# Le premier membre');
    expect(r.yaml).toContain('# le titre affiché');

    // Importing the same export again changes nothing.
    const again = importOpml(r.yaml, READER_EXPORT);
    expect(again.yaml).toBe(r.yaml);
    expect(again.added).toEqual({ networks: [], feeds: [], agendas: [], sites: [] });
    expect(again.skipped).toHaveLength(9);
  });

  it('groups feeds of one site into one network when starting from nothing', () => {
    const r = importOpml(null, READER_EXPORT);
    const f = parseNetworksFile(r.yaml);
    expect(f.hub).toMatchObject({ title: 'Intercoop', language: 'fr', timezone: 'Europe/Paris' });
    const animacoop = f.networks.find((n) => n.site === 'https://animacoop.net/blog/');
    expect(animacoop).toMatchObject({
      slug: 'animacoop-le-blog',
      feeds: ['https://animacoop.net/blog.xml', 'https://animacoop.net/feed.xml'],
    });
    expect(f.networks).toHaveLength(7);
    expect(r.yaml).toMatch(/^# Fédération Intercoop/);
  });

  it('adds to a block list, a single-value key or a flow `networks: []` without breaking them', () => {
    const yaml = `networks: []\n`;
    const r = importOpml(
      yaml,
      '<opml><body><outline text="A" xmlUrl="https://a.example/rss"/><outline text="A bis" xmlUrl="https://a.example/other.rss"/></body></opml>',
    );
    expect(r.yaml).toBe(
      'networks:\n  - slug: a\n    name: A\n    feeds: [https://a.example/rss, https://a.example/other.rss]\n',
    );
    const block = `networks:\n  - slug: b\n    name: B\n    site: https://b.example/\n    feeds:\n      - https://b.example/one.xml\n    agendas: https://b.example/a.ics\n`;
    const r2 = importOpml(
      block,
      '<opml><body><outline text="B2" xmlUrl="https://b.example/two.xml"/><outline text="cal" xmlUrl="webcal://b.example/b.ics"/></body></opml>',
    );
    expect(parseNetworksFile(r2.yaml).networks[0]).toMatchObject({
      feeds: ['https://b.example/one.xml', 'https://b.example/two.xml'],
      agendas: ['https://b.example/a.ics', 'https://b.example/b.ics'],
    });
    expect(r2.yaml).toContain(
      '    feeds:\n      - https://b.example/one.xml\n      - https://b.example/two.xml\n',
    );
  });

  it('refuses a federation file that is not YAML or not a mapping, and a non-OPML input', () => {
    expect(() => importOpml('networks: [\n', READER_EXPORT)).toThrow(FederationFileError);
    expect(() => importOpml('- a\n- b\n', READER_EXPORT)).toThrow(FederationFileError);
    expect(() => importOpml('networks: 3\n', READER_EXPORT)).toThrow(/une liste de réseaux/);
    expect(() => importOpml(EXISTING, '<rss/>')).toThrow(OpmlError);
  });
});

describe('importOpml duplicates', () => {
  it('treats http/https, www., host case and a trailing slash as the same feed', () => {
    const yaml =
      'networks:\n  - slug: a\n    name: A\n    site: https://a.example/\n    feeds: [https://a.example/feed/]\n    agendas: [https://a.example/agenda.ics]\n';
    const r = importOpml(
      yaml,
      '<opml><body><outline text="A" xmlUrl="http://WWW.a.example/feed"/><outline text="Cal" xmlUrl="webcal://a.example/agenda.ics"/><outline text="New" xmlUrl="https://a.example/feed/comments"/></body></opml>',
    );
    expect(r.skipped.map((s) => s.url)).toEqual([
      'http://WWW.a.example/feed',
      'https://a.example/agenda.ics',
    ]);
    expect(r.added.feeds).toEqual([{ network: 'a', url: 'https://a.example/feed/comments' }]);
  });
});
