/**
 * The simulated federation's members: French networks of digital inclusion (médiation
 * numérique), social economy (ESS) and local authorities, each with the feed format it
 * publishes in. Articles are written once here; dates are given in days before "now".
 */
export type DemoFormat = 'rss2' | 'rdf' | 'atom' | 'json' | 'json10' | 'latin1' | 'site';

export interface DemoArticle {
  /** Path segment of the article page. */
  slug: string;
  title: string;
  /** Paragraphs of the article (plain text, French). */
  body: string[];
  tags: string[];
  author: string;
  daysAgo: number;
}

/** A story one network republishes from another ("[Relais]" title, link with utm_ parameters). */
export interface DemoRelay {
  from: string;
  article: string;
  daysAgo: number;
}

export interface DemoNetworkSpec {
  slug: string;
  name: string;
  territory: string;
  tags: string[];
  format: DemoFormat;
  articles: DemoArticle[];
  relays?: DemoRelay[];
  /** Which agenda this network publishes (see agendas.ts), if any. */
  agenda?: 'weekly' | 'forum' | 'overseas' | 'conference';
}

export const DEMO_NETWORKS: DemoNetworkSpec[] = [
  {
    slug: 'mednum-occitanie',
    name: 'Médiation numérique Occitanie',
    territory: 'Occitanie',
    tags: ['médiation numérique', 'inclusion'],
    format: 'rss2',
    agenda: 'conference',
    articles: [
      {
        slug: 'conseillers-numeriques-bilan',
        title: 'Conseillers numériques : un premier bilan régional encourageant',
        body: [
          'Après deux années d’accompagnement, les conseillers numériques d’Occitanie ont ' +
            'reçu plus de 40 000 personnes dans les médiathèques, les mairies et les centres ' +
            'sociaux.',
          'Le bilan montre que les démarches administratives en ligne restent la première ' +
            'demande, devant la prise en main du smartphone.',
        ],
        tags: ['conseillers numériques', 'bilan'],
        author: 'Camille Martin',
        daysAgo: 1,
      },
      {
        slug: 'pass-numerique-toulouse',
        title: 'Pass numérique : Toulouse étend le dispositif aux quartiers prioritaires',
        body: [
          'Les carnets de chèques « Pass numérique » seront distribués par les maisons ' +
            'France services et les associations de quartier dès le mois prochain.',
        ],
        tags: ['pass numérique', 'Toulouse'],
        author: 'Camille Martin',
        daysAgo: 4,
      },
      {
        slug: 'atelier-seniors-cahors',
        title: 'À Cahors, un atelier hebdomadaire pour les seniors éloignés du numérique',
        body: [
          'Chaque jeudi, une dizaine de retraités apprennent à échanger des photos avec ' +
            'leurs petits-enfants et à prendre rendez-vous chez le médecin en ligne.',
        ],
        tags: ['seniors', 'ateliers'],
        author: 'Léo Garcia',
        daysAgo: 9,
      },
    ],
  },
  {
    slug: 'bretagne-numerique-solidaire',
    name: 'Bretagne numérique solidaire',
    territory: 'Bretagne',
    tags: ['médiation numérique', 'réemploi'],
    format: 'rdf',
    articles: [
      {
        slug: 'reemploi-ordinateurs-rennes',
        title: 'Réemploi : 1 200 ordinateurs reconditionnés pour les familles rennaises',
        body: [
          'Les ordinateurs collectés auprès des entreprises bretonnes sont reconditionnés ' +
            'par une entreprise d’insertion puis remis aux familles à tarif solidaire.',
        ],
        tags: ['réemploi', 'insertion'],
        author: 'Yann Le Goff',
        daysAgo: 2,
      },
      {
        slug: 'fresque-numerique-brest',
        title: 'La Fresque du numérique s’invite dans les lycées de Brest',
        body: [
          'Trois heures pour comprendre l’impact environnemental du numérique : les ' +
            'lycéens brestois ont participé à des ateliers collaboratifs animés par des ' +
            'bénévoles.',
        ],
        tags: ['sobriété numérique', 'jeunesse'],
        author: 'Maëlle Tanguy',
        daysAgo: 6,
      },
      {
        slug: 'tiers-lieux-ruraux-finistere',
        title: 'Finistère : les tiers-lieux ruraux deviennent des points d’accès au droit',
        body: [
          'Dans cinq communes, les tiers-lieux accueillent désormais des permanences ' +
            'd’accès aux droits avec un écrivain public numérique.',
        ],
        tags: ['ruralité', 'accès aux droits'],
        author: 'Yann Le Goff',
        daysAgo: 12,
      },
    ],
  },
  {
    slug: 'cress-aura',
    name: 'Chambre régionale de l’ESS Auvergne-Rhône-Alpes',
    territory: 'Auvergne-Rhône-Alpes',
    tags: ['ESS', 'emploi'],
    format: 'atom',
    articles: [
      {
        slug: 'mois-ess-programme',
        title: 'Mois de l’ESS : le programme complet en Auvergne-Rhône-Alpes',
        body: [
          'Plus de 300 événements sont proposés en novembre : portes ouvertes de ' +
            'coopératives, forums de l’emploi, ciné-débats et marchés solidaires.',
          'Retrouvez le programme par département et inscrivez-vous aux visites d’entreprises.',
        ],
        tags: ['Mois de l’ESS', 'événements'],
        author: 'Sophie Bernard',
        daysAgo: 2,
      },
      {
        slug: 'scic-energie-citoyenne',
        title: 'Une SCIC d’énergie citoyenne inaugure sa dixième centrale solaire',
        body: [
          'Portée par 800 sociétaires, la coopérative installe des panneaux sur les toits ' +
            'des écoles et réinvestit ses bénéfices dans la rénovation énergétique.',
        ],
        tags: ['SCIC', 'transition énergétique'],
        author: 'Julien Faure',
        daysAgo: 5,
      },
      {
        slug: 'emploi-ess-chiffres',
        title: 'Emploi dans l’ESS : les chiffres 2026 de l’observatoire régional',
        body: [
          'L’économie sociale et solidaire représente 11 % de l’emploi privé de la région, ' +
            'avec une progression marquée dans le soin et l’accompagnement.',
        ],
        tags: ['observatoire', 'emploi'],
        author: 'Sophie Bernard',
        daysAgo: 15,
      },
    ],
  },
  {
    slug: 'tiers-lieux-nouvelle-aquitaine',
    name: 'Coopérative des tiers-lieux de Nouvelle-Aquitaine',
    territory: 'Nouvelle-Aquitaine',
    tags: ['tiers-lieux', 'coopération'],
    format: 'json',
    articles: [
      {
        slug: 'fabrique-territoire-limoges',
        title: 'Une nouvelle Fabrique de territoire ouvre ses portes à Limoges',
        body: [
          'Atelier partagé, espace de coworking et café associatif : la Fabrique accueille ' +
            'artisans, associations et habitants dans une ancienne usine de porcelaine.',
        ],
        tags: ['Fabrique de territoire', 'Limoges'],
        author: 'Inès Moreau',
        daysAgo: 1,
      },
      {
        slug: 'gouvernance-partagee-guide',
        title: 'Guide pratique : réussir la gouvernance partagée d’un tiers-lieu',
        body: [
          'Collège des usagers, cercles de décision, consentement : le guide rassemble les ' +
            'méthodes éprouvées par vingt tiers-lieux de la région.',
        ],
        tags: ['gouvernance', 'guide'],
        author: 'Inès Moreau',
        daysAgo: 8,
      },
    ],
  },
  {
    slug: 'urscop-hauts-de-france',
    name: 'Union régionale des Scop et Scic Hauts-de-France',
    territory: 'Hauts-de-France',
    tags: ['Scop', 'entrepreneuriat'],
    format: 'latin1',
    articles: [
      {
        slug: 'reprise-entreprise-salaries',
        title: 'Économie sociale et solidaire : les salariés reprennent leur imprimerie en Scop',
        body: [
          'À Roubaix, vingt-deux salariés ont racheté leur entreprise à son fondateur ' +
            'parti à la retraite. Une reprise accompagnée par l’union régionale.',
        ],
        tags: ['reprise', 'Scop'],
        author: 'Hélène Dubois',
        daysAgo: 3,
      },
      {
        slug: 'creer-sa-cooperative',
        title: 'Créer sa coopérative : réunion d’information à Amiens',
        body: [
          'Statuts, capital, répartition des résultats : une matinée pour comprendre les ' +
            'étapes de la création d’une Scop ou d’une Scic.',
        ],
        tags: ['création', 'formation'],
        author: 'Hélène Dubois',
        daysAgo: 7,
      },
    ],
  },
  {
    slug: 'collectivites-grand-est',
    name: 'Collectivités numériques du Grand Est',
    territory: 'Grand Est',
    tags: ['collectivités', 'services publics'],
    format: 'site',
    articles: [
      {
        slug: 'portail-demarches-communes',
        title: 'Un portail commun de démarches en ligne pour 300 petites communes',
        body: [
          'Mutualisé par le syndicat numérique départemental, le portail permet de ' +
            'demander un acte d’état civil ou de réserver une salle en quelques clics.',
        ],
        tags: ['mutualisation', 'démarches en ligne'],
        author: 'Thomas Klein',
        daysAgo: 2,
      },
      {
        slug: 'accessibilite-sites-mairies',
        title: 'Accessibilité des sites de mairies : un audit gratuit proposé aux élus',
        body: [
          'Contrastes, navigation au clavier, documents lisibles : l’audit repère les ' +
            'obstacles rencontrés par les personnes en situation de handicap.',
        ],
        tags: ['accessibilité', 'élus'],
        author: 'Thomas Klein',
        daysAgo: 10,
      },
    ],
  },
  {
    slug: 'animacoop',
    name: 'Animacoop',
    territory: 'Occitanie',
    tags: ['formation', 'coopération'],
    format: 'rss2',
    agenda: 'weekly',
    relays: [
      { from: 'tiers-lieux-nouvelle-aquitaine', article: 'gouvernance-partagee-guide', daysAgo: 6 },
    ],
    articles: [
      {
        slug: 'formation-animation-projets-cooperatifs',
        title: 'Nouvelle session de formation à l’animation de projets coopératifs',
        body: [
          'Douze semaines pour apprendre à animer un collectif à distance, outiller la ' +
            'coopération et documenter ses pratiques en communs.',
        ],
        tags: ['formation', 'animation'],
        author: 'Équipe Animacoop',
        daysAgo: 3,
      },
      {
        slug: 'communs-numeriques-retour',
        title: 'Retour sur les rencontres des communs numériques à Montpellier',
        body: [
          'Wikis, logiciels libres et cartographies collaboratives : les participants ont ' +
            'partagé leurs outils et leurs difficultés à faire vivre les communs.',
        ],
        tags: ['communs', 'rencontres'],
        author: 'Équipe Animacoop',
        daysAgo: 11,
      },
    ],
  },
  {
    slug: 'ess-pays-de-la-loire',
    name: 'Réseau ESS Pays de la Loire',
    territory: 'Pays de la Loire',
    tags: ['ESS', 'alimentation'],
    format: 'atom',
    agenda: 'forum',
    articles: [
      {
        slug: 'epiceries-solidaires-reseau',
        title: 'Les épiceries solidaires ligériennes se fédèrent en réseau',
        body: [
          'Achats groupés, partage de bénévoles et formation commune : quinze épiceries ' +
            'solidaires créent une association régionale.',
        ],
        tags: ['alimentation', 'solidarité'],
        author: 'Anne Leroy',
        daysAgo: 2,
      },
      {
        slug: 'forum-ess-nantes',
        title: 'Forum régional de l’ESS à Nantes : inscriptions ouvertes',
        body: [
          'Une journée de tables rondes et d’ateliers sur le financement des projets, la ' +
            'coopération entre structures et l’emploi des jeunes.',
        ],
        tags: ['forum', 'Nantes'],
        author: 'Anne Leroy',
        daysAgo: 5,
      },
    ],
  },
  {
    slug: 'reunion-numerique-solidaire',
    name: 'La Réunion numérique solidaire',
    territory: 'La Réunion',
    tags: ['outre-mer', 'médiation numérique'],
    format: 'json10',
    agenda: 'overseas',
    articles: [
      {
        slug: 'bus-numerique-hauts',
        title: 'Le bus numérique sillonne les Hauts de La Réunion',
        body: [
          'Équipé d’ordinateurs et d’une connexion satellite, le bus s’arrête chaque ' +
            'semaine dans les écarts pour accompagner les habitants dans leurs démarches.',
        ],
        tags: ['itinérance', 'ruralité'],
        author: 'Nadia Payet',
        daysAgo: 1,
      },
      {
        slug: 'creole-interfaces',
        title: 'Des interfaces en créole pour faciliter l’accès aux services publics',
        body: [
          'Une association traduit les parcours les plus fréquents des sites publics et ' +
            'teste les textes avec les usagers des médiathèques.',
        ],
        tags: ['langues régionales', 'services publics'],
        author: 'Nadia Payet',
        daysAgo: 9,
      },
    ],
  },
  {
    slug: 'fabriques-ile-de-france',
    name: 'Fabriques numériques d’Île-de-France',
    territory: 'Île-de-France',
    tags: ['fablabs', 'réemploi'],
    format: 'rss2',
    articles: [
      {
        slug: 'repair-cafe-montreuil',
        title: 'Repair café de Montreuil : 500 objets réparés depuis janvier',
        body: [
          'Grille-pains, vélos et smartphones : les bénévoles du repair café transmettent ' +
            'leur savoir-faire et évitent des tonnes de déchets.',
        ],
        tags: ['réparation', 'Montreuil'],
        author: 'Karim Benali',
        daysAgo: 2,
      },
      {
        slug: 'fablab-college-saint-denis',
        title: 'Un fablab au collège : les élèves de Saint-Denis impriment leurs prothèses de main',
        body: [
          'Accompagnés par une association, les collégiens conçoivent et impriment en 3D ' +
            'des prothèses pour des enfants.',
        ],
        tags: ['fablab', 'éducation'],
        author: 'Karim Benali',
        daysAgo: 13,
      },
    ],
  },
  {
    slug: 'connexions-solidaires-normandie',
    name: 'Connexions solidaires Normandie',
    territory: 'Normandie',
    tags: ['inclusion', 'médiation numérique'],
    format: 'rss2',
    relays: [
      { from: 'mednum-occitanie', article: 'conseillers-numeriques-bilan', daysAgo: 0.5 },
      { from: 'cress-aura', article: 'mois-ess-programme', daysAgo: 1 },
    ],
    articles: [
      {
        slug: 'recharges-solidaires',
        title: 'Recharges téléphoniques solidaires : le dispositif s’étend à Caen',
        body: [
          'Les personnes orientées par les travailleurs sociaux peuvent obtenir un ' +
            'téléphone reconditionné et un forfait à prix réduit.',
        ],
        tags: ['téléphonie', 'Caen'],
        author: 'Claire Lemoine',
        daysAgo: 4,
      },
    ],
  },
  {
    slug: 'cae-centre-val-de-loire',
    name: 'Coopératives d’activité et d’emploi Centre-Val de Loire',
    territory: 'Centre-Val de Loire',
    tags: ['CAE', 'entrepreneuriat'],
    format: 'rdf',
    articles: [
      {
        slug: 'entrepreneurs-salaries-tours',
        title: 'Entrepreneurs-salariés : la CAE de Tours accueille sa 200e activité',
        body: [
          'Graphistes, maraîchers, formatrices : la coopérative d’activité et d’emploi ' +
            'permet de tester son projet en gardant la protection du salariat.',
        ],
        tags: ['CAE', 'Tours'],
        author: 'Marc Lefèvre',
        daysAgo: 3,
      },
      {
        slug: 'mutualiser-comptabilite',
        title:
          'Mutualiser la comptabilité : comment les CAE libèrent du temps aux porteurs de projet',
        body: [
          'Facturation, déclarations et assurances sont prises en charge par l’équipe ' +
            'd’appui, qui accompagne aussi le développement commercial.',
        ],
        tags: ['mutualisation', 'accompagnement'],
        author: 'Marc Lefèvre',
        daysAgo: 14,
      },
    ],
  },
];
