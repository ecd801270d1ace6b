/**
 * Reads the federation file (networks.yaml, or the same structure as JSON) into a Federation.
 * Pure: no I/O. Every problem is collected, not just the first, each with its path and, when
 * the YAML says where, its line, so a coordinator can fix the whole file in one go.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { defaultHubSettings, type HubSettings } from '../db/hub-settings.ts';
import { withMaskedCredentials } from '../public-url.ts';

/** One member network as declared. Absent fields are null / empty lists. */
export interface NetworkDeclaration {
  slug: string;
  name: string;
  site: string | null;
  territory: string | null;
  tags: string[];
  description: string | null;
  feeds: string[];
  agendas: string[];
}

export interface Federation {
  hub: HubSettings;
  networks: NetworkDeclaration[];
  /** Tolerated oddities (unknown keys, missing base_url…), in French. */
  warnings: string[];
}

export interface FederationProblem {
  /** "networks[3].slug"; empty for the document as a whole. */
  path: string;
  /** 1-based line in the file, when known. */
  line: number | null;
  /** The slug of the network the problem is in, when it has a readable one. */
  network?: string | null;
  message: string;
}

/** The file cannot be used as it is; `problems` lists everything wrong with it. */
export class FederationFileError extends Error {
  readonly problems: FederationProblem[];
  constructor(problems: FederationProblem[]) {
    super(
      `Fichier de la fédération invalide / invalid federation file (${problems.length} ` +
        `problème${problems.length > 1 ? 's' : ''}) :\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'FederationFileError';
    this.problems = problems;
  }
}

/** "networks[3].feeds[1] (réseau « animacoop », ligne 27) : …" */
export function formatProblem(p: FederationProblem): string {
  const about = [p.network ? `réseau « ${p.network} »` : '', p.line ? `ligne ${p.line}` : '']
    .filter(Boolean)
    .join(', ');
  return `${p.path || 'document'}${about ? ` (${about})` : ''} : ${p.message}`;
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** http(s) URL with a host; anything else (javascript:, file:, relative) is refused. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** webcal:// is how sites advertise calendars; the hub fetches the same URL over https. */
export function webcalToHttps(value: string): string {
  return value.replace(/^webcals?:\/\//i, 'https://');
}

/**
 * The IANA zones the runtime lists, read once. Building an Intl.DateTimeFormat loads the
 * locale's calendar and pattern data from ICU, ~6 MB of Node's binary that stays resident in
 * every `pull` and `serve` that reads networks.json (issue 19: memory); the list costs 0.4 MB.
 */
let listedZones: Set<string> | undefined;

/**
 * A zone the runtime lists is valid; anything else (names ICU lists under another, such as
 * Asia/Kolkata; UTC; other spellings) gets the formatter's answer, so the verdict is the
 * formatter's in every case.
 */
export function isValidTimeZone(tz: string): boolean {
  listedZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (listedZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The checks below are plain functions rather than a schema library's: zod kept ~6 MB resident
 * in `serve` for this file and the settings (issue 19: idle memory). Each check returns the
 * value read, or FAIL after recording why at its path; the messages are the coordinator's.
 */
type Path = (string | number)[];
interface Issue {
  path: Path;
  message: string;
}
const FAIL = Symbol('invalid');
type Check<T> = (value: unknown, path: Path, issues: Issue[]) => T | typeof FAIL;

const fail = (issues: Issue[], path: Path, message: string): typeof FAIL => {
  issues.push({ path, message });
  return FAIL;
};

// YAML writes an empty key (`feeds:`) as null: read it as absent.
const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (v, path, issues) =>
    v === null || v === undefined ? undefined : check(v, path, issues);

// A single value where a list is expected (`tags: formation`) is read as a one-item list.
const listOf =
  <T>(item: Check<T>): Check<T[]> =>
  (v, path, issues) => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) return fail(issues, path, 'une liste est attendue');
    const out: T[] = [];
    let ok = true;
    list.forEach((x, i) => {
      const r = item(x, [...path, i], issues);
      if (r === FAIL) ok = false;
      else out.push(r);
    });
    return ok ? out : FAIL;
  };

/** A block of named fields, each checked (every problem recorded); unknown keys are left out. */
const block =
  <S extends Record<string, Check<unknown>>>(
    fields: S,
    error: string,
  ): Check<{ [K in keyof S]: Exclude<ReturnType<S[K]>, typeof FAIL> }> =>
  (v, path, issues) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(issues, path, error);
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const [key, check] of Object.entries(fields)) {
      const r = check((v as Record<string, unknown>)[key], [...path, key], issues);
      if (r === FAIL) ok = false;
      else if (r !== undefined) out[key] = r;
    }
    return ok ? (out as { [K in keyof S]: Exclude<ReturnType<S[K]>, typeof FAIL> }) : FAIL;
  };

/** A string, trimmed; `wrongType` when the value is something else (present). */
const string =
  (wrongType: string, missing = wrongType): Check<string> =>
  (v, path, issues) =>
    typeof v === 'string' ? v.trim() : fail(issues, path, v == null ? missing : wrongType);

// YAML reads `name: 2024` or `tags: [2024]` as numbers; a coordinator meant text.
const numberAsText = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v);

const text: Check<string> = (v, path, issues) => {
  const t = string('un texte est attendu', 'champ obligatoire')(numberAsText(v), path, issues);
  return t === '' ? fail(issues, path, 'ne doit pas être vide') : t;
};

const httpUrl: Check<string> = (v, path, issues) => {
  const t = string('une adresse (texte) est attendue', 'champ obligatoire')(v, path, issues);
  return t === FAIL || isHttpUrl(t) ? t : fail(issues, path, urlProblem(t));
};

/**
 * Why an address is refused, quoted with its password masked (the message is shown and logged).
 * An https:// address the URL parser cannot read is not "not http(s)": say what to look at.
 */
function urlProblem(value: string): string {
  const v = value.trim();
  // An unreadable address with an `@` may hide a password holding a `/`: mask up to the last `@`.
  const at = v.lastIndexOf('@');
  const start = v.indexOf('//') + 2;
  const shown =
    isHttpUrl(v) || at < 0 || start < 2 || at < start
      ? withMaskedCredentials(v)
      : `${v.slice(0, start)}***${v.slice(at)}`;
  const quoted = `« ${shown} »`;
  if (!/^https?:/i.test(value.trim()))
    return (
      `adresse invalide ${quoted} : seules les adresses http:// ou https:// sont ` +
      `acceptées${schemeHint(value)}`
    );
  if (/\s/.test(value.trim())) return `adresse illisible ${quoted} : elle contient un espace`;
  return (
    `adresse illisible ${quoted} : vérifiez le nom d’hôte et le port ; dans un identifiant ou ` +
    'un mot de passe, écrivez « / » %2F, « @ » %40, « : » %3A et « # » %23'
  );
}

/** "animacoop.net/feed" is the usual slip: suggest the full address. */
function schemeHint(value: string): string {
  const v = value.trim();
  return !/^[a-z][a-z0-9+.-]*:/i.test(v) && /^[\w-]+(\.[\w-]+)+(\/|$)/.test(v)
    ? ` (vouliez-vous dire https://${v} ?)`
    : '';
}

const agendaUrl: Check<string> = (v, path, issues) =>
  httpUrl(typeof v === 'string' ? webcalToHttps(v.trim()) : v, path, issues);

const language: Check<'fr' | 'en'> = (v, path, issues) =>
  v === 'fr' || v === 'en' ? v : fail(issues, path, `langue « ${String(v)} » inconnue : fr ou en`);

const timezone: Check<string> = (v, path, issues) => {
  const t = string('un fuseau horaire (texte) est attendu')(v, path, issues);
  return t === FAIL || isValidTimeZone(t)
    ? t
    : fail(issues, path, `fuseau horaire inconnu « ${t} » (exemple : Europe/Paris)`);
};

const email: Check<string> = (v, path, issues) => {
  const t = string('une adresse électronique (texte) est attendue')(v, path, issues);
  if (t === FAIL) return t;
  const address = t.toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)
    ? address
    : fail(issues, path, `adresse électronique invalide « ${address} »`);
};

