/**
 * The simulated federation of bench/ingest: `sources` member feeds of `items` stories each, in
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 (one in three each), French text, and about 5 % of each
 * feed relaying another member's story ("[Relais]" title, link with utm_ parameters): the
 * dedup has real work to do. Pure and deterministic: source `i` always renders the same bytes,
 * so its ETag is known without rendering it (the all-304 pull costs the server nothing).
 */
import { prng } from '../prng.ts';

export type BenchFormat = 'rss' | 'atom' | 'json';

export interface BenchSource {
  index: number;
  /** Network slug (one network per source: a federation of 1,000 small members). */
  slug: string;
  name: string;
  territory: string;
  format: BenchFormat;
  /** URL path on the federation server. */
  path: string;
}

export interface RenderedFeed {
  contentType: string;
  body: string;
}

const FORMATS: BenchFormat[] = ['rss', 'atom', 'json'];
const TERRITORIES = [
  'Occitanie',
  'Bretagne',
  'Grand Est',
  'Hauts-de-France',
  'Normandie',
  'Auvergne-Rhône-Alpes',
  'Nouvelle-Aquitaine',
  'Île-de-France',
  'Pays de la Loire',
  'Provence-Alpes-Côte d’Azur',
  'Centre-Val de Loire',
  'Bourgogne-Franche-Comté',
  'La Réunion',
];
const KINDS = [
  'Coopérative',
  'Réseau',
  'Collectif',
  'Association',
  'Fédération',
  'Union',
  'Maison',
  'Pôle',
];
const THEMES = [
  'habitat participatif',
  'médiation numérique',
  'circuits courts',
  'tiers-lieux',
  'énergie citoyenne',
  'mobilité solidaire',
  'finance solidaire',
  'éducation populaire',
  'insertion',
  'agriculture paysanne',
  'réemploi',
  'culture',
  'santé communautaire',
  'logiciels libres',
];
const PLACES = [
  'Toulouse',
  'Rennes',
  'Lille',
  'Nantes',
  'Marseille',
  'Lyon',
  'Strasbourg',
  'Besançon',
  'Montpellier',
  'Bordeaux',
  'Limoges',
  'Brest',
  'Grenoble',
  'Dijon',
  'Clermont-Ferrand',
  'Poitiers',
  'Saint-Denis',
  'Tours',
  'Caen',
  'Metz',
];
/**
 * A French lexicon large enough that two unrelated stories share few word 3-shingles, as real
 * articles do (a small set of sentence templates would make every story a near-duplicate of
 * every other and measure a pathological case of the dedup, not a federation).
 */
