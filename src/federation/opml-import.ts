/**
 * OPML in: what a feed reader exports becomes networks in networks.yaml. Pure.
 * `parseOpml` reads the outlines (folders flattened into a category); `importOpml` merges them
 * into the federation file through yaml's Document API, so the coordinators' comments and
 * ordering survive the import.
 */
import { BoundedHtmlParser } from '../ingest/bounded-html.ts';
import { type Document, YAMLMap, YAMLSeq, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { FederationFileError, isHttpUrl, SLUG_PATTERN, webcalToHttps } from './networks-file.ts';

export type OutlineKind = 'feed' | 'agenda' | 'site';

export interface OpmlOutline {
  title: string | null;
  kind: OutlineKind;
  /** The feed or calendar URL (webcal:// already turned into https://); null for a bare site. */
  xmlUrl: string | null;
  htmlUrl: string | null;
  /** Enclosing folders, "Parent / Child", or the outline's category attribute; null at top level. */
  category: string | null;
}

export interface OpmlSkip {
  title: string | null;
  url: string | null;
  reason: string;
}

export interface OpmlDocument {
  title: string | null;
  outlines: OpmlOutline[];
  /** Outlines that could not be used (bad URL…), with why. */
  skipped: OpmlSkip[];
}

/** Not an OPML document (HTML page, RSS feed, garbage…). */
export class OpmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpmlError';
  }
}

interface Frame {
  attrs: Record<string, string>;
  children: number;
  index: number;
}