const slug: Check<string> = (v, path, issues) => {
  const s = numberAsText(v);
  if (typeof s !== 'string')
    return fail(issues, path, s == null ? 'champ obligatoire' : 'un texte est attendu');
  return SLUG_PATTERN.test(s)
    ? s
    : fail(
        issues,
        path,
        `identifiant invalide « ${s} » : lettres minuscules sans accents, ` +
          'chiffres et tirets (a-z, 0-9, -), 64 caractères au plus',
      );
};

const hubBlock = block(
  {
    title: optional(text),
    base_url: optional(httpUrl),
    language: optional(language),
    timezone: optional(timezone),
    coordinators: optional(listOf(email)),
  },
  'un bloc (clé: valeur) est attendu',
);

const networkBlock = block(
  {
    slug,
    name: text,
    site: optional(httpUrl),
    territory: optional(text),
    tags: optional(listOf(text)),
    description: optional(text),
    feeds: optional(listOf(httpUrl)),
    agendas: optional(listOf(agendaUrl)),
  },
  'un réseau doit être un bloc (slug, name, site, feeds…)',
);

const networkList: Check<unknown[]> = (v, path, issues) => {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  return fail(
    issues,
    path,
    v === undefined
      ? 'la liste des réseaux (networks:) est obligatoire'
      : 'une liste de réseaux est attendue',
  );
};