const NOUN_PHRASES = [
  'la coopérative',
  'le jardin partagé',
  'l’atelier vélo',
  'la ressourcerie',
  'le tiers-lieu',
  'la mairie',
  'le conseil départemental',
  'la communauté de communes',
  'le centre social',
  'la médiathèque',
  'l’épicerie solidaire',
  'le collectif d’habitants',
  'la maison de quartier',
  'le fablab',
  'la recyclerie',
  'le café associatif',
  'la ferme collective',
  'le marché de producteurs',
  'la régie de quartier',
  'le chantier d’insertion',
  'la caisse solidaire',
  'le fonds territorial',
  'la centrale villageoise',
  'le réseau de chaleur',
  'l’école de la deuxième chance',
  'la crèche parentale',
  'le groupement d’employeurs',
  'la plateforme de mobilité',
  'le garage solidaire',
  'la cantine scolaire',
  'le conseil citoyen',
  'la fédération régionale',
  'l’assemblée générale',
  'le comité de pilotage',
  'la commission éthique',
  'le bureau élargi',
  'la permanence juridique',
  'le point d’accueil',
  'la boutique de gestion',
  'le pôle territorial de coopération économique',
  'la scop du bâtiment',
  'la société coopérative d’intérêt collectif',
  'le groupement d’achat',
  'l’habitat participatif',
  'la monnaie locale',
  'le circuit court',
  'la filière bois',
  'la conserverie',
  'le verger conservatoire',
  'la friche industrielle',
  'l’ancienne gare',
  'le moulin communal',
  'la halle couverte',
  'le local associatif',
  'la salle des fêtes',
  'le bus numérique',
  'la formation des bénévoles',
  'le diagnostic partagé',
  'l’étude de faisabilité',
  'la convention de partenariat',
  'le budget participatif',
  'la charte de gouvernance',
  'le rapport d’activité',
  'la feuille de route',
  'la campagne d’adhésion',
  'le financement participatif',
  'la subvention régionale',
  'le prêt d’honneur',
  'l’appel à projets',
  'le contrat de ville',
  'la délégation de service public',
  'le marché public responsable',
  'la semaine de l’économie sociale',
  'le mois de l’économie sociale et solidaire',
  'la fête du quartier',
  'le forum des associations',
  'la journée portes ouvertes',
  'le festival des solidarités',
  'la nuit de la lecture',
  'le salon des savoir-faire',
  'la consigne des bouteilles',
  'le compostage collectif',
  'la réparation des appareils',
  'le prêt d’outils',
  'l’accès aux droits',
  'la lutte contre l’illettrisme',
  'l’accompagnement numérique',
  'la garde d’enfants',
  'la transition énergétique',
  'la sobriété foncière',
  'la rénovation thermique',
  'la mobilité rurale',
  'l’alimentation durable',
  'la santé communautaire',
  'l’éducation populaire',
  'la culture scientifique',
  'le logiciel libre',
  'la cartographie collaborative',
  'la base de données ouverte',
  'le site internet',
  'la lettre d’information',
  'le podcast',
  'la web-radio',
  'l’exposition photographique',
  'la présidente',
  'le trésorier',
  'la coordinatrice',
  'le directeur',
  'l’animatrice',
  'le service civique',
  'la stagiaire',
  'le chargé de mission',
];
const ADJECTIVES = [
  'solidaire',
  'durable',
  'économique',
  'numérique',
  'démocratique',
  'écologique',
  'pratique',
  'agricole',
  'accessible',
  'responsable',
  'autonome',
  'rapide',
  'simple',
  'libre',
  'utile',
  'sobre',
  'exemplaire',
  'fragile',
  'inédit',
  'ambitieux',
  'modeste',
  'original',
  'nécessaire',
  'indispensable',
  'historique',
  'symbolique',
  'pédagogique',
  'artistique',
  'technique',
  'juridique',
  'financier',
  'territorial',
];
const VERBS = [
  'accompagne',
  'finance',
  'réunit',
  'transforme',
  'soutient',
  'anime',
  'accueille',
  'prolonge',
  'relance',
  'documente',
  'évalue',
  'renforce',
  'rejoint',
  'remplace',
  'complète',
  'prépare',
  'inaugure',
  'mutualise',
  'forme',
  'conseille',
  'équipe',
  'rénove',
  'partage',
  'ouvre',
  'organise',
  'présente',
  'défend',
  'mobilise',
  'illustre',
  'éclaire',
  'interroge',
  'relie',
  'héberge',
  'valorise',
  'diffuse',
  'rassemble',
  'structure',
  'pérennise',
  'expérimente',
  'simplifie',
];
const LINKS = [
  'grâce à',
  'avec',
  'pour',
  'malgré',
  'au service de',
  'aux côtés de',
  'autour de',
  'en lien avec',
  'au profit de',
  'à la demande de',
  'après',
  'avant',
  'sans',
  'contre',
  'depuis',
  'selon',
];
const ADVERBS = [
  'désormais',
  'depuis janvier',
  'cette année',
  'chaque mardi',
  'deux fois par mois',
  'tout l’été',
  'dès la rentrée',
  'pour la première fois',
  'à nouveau',
  'enfin',
  'discrètement',
  'avec succès',
  'en douceur',
  'sans attendre',
  'pas à pas',
  'collectivement',
];
const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const PEOPLE = [
  'Camille Martin',
  'Léa Bernard',
  'Hugo Petit',
  'Inès Moreau',
  'Nathan Laurent',
  'Chloé Garnier',
  'Mathis Rousseau',
  'Zoé Fontaine',
  'Élise Chevalier',
  'Yanis Roux',
  'Anaïs Lefèvre',
  'Théo Mercier',
  'Jeanne Dubois',
  'Karim Benali',
  'Solène Perrin',
  'Maëlle Guérin',
  'Bastien Leroy',
  'Nadia Haddad',
  'Paul Mallet',
  'Rose Carpentier',
];
const TITLE_HEADS = [
  'Retour sur',
  'Appel à participation :',
  'Bilan :',
  'Ouverture :',
  'Rencontre :',
  'Portrait :',
  'Lancement de',
  'Compte rendu :',
  'Journée d’étude :',
  'Nouveau :',
];
const AUTHORS = PEOPLE;

/** Share of each feed's items that relay another member's story. */
export const RELAY_SHARE = 0.05;

export function benchSource(index: number): BenchSource {
  const format = FORMATS[index % FORMATS.length]!;
  const slug = `reseau-${String(index).padStart(4, '0')}`;
  const ext = format === 'json' ? 'feed.json' : format === 'atom' ? 'feed.atom' : 'feed.xml';
  return {
    index,
    slug,
    name: `${KINDS[index % KINDS.length]} ${THEMES[index % THEMES.length]} ${PLACES[(index * 7) % PLACES.length]} ${index}`,
    territory: TERRITORIES[index % TERRITORIES.length]!,
    format,
    path: `/${slug}/${ext}`,
  };
}

