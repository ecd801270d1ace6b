/**
 * The command line's help, in French and English: `intercoop help [COMMAND]`,
 * `intercoop COMMAND --help`, and the usage line a command prints after a bad argument.
 */
import { defineMessages, type Lang } from '../../src/web/i18n.ts';

/** One command's synopsis (the same in both languages) and its lines of explanation. */
interface CommandHelp {
  synopsis: string[];
  fr: string[];
  en: string[];
}

const COMMANDS: Record<string, CommandHelp> = {
  serve: {
    synopsis: ['serve'],
    fr: ['serveur HTTP, relèves et lettres programmées'],
    en: ['HTTP server + scheduled pulls and digests'],
  },
  pull: {
    synopsis: ['pull [--network SLUG] [--due] [--json]'],
    fr: ['relève maintenant (--due : seulement les sources dues)', 'et résume chaque source'],
    en: ['pull now (--due: only sources due) and print a summary per source'],
  },
  networks: {
    synopsis: [
      'networks sync [--force]',
      'networks import FILE.opml [--dry-run]',
      'networks list',
      'networks export [FILE]',
    ],
    fr: [
      'sync : charge networks.yaml dans la base (--force : même inchangé)',
      'import : ajoute à networks.yaml les flux d’un fichier OPML',
      'list : les réseaux membres, leurs sources et leur santé',
      'export : la fédération de la base au format networks.yaml',
    ],
    en: [
      'sync: load networks.yaml into the store (--force: even unchanged)',
      'import: add the feeds of an OPML file to networks.yaml',
      'list: the member networks, their sources and their health',
      'export: the stored federation in the networks.yaml format',
    ],
  },
  items: {
    synopsis: ['items show ITEM_ID', 'items split ENTRY_ID'],
    fr: [
      'show : une actualité, ses entrées et pourquoi elles ont été fusionnées',
      'split : sépare une entrée fusionnée à tort dans une actualité à elle',
    ],
    en: [
      'show: a story, its entries and why they were merged',
      'split: move a wrongly merged entry to a story of its own',
    ],
  },
  parse: {
    synopsis: ['parse FILE_OR_URL'],
    fr: ['ce que le hub lit d’un flux ou d’un agenda (JSON)'],
    en: ['print what the hub reads from one feed or calendar (JSON)'],
  },
  digest: {
    synopsis: ['digest [--dry-run] [--to EMAIL] [--takeover]'],
    fr: [
      'prépare et envoie les lettres dues (--dry-run : compte sans envoyer ;',
      '--to : un aperçu à cette adresse ; --takeover : reprend tout de suite',
      'les envois d’une exécution interrompue)',
    ],
    en: [
      'build and send the digests that are due (--dry-run: count, send nothing;',
      '--to: a preview to that address; --takeover: resume a crashed run’s',
      'claimed deliveries now)',
    ],
  },
  demo: {
    synopsis: ['demo [--once]'],
    fr: ['une fédération simulée et un hub qui la relève (hors ligne)'],
    en: ['start a simulated federation and a hub pulling it (offline)'],
  },
};

const words = defineMessages({
  fr: {
    usage: 'Usage : intercoop <commande>',
    more: 'intercoop help COMMANDE : l’aide d’une commande.',
    language: 'Langue : français ; anglais avec LANG=en_US.UTF-8 (ou LC_ALL, LC_MESSAGES).',
    unknown: (command: string) => `Commande inconnue : ${command}`,
  },
  en: {
    usage: 'Usage: intercoop <command>',
    more: 'intercoop help COMMAND: one command’s help.',
    language: 'Language: French; English with LANG=en_US.UTF-8 (or LC_ALL, LC_MESSAGES).',
    unknown: (command: string) => `Unknown command: ${command}`,
  },
});

/** Whether `name` is one of the commands. */
export function isCommand(name: string): boolean {
  return Object.hasOwn(COMMANDS, name);
}

/** The short usage a command prints after a bad argument: `Usage : intercoop digest …`. */
export function usageLine(command: string, lang: Lang): string {
  const prefix = lang === 'fr' ? 'Usage : ' : 'Usage: ';
  const lines = COMMANDS[command]!.synopsis.map((s) => `intercoop ${s}`);
  return `${prefix}${lines.join(' | ')}`;
}

/** One command's help: its synopsis lines, then what it does. */
export function commandHelp(command: string, lang: Lang): string {
  const help = COMMANDS[command]!;
  return [...help.synopsis.map((s) => `intercoop ${s}`), '', ...help[lang]].join('\n');
}

/** Where the explanations start in `intercoop help`. */
const COLUMN = 30;

/** The help of all commands (`intercoop help`). */
export function usage(lang: Lang): string {
  const t = words(lang);
  const indent = ' '.repeat(COLUMN + 2);
  const rows = Object.values(COMMANDS).flatMap(({ synopsis, [lang]: text }) => {
    // A short one-line synopsis shares its line with the explanation; longer ones stand alone
    // and the explanation follows below them.
    const [first, ...more] = text;
    if (synopsis.length === 1 && synopsis[0]!.length < COLUMN)
      return [`  ${synopsis[0]!.padEnd(COLUMN)}${first}`, ...more.map((l) => indent + l)];
    return [...synopsis.map((l) => `  ${l}`), ...text.map((l) => indent + l)];
  });
  return [t.usage, '', ...rows, '', t.more, t.language].join('\n');
}

/** The message for a command that does not exist, followed by the help. */
export function unknownCommand(command: string, lang: Lang): string {
  return `${words(lang).unknown(command)}\n\n${usage(lang)}`;
}
