/**
 * The simulated federation of bench/ingest: `sources` member feeds of `items` stories each, in
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 (one in three each), French text, and about 5 % of each
 * feed relaying another member's story ("[Relais]" title, link with utm_ parameters): the
 * dedup has real work to do. Pure and deterministic: source `i` always renders the same bytes,
 * so its ETag is known without rendering it (the all-304 pull costs the server nothing).
 */

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
const TERRITORIES = ['Occitanie', 'Bretagne', 'Grand Est', 'Hauts-de-France', 'Normandie', 'Auvergne-Rhône-Alpes', 'Nouvelle-Aquitaine', 'Île-de-France', 'Pays de la Loire', 'Provence-Alpes-Côte d’Azur', 'Centre-Val de Loire', 'Bourgogne-Franche-Comté', 'La Réunion'];
const KINDS = ['Coopérative', 'Réseau', 'Collectif', 'Association', 'Fédération', 'Union', 'Maison', 'Pôle'];
const THEMES = ['habitat participatif', 'médiation numérique', 'circuits courts', 'tiers-lieux', 'énergie citoyenne', 'mobilité solidaire', 'finance solidaire', 'éducation populaire', 'insertion', 'agriculture paysanne', 'réemploi', 'culture', 'santé communautaire', 'logiciels libres'];
const PLACES = ['Toulouse', 'Rennes', 'Lille', 'Nantes', 'Marseille', 'Lyon', 'Strasbourg', 'Besançon', 'Montpellier', 'Bordeaux', 'Limoges', 'Brest', 'Grenoble', 'Dijon', 'Clermont-Ferrand', 'Poitiers', 'Saint-Denis', 'Tours', 'Caen', 'Metz'];
const SUBJECTS = ['Les bénévoles', 'Les habitantes et habitants', 'Les adhérents', 'Les partenaires', 'Les salariés de la coopérative'];
const SUBJECT_ONE = ['La coopérative', 'Le conseil d’administration', 'Notre réseau', 'L’équipe salariée', 'Le collectif', 'La fédération'];
const VERBS = ['ont présenté', 'organisent', 'lancent', 'accompagnent', 'soutiennent', 'ouvrent', 'préparent', 'renouvellent', 'animent', 'documentent', 'financent', 'relancent'];
const VERB_ONE = ['a présenté', 'organise', 'lance', 'accompagne', 'soutient', 'ouvre', 'prépare', 'renouvelle', 'anime', 'documente', 'finance', 'relance'];
const OBJECTS = ['un atelier de réparation de vélos', 'une permanence d’accès aux droits', 'un fonds de dotation territorial', 'une épicerie solidaire', 'un chantier participatif', 'une formation à la gouvernance partagée', 'un groupement d’achat', 'une ressourcerie', 'un café associatif', 'une cantine de quartier', 'un jardin partagé', 'une école de la coopération', 'un forum des initiatives locales', 'une centrale villageoise photovoltaïque'];
const COMPLEMENTS = ['avec le soutien de la région', 'dans le cadre du contrat de ville', 'pour la troisième année consécutive', 'en lien avec les centres sociaux', 'malgré la baisse des subventions', 'grâce à une campagne de financement participatif', 'aux côtés des collectivités', 'avec les habitants du quartier', 'en partenariat avec la chambre régionale de l’ESS', 'après six mois de concertation'];
const TITLE_HEADS = ['Retour sur', 'Appel à participation :', 'Bilan :', 'Ouverture :', 'Rencontre :', 'Portrait :', 'Lancement de', 'Compte rendu :', 'Journée d’étude :', 'Nouveau :'];
const AUTHORS = ['Camille Martin', 'Léa Bernard', 'Hugo Petit', 'Inès Moreau', 'Nathan Laurent', 'Chloé Garnier', 'Mathis Rousseau', 'Zoé Fontaine', 'Élise Chevalier', 'Yanis Roux', 'Anaïs Lefèvre', 'Théo Mercier'];

/** Share of each feed's items that relay another member's story. */
export const RELAY_SHARE = 0.05;