/** Validators of source `i`: constant for a given item count (the content never changes). */
export function validators(index: number, items: number): { etag: string; lastModified: string } {
  return {
    etag: `"bench-${index}-${items}"`,
    lastModified: new Date(Date.UTC(2026, 10, 1, 8, index % 60)).toUTCString(),
  };
}

interface Story {
  id: string;
  url: string;
  title: string;
  html: string;
  summary: string;
  author: string;
  tags: string[];
  published: Date;
}

/** Where source `i` is served (the federation spreads its members over several ports: several "hosts"). */
export type BaseOf = (index: number) => string;

/** Story `k` of source `i`, as its own network publishes it. `now` anchors the dates (past only). */
function originalStory(baseOf: BaseOf, i: number, k: number, now: number): Story {
  const base = baseOf(i);
  const rnd = prng(i * 100_003 + k * 7919 + 1);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const src = benchSource(i);
  const place = pick(PLACES);
  const theme = pick(THEMES);
  const np = () => pick(NOUN_PHRASES);
  const cap = (t: string) => t[0]!.toUpperCase() + t.slice(1);
  // Distinct numbers in the title keep independent stories apart (they are not relays).
  const title = `${pick(TITLE_HEADS)} ${np()} ${pick(ADJECTIVES)} à ${place} (${theme}, n° ${i}-${k})`;
  const sentence = () => {
    const shape = Math.floor(rnd() * 4);
    if (shape === 0)
      return `${cap(np())} ${pick(ADJECTIVES)} ${pick(VERBS)} ${np()} ${pick(LINKS)} ${np()}.`;
    if (shape === 1)
      return `${cap(pick(ADVERBS))}, ${np()} ${pick(VERBS)} ${np()} ${pick(ADJECTIVES)} ${pick(LINKS)} ${np()} de ${pick(PLACES)}.`;
    if (shape === 2)
      return `Pour ${pick(PEOPLE)}, ${np()} ${pick(VERBS)} ${pick(ADVERBS)} ${np()} ${pick(LINKS)} ${np()} ${pick(ADJECTIVES)}.`;
    return `${cap(np())} ${pick(VERBS)} ${np()} ${pick(ADJECTIVES)}, ${pick(ADVERBS)}, ${pick(LINKS)} ${np()} et ${np()}.`;
  };
  const lead = `À ${place}, le ${1 + Math.floor(rnd() * 28)} ${pick(MONTHS)}, ${1 + Math.floor(rnd() * 200)} personnes ont rejoint ${np()} ${pick(ADJECTIVES)} : ${pick(PEOPLE)} ${pick(VERBS)} ${np()}.`;
  const paragraphs = Array.from({ length: 3 + Math.floor(rnd() * 3) }, (_, n) =>
    [
      ...(n === 0 ? [lead] : []),
      ...Array.from({ length: 2 + Math.floor(rnd() * 3) }, sentence),
    ].join(' '),
  );
  const html =
    paragraphs
      .map((p, n) =>
        n === 1
          ? `<p>${escapeXml(p)} <a href="${base}/${src.slug}/ressources/${k}">En savoir plus</a>.</p>`
          : `<p>${escapeXml(p)}</p>`,
      )
      .join('\n') +
    (k % 5 === 0
      ? `\n<p><img src="${base}/${src.slug}/images/${k}.jpg" alt="Photo de l’événement à ${escapeXml(place)}" width="640" height="360"></p>`
      : '');
  return {
    id: `${base}/${src.slug}/actualites/${k}`,
    url: `${base}/${src.slug}/actualites/${k}-${place.toLowerCase().replace(/[^a-z]+/g, '-')}`,
    title,
    html,
    summary: paragraphs[0]!.slice(0, 240),
    author: pick(AUTHORS),
    tags: [theme, pick(THEMES)],
    published: new Date(now - (k * 3 + (i % 11)) * 3_600_000 - 60_000),
  };
}

