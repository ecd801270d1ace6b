/** The networks section's words, French first. */
import { defineMessages } from '../web/i18n.ts';

export const nt = defineMessages({
  fr: {
    title: 'Réseaux',
    intro: (n: number) => `${n} réseau${n > 1 ? 'x' : ''} dans la fédération.`,
    add: 'Ajouter un réseau',
    pullAll: 'Tout récupérer maintenant',
    pullOne: 'Récupérer maintenant',
    edit: 'Modifier',
    pause: 'Mettre en pause',
    resume: 'Reprendre',
    retire: 'Retirer de la fédération',
    paused: 'En pause',
    tell: 'À dire au réseau : ',
    noSources: 'Aucune source.',
    retired: 'Réseaux retirés',
    retiredHelp: 'Ils ne sont plus récupérés ; leurs actualités passées restent lisibles.',
    bringBack: 'Réintégrer',
    kind: (k: string) =>
      ({ feed: 'Flux', calendar: 'Agenda', site: 'Site (flux découvert)' })[k] ?? k,
    territory: 'Territoire',
    tags: 'Thèmes',
    consoleEdited: (when: string) =>
      `Modifié dans la console le ${when}, depuis la dernière synchronisation de networks.yaml. ` +
      'Ces modifications vivent dans la base : si le fichier change, il les remplacera au ' +
      'prochain ' +
      'démarrage ou à « intercoop networks sync ». Pour les garder, téléchargez le fichier ' +
      'exporté ' +
      'et mettez-le à la place de networks.yaml.',
    fileChanged:
      'Attention : networks.yaml a changé depuis sa dernière synchronisation. Au prochain ' +
      'démarrage ' +
      '(ou « intercoop networks sync »), il remplacera les modifications faites ici.',
    download: 'Télécharger networks.yaml (export)',
    // Add / edit form
    addTitle: 'Ajouter un réseau',
    address: 'Adresse du site ou d’un flux',
    addressHelp: 'Le hub lit la page et propose les flux et agendas qu’elle signale.',
    look: 'Chercher les flux',
    found: 'Flux et agendas trouvés',
    foundHelp: 'Cochez ceux à récupérer.',
    noneFound:
      'Cette adresse ne signale aucun flux ni agenda. Vous pouvez quand même enregistrer le site ' +
      ': ' +
      'le hub réessaiera de découvrir ses flux à chaque relève, ou saisissez une adresse de flux.',
    cannotRead: (why: string) => `Adresse illisible : ${why}`,
    slug: 'Identifiant (dans les adresses, ne change plus)',
    slugHelp: 'Lettres minuscules sans accents, chiffres et tirets.',
    name: 'Nom',
    site: 'Site',
    territoryField: 'Territoire',
    tagsField: 'Thèmes (séparés par des virgules)',
    description: 'Description courte',
    feeds: 'Flux (un par ligne)',
    agendas: 'Agendas iCalendar (un par ligne)',
    save: 'Enregistrer',
    editTitle: (n: string) => `Modifier « ${n} »`,
    retireHelp:
      'Retirer : le réseau quitte la fédération (et l’export). Son historique reste lisible ; ' +
      'vous pourrez le réintégrer.',
    notFound: 'Réseau introuvable',
    back: 'Retour aux réseaux',
    // Pull results
    pullTitle: 'Récupération',
    pullSummary: (n: number, ok: number, failed: number, fresh: number) =>
      `${n} source${n > 1 ? 's' : ''} relevée${n > 1 ? 's' : ''} : ${ok} sans erreur, ${failed} ` +
      `en échec, ${fresh} nouvelle${fresh > 1 ? 's' : ''} actualité${fresh > 1 ? 's' : ''} ou ` +
      `événement${fresh > 1 ? 's' : ''}.`,
    nothingToPull: 'Aucune source active à récupérer.',
  },
  en: {
    title: 'Networks',
    intro: (n: number) => `${n} network${n > 1 ? 's' : ''} in the federation.`,
    add: 'Add a network',
    pullAll: 'Fetch everything now',
    pullOne: 'Fetch now',
    edit: 'Edit',
    pause: 'Pause',
    resume: 'Resume',
    retire: 'Retire from the federation',
    paused: 'Paused',
    tell: 'Tell the network: ',
    noSources: 'No source.',
    retired: 'Retired networks',
    retiredHelp: 'No longer fetched; their past news stays readable.',
    bringBack: 'Bring back',
    kind: (k: string) =>
      ({ feed: 'Feed', calendar: 'Calendar', site: 'Website (feed discovered)' })[k] ?? k,
    territory: 'Territory',
    tags: 'Topics',
    consoleEdited: (when: string) =>
      `Edited in the console on ${when}, since networks.yaml was last synced. ` +
      'These edits live in the database: if the file changes, it replaces them at the next start ' +
      'or “intercoop networks sync”. To keep them, download the export and put it in place of ' +
      'networks.yaml.',
    fileChanged:
      'Warning: networks.yaml changed since it was last synced. At the next start (or ' +
      '“intercoop networks sync”) it will replace the edits made here.',
    download: 'Download networks.yaml (export)',
    addTitle: 'Add a network',
    address: 'Address of the website or of a feed',
    addressHelp: 'The hub reads the page and offers the feeds and calendars it advertises.',
    look: 'Find the feeds',
    found: 'Feeds and calendars found',
    foundHelp: 'Tick the ones to fetch.',
    noneFound:
      'This address advertises no feed or calendar. You may still save the site: the hub will ' +
      'try ' +
      'to discover its feeds at each pull, or type a feed address.',
    cannotRead: (why: string) => `Cannot read this address: ${why}`,
    slug: 'Identifier (in addresses, never changes)',
    slugHelp: 'Lower-case letters without accents, digits and hyphens.',
    name: 'Name',
    site: 'Website',
    territoryField: 'Territory',
    tagsField: 'Topics (comma-separated)',
    description: 'Short description',
    feeds: 'Feeds (one per line)',
    agendas: 'iCalendar agendas (one per line)',
    save: 'Save',
    editTitle: (n: string) => `Edit “${n}”`,
    retireHelp:
      'Retire: the network leaves the federation (and the export). Its history stays readable; ' +
      'you can bring it back.',
    notFound: 'Network not found',
    back: 'Back to the networks',
    pullTitle: 'Fetch',
    pullSummary: (n: number, ok: number, failed: number, fresh: number) =>
      `${n} source${n > 1 ? 's' : ''} fetched: ${ok} without error, ${failed} failed, ${fresh} ` +
      `new stor${fresh === 1 ? 'y' : 'ies'} or event${fresh === 1 ? '' : 's'}.`,
    nothingToPull: 'No active source to fetch.',
  },
});