const KNOWN = {
  root: new Set(['hub', 'networks']),
  hub: new Set(['title', 'base_url', 'language', 'timezone', 'coordinators']),
  network: new Set([
    'slug',
    'name',
    'site',
    'territory',
    'tags',
    'description',
    'feeds',
    'agendas',
  ]),
};

/** Parses and checks networks.yaml (JSON is accepted too: it is YAML). Throws FederationFileError. */
export function parseNetworksFile(source: string): Federation {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new FederationFileError(
      doc.errors.map((e) => ({
        path: '',
        line: e.linePos?.[0]?.line ?? null,
        message: `YAML illisible : ${firstLine(e.message)}`,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // yaml refuses alias bombs (billion laughs) while expanding them.
    throw new FederationFileError([
      {
        path: '',
        line: null,
        message: `YAML refusé : trop d'alias (*ancre) à développer (${(err as Error).message})`,
      },
    ]);
  }
  const problems: FederationProblem[] = [];
  const at = (path: (string | number)[], message: string) =>
    problems.push({
      path: formatPath(path),
      line: lineOf(doc, lines, path),
      ...withNetwork(networkSlugAt(raw, path)),
      message,
    });
  const warnings: string[] = [];
  const warn = (path: (string | number)[], message: string) => {
    const line = lineOf(doc, lines, path);
    warnings.push(`${formatPath(path)}${line ? ` (ligne ${line})` : ''} : ${message}`);
  };

  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    at([], 'le fichier doit contenir un bloc hub: et une liste networks:');
    throw new FederationFileError(problems);
  }
  const top = raw as Record<string, unknown>;
  unknownKeys(top, KNOWN.root, [], warn);

  // The hub block and each network are checked apart so that one bad value hides no other problem.
  const hub: HubSettings = { ...defaultHubSettings };
  const issues: Issue[] = [];
  const report = (prefix: Path) => {
    for (const issue of issues.splice(0)) at([...prefix, ...issue.path], issue.message);
  };
  const h = optional(hubBlock)(top.hub, [], issues);
  report(['hub']);
  if (h && h !== FAIL) {
    unknownKeys(top.hub as Record<string, unknown>, KNOWN.hub, ['hub'], warn);
    if (h.title) hub.title = h.title;
    if (h.base_url) hub.baseUrl = h.base_url.replace(/\/+$/, '');
    if (h.language) hub.language = h.language;
    if (h.timezone) hub.timezone = h.timezone;
    if (h.coordinators?.length) hub.coordinators = [...new Set(h.coordinators)];
  }
  if (h !== FAIL && !h?.base_url)
    warn(
      ['hub'],
      'pas de base_url : les liens du hub utiliseront HUB_BASE_URL ou ' +
        `${defaultHubSettings.baseUrl}`,
    );

  const list = networkList(top.networks, [], issues);
  if (list === FAIL) {
    report(['networks']);
    throw new FederationFileError(problems);
  }

  const networks: NetworkDeclaration[] = [];
  const slugLines = new Map<string, number>();
  list.forEach((value, i) => {
    const n = networkBlock(value, [], issues);
    report(['networks', i]);
    if (n === FAIL) return;
    unknownKeys(value as Record<string, unknown>, KNOWN.network, ['networks', i], warn);
    const feeds = n.feeds ?? [];
    const agendas = n.agendas ?? [];
    if (!n.site && !feeds.length && !agendas.length) {
      at(
        ['networks', i],
        `le réseau « ${n.slug} » doit indiquer au moins un site, un flux (feeds) ou un agenda ` +
          '(agendas)',
      );
    }
    const seen = new Set<string>();
    for (const [key, urls] of [
      ['feeds', feeds],
      ['agendas', agendas],
    ] as const) {
      urls.forEach((url, j) => {
        if (seen.has(url))
          at(['networks', i, key, j], `adresse déjà déclarée pour ce réseau : ${url}`);
        seen.add(url);
      });
    }
    const first = slugLines.get(n.slug);
    if (first !== undefined) {
      at(
        ['networks', i, 'slug'],
        `identifiant « ${n.slug} » déjà utilisé par networks[${first}] : chaque réseau a le sien`,
      );
      return;
    }
    slugLines.set(n.slug, i);
    networks.push({
      slug: n.slug,
      name: n.name,
      site: n.site ?? null,
      territory: n.territory ?? null,
      tags: [...new Set(n.tags ?? [])],
      description: n.description ?? null,
      feeds,
      agendas,
    });
  });
  if (problems.length) throw new FederationFileError(problems);
  if (!networks.length)
    warn(
      ['networks'],
      'aucun réseau déclaré : une synchronisation désactivera tous les réseaux connus',
    );
  return { hub, networks, warnings };
}

function unknownKeys(
  obj: Record<string, unknown>,
  known: Set<string>,
  path: (string | number)[],
  warn: (p: (string | number)[], m: string) => void,
) {
  for (const key of Object.keys(obj)) {
    if (!known.has(key))
      warn([...path, key], `clé inconnue ignorée (attendu : ${[...known].join(', ')})`);
  }
}

/** ['networks', 3, 'slug'] → "networks[3].slug" */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k),
    '',
  );
}

/**
 * The line of the node at `path`, or of its nearest existing parent (a missing key is reported
 * where its block starts).
 */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return null;
}

function firstLine(message: string): string {
  // The position is reported apart (ligne N): drop yaml's own "at line 2, column 7:".
  return message
    .split('\n')[0]!
    .replace(/\s*at line \d+, column \d+:?\s*$/, '')
    .trim();
}

const withNetwork = (slug: string | null) => (slug === null ? {} : { network: slug });

/** The slug written in the network a path points into (`networks[3]…`), if it is text. */
function networkSlugAt(raw: unknown, path: (string | number)[]): string | null {
  if (path[0] !== 'networks' || typeof path[1] !== 'number') return null;
  const list = (raw as { networks?: unknown } | null)?.networks;
  const slug = Array.isArray(list) ? (list[path[1]] as { slug?: unknown } | null)?.slug : null;
  return typeof slug === 'string' || typeof slug === 'number' ? String(slug).slice(0, 64) : null;
}