/** The stories source `i` publishes: its own, with ~5 % of them replaced by relays of a neighbour's. */
export function storiesOf(
  baseOf: BaseOf,
  i: number,
  items: number,
  sources: number,
  now: number,
): Story[] {
  const relays = relaysPerFeed(items, sources);
  const every = Math.max(1, Math.floor(items / Math.max(1, relays)));
  const base = baseOf(i);
  const out: Story[] = [];
  let relayed = 0;
  for (let k = 0; k < items; k++) {
    if (!(relayed < relays && k % every === 1)) {
      out.push(originalStory(baseOf, i, k, now));
      continue;
    }
    relayed++;
    const from = (i * 7 + 3 + k) % sources === i ? (i + 1) % sources : (i * 7 + 3 + k) % sources;
    const story = originalStory(baseOf, from, k + 1, now);
    out.push({
      ...story,
      id: `${base}/${benchSource(i).slug}/relais/${from}-${k + 1}`,
      url: `${story.url}?utm_source=${benchSource(i).slug}&utm_medium=rss&utm_campaign=relais`,
      title: `[Relais] ${story.title}`,
      html: `${story.html}\n<p><em>Article relayé depuis <a href="${baseOf(from)}/${benchSource(from).slug}/">${escapeXml(benchSource(from).name)}</a>.</em></p>`,
      published: new Date(
        story.published.getTime() + 3_600_000 > now
          ? now - 1000
          : story.published.getTime() + 3_600_000,
      ),
    });
  }
  return out;
}

/** Number of relays one feed of `items` items carries (the dedup should merge each into its original). */
export function relaysPerFeed(items: number, sources: number): number {
  if (sources < 2 || items < 4) return 0;
  return Math.max(1, Math.round(items * RELAY_SHARE));
}

export function renderSource(
  baseOf: BaseOf,
  i: number,
  items: number,
  sources: number,
  now: number,
): RenderedFeed {
  const src = benchSource(i);
  const base = baseOf(i);
  const stories = storiesOf(baseOf, i, items, sources, now);
  const site = `${base}/${src.slug}/`;
  const self = `${base}${src.path}`;
  if (src.format === 'json') {
    return {
      contentType: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: src.name,
        home_page_url: site,
        feed_url: self,
        language: 'fr',
        items: stories.map((s) => ({
          id: s.id,
          url: s.url,
          title: s.title,
          content_html: s.html,
          summary: s.summary,
          date_published: s.published.toISOString(),
          authors: [{ name: s.author }],
          tags: s.tags,
        })),
      }),
    };
  }
  if (src.format === 'atom') {
    const entries = stories
      .map(
        (s) => `  <entry>
    <id>${escapeXml(s.id)}</id>
    <title>${escapeXml(s.title)}</title>
    <link rel="alternate" href="${escapeXml(s.url)}"/>
    <published>${s.published.toISOString()}</published>
    <updated>${s.published.toISOString()}</updated>
    <author><name>${escapeXml(s.author)}</name></author>
${s.tags.map((t) => `    <category term="${escapeXml(t)}"/>`).join('\n')}
    <summary>${escapeXml(s.summary)}</summary>
    <content type="html">${escapeXml(s.html)}</content>
  </entry>`,
      )
      .join('\n');
    return {
      contentType: 'application/atom+xml; charset=utf-8',
      body: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>${escapeXml(src.name)}</title>
  <id>${escapeXml(site)}</id>
  <link rel="alternate" href="${escapeXml(site)}"/>
  <link rel="self" href="${escapeXml(self)}"/>
  <updated>${stories[0]?.published.toISOString() ?? new Date(now).toISOString()}</updated>
${entries}
</feed>
`,
    };
  }
  const itemsXml = stories
    .map(
      (s) => `    <item>
      <title>${escapeXml(s.title)}</title>
      <link>${escapeXml(s.url)}</link>
      <guid isPermaLink="false">${escapeXml(s.id)}</guid>
      <pubDate>${s.published.toUTCString()}</pubDate>
      <dc:creator>${escapeXml(s.author)}</dc:creator>
${s.tags.map((t) => `      <category>${escapeXml(t)}</category>`).join('\n')}
      <description>${escapeXml(s.summary)}</description>
      <content:encoded><![CDATA[${s.html}]]></content:encoded>
    </item>`,
    )
    .join('\n');
  return {
    contentType: 'application/rss+xml; charset=utf-8',
    body: `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${escapeXml(src.name)}</title>
    <link>${escapeXml(site)}</link>
    <description>Actualités de ${escapeXml(src.name)}</description>
    <language>fr</language>
${itemsXml}
  </channel>
</rss>
`,
  };
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The federation file (networks.yaml) declaring sources 0…n-1, fetched at `urlOf(i)`. */
export function federationYaml(n: number, urlOf: (i: number) => string): string {
  const lines = [
    'hub:',
    '  title: Intercoop (banc d’essai)',
    '  base_url: http://127.0.0.1:8787',
    '  language: fr',
    '  timezone: Europe/Paris',
    'networks:',
  ];
  for (let i = 0; i < n; i++) {
    const s = benchSource(i);
    lines.push(
      `  - slug: ${s.slug}`,
      `    name: ${JSON.stringify(s.name)}`,
      `    territory: ${JSON.stringify(s.territory)}`,
      `    tags: [${JSON.stringify(THEMES[i % THEMES.length])}]`,
      `    feeds: [${JSON.stringify(urlOf(i))}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}