/** What the list says after an action (?done=…). */
export const doneText: Record<'fr' | 'en', Record<string, (slug: string) => string>> = {
  fr: {
    added: (s: string) =>
      `Réseau « ${s} » ajouté. Ses sources seront récupérées à la prochaine relève (ou ` +
      'maintenant, avec le bouton).',
    saved: (s: string) => `Réseau « ${s} » enregistré.`,
    paused: (s: string) => `Réseau « ${s} » mis en pause : ses sources ne sont plus récupérées.`,
    resumed: (s: string) =>
      `Réseau « ${s} » repris : ses sources seront récupérées à la prochaine relève.`,
    retired: (s: string) => `Réseau « ${s} » retiré de la fédération.`,
  },
  en: {
    added: (s: string) =>
      `Network “${s}” added. Its sources are fetched at the next pull (or now, with the button).`,
    saved: (s: string) => `Network “${s}” saved.`,
    paused: (s: string) => `Network “${s}” paused: its sources are no longer fetched.`,
    resumed: (s: string) => `Network “${s}” resumed: its sources are fetched at the next pull.`,
    retired: (s: string) => `Network “${s}” retired from the federation.`,
  },
};

/** One source's result after "Récupérer maintenant". */
export const outcomeText: Record<
  'fr' | 'en',
  Record<string, (fresh: number, updated: number) => string>
> = {
  fr: {
    ok: (n: number, u: number) =>
      `Récupérée : ${n} nouveauté${n > 1 ? 's' : ''}, ${u} mise${u > 1 ? 's' : ''} à jour`,
    not_modified: () => 'Inchangée depuis la dernière fois',
    gone: () => 'Le site dit que cette source n’existe plus (410) : elle est retirée',
    error: () => 'Échec',
  },
  en: {
    ok: (n: number, u: number) => `Fetched: ${n} new, ${u} updated`,
    not_modified: () => 'Unchanged since last time',
    gone: () => 'The site says this source no longer exists (410): it is retired',
    error: () => 'Failed',
  },
};