/** Reads an OPML 1.0/2.0 document. Throws OpmlError when it is not one. */
export function parseOpml(text: string): OpmlDocument {
  let root: string | null = null;
  let sawBody = false;
  let inHead = false;
  let inTitle = false;
  let title = '';
  const stack: Frame[] = [];
  const entries: { frame: Frame; folders: string[] }[] = [];
  const parser = new BoundedHtmlParser(
    {
      onopentag(rawName, rawAttrs) {
        const name = rawName.toLowerCase();
        if (root === null) root = name;
        if (root !== 'opml') return;
        if (name === 'head') inHead = true;
        else if (name === 'title' && inHead) inTitle = true;
        else if (name === 'body') sawBody = true;
        else if (name === 'outline') {
          const attrs = Object.fromEntries(
            Object.entries(rawAttrs).map(([k, v]) => [k.toLowerCase(), v.trim()]),
          );
          if (stack.length) stack[stack.length - 1]!.children++;
          const frame: Frame = { attrs, children: 0, index: entries.length };
          const folders = stack
            .filter((f) => !f.attrs.xmlurl)
            .map((f) => f.attrs.title || f.attrs.text || '')
            .filter(Boolean);
          entries.push({ frame, folders });
          stack.push(frame);
        }
      },
      ontext(data) {
        if (inTitle) title += data;
      },
      onclosetag(rawName) {
        const name = rawName.toLowerCase();
        if (name === 'head') inHead = false;
        else if (name === 'title') inTitle = false;
        else if (name === 'outline') stack.pop();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(text);
  parser.end();
  if (root !== 'opml') {
    throw new OpmlError(
      root
        ? `Ce n’est pas un fichier OPML : l’élément racine est <${root}>, <opml> attendu / not ` +
            'an OPML file'
        : 'Ce n’est pas un fichier OPML : aucun élément XML trouvé / not an OPML file',
    );
  }
  if (!sawBody)
    throw new OpmlError(
      'Fichier OPML sans <body> : aucun abonnement à importer / OPML file without a body',
    );

  const outlines: OpmlOutline[] = [];
  const skipped: OpmlSkip[] = [];
  for (const { frame, folders } of entries) {
    const a = frame.attrs;
    const name = a.title || a.text || null;
    const category = folders.length ? folders.join(' / ') : categoryAttr(a.category);
    const htmlUrl = a.htmlurl && isHttpUrl(a.htmlurl) ? a.htmlurl : null;
    if (a.xmlurl) {
      const calendar = isCalendar(a.xmlurl, a.type);
      const url = calendar ? webcalToHttps(a.xmlurl) : a.xmlurl;
      if (!isHttpUrl(url)) {
        skipped.push({
          title: name,
          url: a.xmlurl,
          reason: 'adresse refusée : seules http://, https:// et webcal:// sont acceptées',
        });
        continue;
      }
      outlines.push({
        title: name,
        kind: calendar ? 'agenda' : 'feed',
        xmlUrl: url,
        htmlUrl,
        category,
      });
    } else if (frame.children === 0 && htmlUrl) {
      // A bookmark-style outline: the site alone, its feeds discovered when pulled.
      outlines.push({ title: name, kind: 'site', xmlUrl: null, htmlUrl, category });
    } else if (frame.children === 0 && a.htmlurl) {
      skipped.push({
        title: name,
        url: a.htmlurl,
        reason: 'adresse refusée : seules http:// et https:// sont acceptées',
      });
    }
  }
  return { title: title.trim() || null, outlines, skipped };
}

function isCalendar(url: string, type: string | undefined): boolean {
  if (/^webcals?:\/\//i.test(url)) return true;
  if (type && /^(calendar|ical|icalendar|ics)$/i.test(type)) return true;
  try {
    return new URL(url).pathname.toLowerCase().endsWith('.ics');
  } catch {
    return false;
  }
}

/** OPML 2.0 category="/Coopération/Formation,/Autre": the first one, slashes as a path. */
function categoryAttr(value: string | undefined): string | null {
  const first = value
    ?.split(',')[0]
    ?.trim()
    .replace(/^\/+|\/+$/g, '');
  return first ? first.split('/').filter(Boolean).join(' / ') : null;
}

/** Accents folded, lower case, dashes: "Réseau Coop’Île" → "reseau-coop-ile". */
export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = s.length > 48 ? s.slice(0, 48).replace(/-[^-]*$/, '') || s.slice(0, 48) : s;
  return cut.replace(/-+$/, '');
}

export interface ImportResult {
  /** The federation file with the new networks and feeds. */
  yaml: string;
  added: {
    networks: { slug: string; name: string }[];
    feeds: { network: string; url: string }[];
    agendas: { network: string; url: string }[];
    sites: { network: string; url: string }[];
  };
  skipped: OpmlSkip[];
}

const NEW_FILE = `# Fédération Intercoop : la liste des réseaux membres (voir le README).
# Ajoutez base_url, l'adresse publique du hub (utilisée dans les flux, les courriels et les liens).
hub:
  title: Intercoop
  language: fr
  timezone: Europe/Paris
networks:
`;

/**
 * Adds the OPML's feeds and calendars to the federation file. Each outline joins the network
 * whose site has the same host, or becomes a network of its own (slug from its title);
 * URLs already in the file are skipped. Throws OpmlError / FederationFileError.
 */
export function importOpml(yamlText: string | null, opmlText: string): ImportResult {
  const opml = parseOpml(opmlText);
  const doc = parseDocument(yamlText?.trim() ? yamlText : NEW_FILE);
  if (doc.errors.length) {
    throw new FederationFileError(
      doc.errors.map((e) => ({
        path: '',
        line: e.linePos?.[0]?.line ?? null,
        message: `YAML illisible : ${e.message.split('\n')[0]}`,
      })),
    );
  }
  try {
    doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new FederationFileError([
      {
        path: '',
        line: null,
        message: `YAML refusé : trop d'alias (*ancre) à développer (${(err as Error).message})`,
      },
    ]);
  }
  if (doc.contents === null) doc.contents = parseDocument(NEW_FILE).contents;
  if (!isMap(doc.contents))
    throw new FederationFileError([
      {
        path: '',
        line: 1,
        message: 'le fichier doit contenir un bloc hub: et une liste networks:',
      },
    ]);

  let list = doc.get('networks', true);
  if (list === undefined || list === null || (isScalar(list) && list.value === null)) {
    list = new YAMLSeq();
    doc.set('networks', list);
  }
  if (!isSeq(list))
    throw new FederationFileError([
      { path: 'networks', line: null, message: 'une liste de réseaux est attendue' },
    ]);
  const networks = list;
  // A flow `networks: []` would turn every imported network into one long line.
  networks.flow = false;

  const slugs = new Set<string>();
  const byHost = new Map<string, YAMLMap>();
  const present = new Map<string, string>();
  for (const item of networks.items) {
    if (!isMap(item)) continue;
    const n = item.toJSON() as Record<string, unknown>;
    const slug = typeof n.slug === 'string' ? n.slug : '?';
    slugs.add(slug);
    const site = typeof n.site === 'string' ? n.site : null;
    const host = hostOf(site);
    if (host && !byHost.has(host)) byHost.set(host, item);
    if (site) present.set(urlKey(site), slug);
    for (const key of ['feeds', 'agendas']) {
      const v = n[key];
      for (const url of Array.isArray(v) ? v : typeof v === 'string' ? [v] : [])
        if (typeof url === 'string') present.set(urlKey(url.trim()), slug);
    }
  }

  const result: ImportResult = {
    yaml: '',
    added: { networks: [], feeds: [], agendas: [], sites: [] },
    skipped: [...opml.skipped],
  };
  for (const o of opml.outlines) {
    const url = (o.xmlUrl ?? o.htmlUrl)!;
    const already = present.get(urlKey(url));
    if (already) {
      result.skipped.push({
        title: o.title,
        url,
        reason: `déjà présent dans le réseau « ${already} »`,
      });
      continue;
    }
    const host = hostOf(o.htmlUrl) ?? hostOf(o.xmlUrl);
    const existing = host ? byHost.get(host) : undefined;
    if (existing) {
      const slug = String(existing.get('slug'));
      if (o.kind === 'site') {
        result.skipped.push({
          title: o.title,
          url,
          reason: `site déjà déclaré par le réseau « ${slug} »`,
        });
        continue;
      }
      const key = o.kind === 'agenda' ? 'agendas' : 'feeds';
      appendTo(doc, existing, key, url);
      result.added[key].push({ network: slug, url });
      present.set(urlKey(url), slug);
      continue;
    }
    const name = o.title ?? host ?? url;
    const slug = uniqueSlug(slugify(name) || slugify(host ?? '') || 'reseau', slugs);
    slugs.add(slug);
    const map = new YAMLMap();
    map.set('slug', slug);
    map.set('name', name);
    if (o.htmlUrl) map.set('site', o.htmlUrl);
    // The innermost folder is the closest thing to a tag a feed reader keeps.
    if (o.category) map.set('tags', flowSeq([o.category.split(' / ').pop()!]));
    if (o.kind !== 'site') map.set(o.kind === 'agenda' ? 'agendas' : 'feeds', flowSeq([url]));
    networks.items.push(map);
    if (host) byHost.set(host, map);
    if (o.htmlUrl) present.set(urlKey(o.htmlUrl), slug);
    present.set(urlKey(url), slug);
    result.added.networks.push({ slug, name });
    if (o.kind === 'site') result.added.sites.push({ network: slug, url });
    else result.added[o.kind === 'agenda' ? 'agendas' : 'feeds'].push({ network: slug, url });
  }
  result.yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return result;
}

function flowSeq(values: string[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const v of values) seq.items.push(v as never);
  return seq;
}

function appendTo(doc: Document, network: YAMLMap, key: 'feeds' | 'agendas', url: string): void {
  const current = network.get(key, true);
  if (isSeq(current)) {
    current.items.push(doc.createNode(url));
  } else if (isScalar(current) && typeof current.value === 'string' && current.value.trim()) {
    network.set(key, flowSeq([current.value.trim(), url]));
  } else {
    network.set(key, flowSeq([url]));
  }
}

function uniqueSlug(base: string, taken: Set<string>): string {
  const stem = SLUG_PATTERN.test(base) ? base : 'reseau';
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/**
 * What makes two spellings of one feed the same for the import: scheme, "www.", host case,
 * default port and a trailing slash aside (http://www.A.org/feed/ = https://a.org/feed).
 */
function urlKey(url: string): string {
  try {
    const u = new URL(webcalToHttps(url));
    return (
      `${u.hostname.replace(/^www\./, '')}${u.port ? `:${u.port}` : ''}` +
      `${u.pathname.replace(/\/+$/, '')}${u.search}`
    );
  } catch {
    return url;
  }
}

/** Host without "www.", lower case, or null. */
function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}