/** Mulberry32, seeded per source and item: the same bytes on every render. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  return { etag: `"bench-${index}-${items}"`, lastModified: new Date(Date.UTC(2026, 10, 1, 8, index % 60)).toUTCString() };
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
  // Distinct numbers in the title keep independent stories apart (they are not relays).
  const title = `${pick(TITLE_HEADS)} ${pick(OBJECTS)} à ${place} (${theme}, n° ${i}-${k})`;
  const subjectVerb = () => (rnd() < 0.5 ? `${pick(SUBJECTS)} ${pick(VERBS)}` : `${pick(SUBJECT_ONE)} ${pick(VERB_ONE)}`);
  const sentence = () => `${subjectVerb()} ${pick(OBJECTS)} ${pick(COMPLEMENTS)}, à ${pick(PLACES)}, autour de la question ${pick(THEMES)}.`;
  const paragraphs = Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => Array.from({ length: 2 + Math.floor(rnd() * 3) }, sentence).join(' '));
  const html =
    paragraphs.map((p, n) => (n === 1 ? `<p>${escape(p)} <a href="${base}/${src.slug}/ressources/${k}">En savoir plus</a>.</p>` : `<p>${escape(p)}</p>`)).join('\n') +
    (k % 5 === 0 ? `\n<p><img src="${base}/${src.slug}/images/${k}.jpg" alt="Photo de l’événement à ${escape(place)}" width="640" height="360"></p>` : '');
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
export function storiesOf(baseOf: BaseOf, i: number, items: number, sources: number, now: number): Story[] {
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
      html: `${story.html}\n<p><em>Article relayé depuis <a href="${baseOf(from)}/${benchSource(from).slug}/">${escape(benchSource(from).name)}</a>.</em></p>`,
      published: new Date(story.published.getTime() + 3_600_000 > now ? now - 1000 : story.published.getTime() + 3_600_000),
    });
  }
  return out;
}

/** Number of relays one feed of `items` items carries (the dedup should merge each into its original). */
export function relaysPerFeed(items: number, sources: number): number {
  if (sources < 2 || items < 4) return 0;
  return Math.max(1, Math.round(items * RELAY_SHARE));
}

export function renderSource(baseOf: BaseOf, i: number, items: number, sources: number, now: number): RenderedFeed {
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
    <id>${escape(s.id)}</id>
    <title>${escape(s.title)}</title>
    <link rel="alternate" href="${escape(s.url)}"/>
    <published>${s.published.toISOString()}</published>
    <updated>${s.published.toISOString()}</updated>
    <author><name>${escape(s.author)}</name></author>
${s.tags.map((t) => `    <category term="${escape(t)}"/>`).join('\n')}
    <summary>${escape(s.summary)}</summary>
    <content type="html">${escape(s.html)}</content>
  </entry>`,
      )
      .join('\n');
    return {
      contentType: 'application/atom+xml; charset=utf-8',
      body: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>${escape(src.name)}</title>
  <id>${escape(site)}</id>
  <link rel="alternate" href="${escape(site)}"/>
  <link rel="self" href="${escape(self)}"/>
  <updated>${stories[0]?.published.toISOString() ?? new Date(now).toISOString()}</updated>
${entries}
</feed>
`,
    };
  }
  const itemsXml = stories
    .map(
      (s) => `    <item>
      <title>${escape(s.title)}</title>
      <link>${escape(s.url)}</link>
      <guid isPermaLink="false">${escape(s.id)}</guid>
      <pubDate>${s.published.toUTCString()}</pubDate>
      <dc:creator>${escape(s.author)}</dc:creator>
${s.tags.map((t) => `      <category>${escape(t)}</category>`).join('\n')}
      <description>${escape(s.summary)}</description>
      <content:encoded><![CDATA[${s.html}]]></content:encoded>
    </item>`,
    )
    .join('\n');
  return {
    contentType: 'application/rss+xml; charset=utf-8',
    body: `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${escape(src.name)}</title>
    <link>${escape(site)}</link>
    <description>Actualités de ${escape(src.name)}</description>
    <language>fr</language>
${itemsXml}
  </channel>
</rss>
`,
  };
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The federation file (networks.yaml) declaring sources 0…n-1, fetched at `urlOf(i)`. */
export function federationYaml(n: number, urlOf: (i: number) => string): string {
  const lines = ['hub:', '  title: Intercoop (banc d’essai)', '  base_url: http://127.0.0.1:8787', '  language: fr', '  timezone: Europe/Paris', 'networks:'];
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
