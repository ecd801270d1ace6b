import { describe, expect, it } from 'vitest';
import {
  FederationFileError,
  formatProblem,
  parseNetworksFile,
  type FederationProblem,
} from '../../src/federation/networks-file.ts';

/** The example of INTERFACE.md, verbatim. */
const EXAMPLE = `hub:
  title: Intercoop
  base_url: https://hub.example.org     # used in feeds, emails and links
  language: fr                          # fr (default) or en
  timezone: Europe/Paris                # how the agenda and the digest show times
networks:
  - slug: animacoop                     # [a-z0-9-], unique, stable
    name: Animacoop
    site: https://animacoop.net/        # a site alone is enough: its feeds are discovered
    territory: Occitanie
    tags: [formation, coopération]
    feeds: [https://animacoop.net/feed.xml]      # RSS 0.9x/1.0/2.0, Atom 1.0, JSON Feed 1.x
    agendas: [https://animacoop.net/agenda.ics]  # iCalendar
`;

function problemsOf(text: string): FederationProblem[] {
  try {
    parseNetworksFile(text);
  } catch (err) {
    expect(err).toBeInstanceOf(FederationFileError);
    return (err as FederationFileError).problems;
  }
  throw new Error('expected a FederationFileError');
}

describe('parseNetworksFile', () => {
  it('reads the example of the interface', () => {
    const f = parseNetworksFile(EXAMPLE);
    expect(f.hub).toEqual({
      title: 'Intercoop',
      baseUrl: 'https://hub.example.org',
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    expect(f.networks).toEqual([
      {
        slug: 'animacoop',
        name: 'Animacoop',
        site: 'https://animacoop.net/',
        territory: 'Occitanie',
        tags: ['formation', 'coopération'],
        description: null,
        feeds: ['https://animacoop.net/feed.xml'],
        agendas: ['https://animacoop.net/agenda.ics'],
      },
    ]);
    expect(f.warnings).toEqual([]);
  });

  it('accepts the same structure as JSON', () => {
    const f = parseNetworksFile(
      JSON.stringify({
        hub: {
          title: 'T',
          base_url: 'https://h.example/',
          language: 'en',
          timezone: 'America/Argentina/Buenos_Aires',
        },
        networks: [{ slug: 'a-1', name: 'A', site: 'http://a.example/' }],
      }),
    );
    expect(f.hub).toEqual({
      title: 'T',
      baseUrl: 'https://h.example',
      language: 'en',
      timezone: 'America/Argentina/Buenos_Aires',
    });
    expect(f.networks[0]).toMatchObject({
      slug: 'a-1',
      site: 'http://a.example/',
      feeds: [],
      agendas: [],
      tags: [],
    });
  });

  it('tolerates a single value for a list, empty keys, webcal:// agendas and unknown keys (with warnings)', () => {
    const f = parseNetworksFile(`hub:
  title: Intercoop
  base_url: https://hub.example.org
  theme: dark
networks:
  - slug: solo
    name: "  Solo  "
    tags: coopération
    feeds:
    agendas: webcal://solo.example.org/agenda.ics
    site: https://solo.example.org/
    logo: https://solo.example.org/logo.png
`);
    expect(f.networks[0]).toMatchObject({
      name: 'Solo',
      tags: ['coopération'],
      feeds: [],
      agendas: ['https://solo.example.org/agenda.ics'],
    });
    expect(f.warnings).toEqual([
      expect.stringMatching(/^hub\.theme \(ligne 4\) : clé inconnue/),
      expect.stringMatching(/^networks\[0\]\.logo \(ligne 12\) : clé inconnue/),
    ]);
  });

  it('fills the hub block from defaults and warns when base_url is missing', () => {
    const f = parseNetworksFile(
      'networks:\n  - slug: a\n    name: A\n    feeds: [https://a.example/feed.xml]\n',
    );
    expect(f.hub).toEqual({
      title: 'Intercoop',
      baseUrl: 'http://127.0.0.1:8787',
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    expect(f.warnings.join('\n')).toContain('pas de base_url');
  });

  it('lists every problem, each with its path and line, in French', () => {
    const problems = problemsOf(`hub:
  title: Intercoop
  base_url: ftp://hub.example.org
  language: de
  timezone: Mars/Olympus_Mons
networks:
  - slug: animacoop
    name: Animacoop
    site: https://animacoop.net/
  - slug: Réseau Sud
    name: Sud
    feeds: [https://sud.example.org/feed.xml, javascript:alert(1), /relative/feed.xml]
  - slug: vide
    name: Vide
  - slug: animacoop
    name: Doublon
    site: https://doublon.example.org/
  - slug: sans-nom
    feeds: [https://x.example.org/feed.xml, https://x.example.org/feed.xml]
  - juste un texte
`);
    expect(problems.map(formatProblem)).toEqual([
      'hub.base_url (ligne 3) : adresse invalide « ftp://hub.example.org » : seules les adresses http:// ou https:// sont acceptées',
      'hub.language (ligne 4) : langue « de » inconnue : fr ou en',
      'hub.timezone (ligne 5) : fuseau horaire inconnu « Mars/Olympus_Mons » (exemple : Europe/Paris)',
      expect.stringMatching(
        /^networks\[1\]\.slug \(réseau « Réseau Sud », ligne 10\) : identifiant invalide « Réseau Sud »/,
      ),
      expect.stringMatching(
        /^networks\[1\]\.feeds\[1\] \(réseau « Réseau Sud », ligne 12\) : adresse invalide « javascript:alert\(1\) »/,
      ),
      expect.stringMatching(
        /^networks\[1\]\.feeds\[2\] \(réseau « Réseau Sud », ligne 12\) : adresse invalide « \/relative\/feed\.xml »/,
      ),
      'networks[2] (réseau « vide », ligne 13) : le réseau « vide » doit indiquer au moins un site, un flux (feeds) ou un agenda (agendas)',
      'networks[3].slug (réseau « animacoop », ligne 15) : identifiant « animacoop » déjà utilisé par networks[0] : chaque réseau a le sien',
      'networks[4].name (réseau « sans-nom », ligne 18) : champ obligatoire',
      'networks[5] (ligne 20) : un réseau doit être un bloc (slug, name, site, feeds…)',
    ]);
    const duplicate = problemsOf(`networks:
  - slug: x
    name: X
    feeds:
      - https://x.example.org/feed.xml
      - https://x.example.org/feed.xml
`);
    expect(duplicate).toEqual([
      {
        path: 'networks[0].feeds[1]',
        line: 6,
        network: 'x',
        message: 'adresse déjà déclarée pour ce réseau : https://x.example.org/feed.xml',
      },
    ]);
  });

  it('reports unreadable YAML with its line, and refuses documents that are not a federation', () => {
    const syntax = problemsOf(
      'hub:\n  title: Intercoop\nnetworks:\n  - slug: a\n    name: [unclosed\n',
    );
    expect(syntax[0]!.message).toMatch(/^YAML illisible/);
    expect(syntax[0]!.line).toBeGreaterThanOrEqual(5);
    expect(problemsOf('hub:\n  title: A\n  title: B\nnetworks: []\n')[0]!.message).toMatch(
      /^YAML illisible/,
    );
    expect(problemsOf('')[0]!.message).toContain('networks:');
    expect(problemsOf('- a\n- b\n')[0]!.message).toContain('networks:');
    expect(problemsOf('hub:\n  title: X\n')).toEqual([
      { path: 'networks', line: 1, message: 'la liste des réseaux (networks:) est obligatoire' },
    ]);
    expect(problemsOf('networks: 3\n')[0]).toMatchObject({
      path: 'networks',
      line: 1,
      message: 'une liste de réseaux est attendue',
    });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
      'networks: []',
    ].join('\n');
    expect(problemsOf(bomb)[0]!.message).toMatch(/^YAML refusé : trop d'alias/);
  });

  it('the error message lists the problems, French first', () => {
    try {
      parseNetworksFile('networks:\n  - slug: A\n    name: A\n    site: https://a.example/\n');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        'Fichier de la fédération invalide / invalid federation file (1 problème) :\n' +
          '  - networks[0].slug (réseau « A », ligne 2) : identifiant invalide « A » : lettres minuscules sans accents, chiffres et tirets (a-z, 0-9, -), 64 caractères au plus',
      );
    }
  });
});

describe('parseNetworksFile hints', () => {
  it('suggests https:// for an address written without its scheme', () => {
    const problems = problemsOf('networks:\n  - slug: a\n    name: A\n    site: animacoop.net/\n');
    expect(problems).toEqual([
      {
        path: 'networks[0].site',
        line: 4,
        network: 'a',
        message:
          'adresse invalide « animacoop.net/ » : seules les adresses http:// ou https:// sont acceptées (vouliez-vous dire https://animacoop.net/ ?)',
      },
    ]);
  });
});

describe('parseNetworksFile numbers', () => {
  it('reads numbers where text is expected as text (YAML types `2024` as a number)', () => {
    const f = parseNetworksFile(
      'networks:\n  - slug: 1901\n    name: 2024\n    tags: [2024, coop]\n    site: https://a.example/\n',
    );
    expect(f.networks[0]).toMatchObject({ slug: '1901', name: '2024', tags: ['2024', 'coop'] });
    expect(
      problemsOf('networks:\n  - slug: a\n    name: true\n    site: https://a.example/\n'),
    ).toEqual([
      { path: 'networks[0].name', line: 3, network: 'a', message: 'un texte est attendu' },
    ]);
  });
});

describe('parseNetworksFile: a bad address names its network and field, and why', () => {
  const yaml = (url: string) =>
    `networks:\n  - slug: ok\n    name: OK\n    site: https://ok.example/\n` +
    `  - slug: animacoop\n    name: Animacoop\n    feeds:\n      - https://a.example/feed\n` +
    `      - ${JSON.stringify(url)}\n`;
  it.each([
    ['https://exa mple.org/feed', 'elle contient un espace'],
    ['https://example.org:99999/feed', 'vérifiez le nom d’hôte et le port'],
    ['http://[::1/feed', 'vérifiez le nom d’hôte et le port'],
    ['https://membre:pa/ss@example.org/feed', '« / » %2F'],
  ])('%s', (url, why) => {
    const [problem, ...others] = problemsOf(yaml(url));
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ path: 'networks[1].feeds[1]', network: 'animacoop', line: 9 });
    expect(problem!.message).toMatch(/^adresse illisible « .* » : /);
    expect(problem!.message).toContain(why);
    // Never "seules les adresses http:// ou https://" for an https:// address.
    expect(problem!.message).not.toContain('seules les adresses');
    expect(formatProblem(problem!)).toMatch(/^networks\[1\]\.feeds\[1\] \(réseau « animacoop », /);
    // A password in an unreadable address is not quoted back.
    expect(problem!.message).not.toContain('pa/ss');
  });
});
