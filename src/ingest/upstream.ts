/**
 * Reading another hub's feed as a hub (hubs of hubs). An Intercoop hub's feeds say which of its
 * networks published each story: JSON Feed `_hub.networks` (and, at the top, `_hub.networks`
 * with their names), Atom and RSS categories in the scheme `BASE/networks`. A downstream hub
 * keeps that provenance instead of crediting every story to the upstream hub alone, and
 * follows the feed's next page on a first pull to get the upstream history.
 *
 * Pure: the document's text in, what it says as a hub out (null for an ordinary feed).
 */
import { Parser } from 'htmlparser2';

export interface UpstreamNetwork {
  slug: string;
  name: string;
  site: string | null;
  territory: string | null;
}

export interface Upstream {
  /** The networks the upstream hub names (with their names when the feed gives them). */
  networks: UpstreamNetwork[];
  /** Each story's upstream network slugs, by the story's guid (JSON `id`, Atom `id`, RSS `guid`). */
  stories: Map<string, string[]>;
  /** The next (older) page of the feed: JSON `next_url`, Atom/RSS `<link rel="next">`. */
  next: string | null;
}

const SLUG = /^[a-z0-9-]{1,64}$/;
/** Bounds what one document may declare (a hostile "hub" cannot grow the store unbounded). */
const MAX_NETWORKS = 500;
const MAX_PER_STORY = 20;
/** The category scheme a hub writes for its networks (`${base}/networks`). */
const NETWORK_SCHEME = /^https?:\/\/[^\s]+\/networks\/?$/;
const HUB_CATEGORY = /(?:scheme|domain)=["']https?:\/\/[^"'\s]+\/networks\/?["']/;

export function readUpstream(text: string): Upstream | null {
  const head = text.trimStart().slice(0, 1);
  if (head === '{') return text.includes('"_hub"') ? readJson(text) : null;
  // Only a document with a network category in a hub's scheme is parsed again (cheap test; the
  // plain search first rules out, in native code, the feeds that never write "/networks").
  return text.includes('/networks') && HUB_CATEGORY.test(text) ? readXml(text) : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function slugs(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const s of list) if (typeof s === 'string' && SLUG.test(s) && !out.includes(s)) out.push(s);
  return out.slice(0, MAX_PER_STORY);
}

function readJson(text: string): Upstream | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null; // the feed reader says what is wrong with it
  }
  if (!isObject(doc) || !Array.isArray(doc.items)) return null;
  const stories = new Map<string, string[]>();
  for (const item of doc.items) {
    if (!isObject(item) || !isObject(item._hub)) continue;
    const id = typeof item.id === 'number' ? String(item.id) : str(item.id);
    const nets = slugs(item._hub.networks);
    if (id && nets.length) stories.set(id, nets);
  }
  if (!stories.size) return null;
  const named = new Map<string, UpstreamNetwork>();
  const declared = isObject(doc._hub) && Array.isArray(doc._hub.networks) ? doc._hub.networks : [];
  for (const n of declared.slice(0, MAX_NETWORKS)) {
    if (!isObject(n)) continue;
    const slug = str(n.slug);
    if (!slug || !SLUG.test(slug)) continue;
    named.set(slug, {
      slug,
      name: (str(n.name) ?? slug).slice(0, 200),
      site: httpUrl(str(n.home_page_url)),
      territory: str(n.territory)?.slice(0, 200) ?? null,
    });
  }
  return { networks: withUnnamed(named, stories), stories, next: httpUrl(str(doc.next_url)) };
}

/** Atom `<entry>` / RSS `<item>`: their id and network categories; the feed's next link. */
function readXml(text: string): Upstream | null {
  const stories = new Map<string, string[]>();
  const named = new Map<string, UpstreamNetwork>();
  let next: string | null = null;
  let inStory = false;
  let inSource = 0;
  let id = '';
  let nets: string[] = [];
  let capture: 'id' | 'category' | null = null;
  let categoryText = '';
  let categoryIsNetwork = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const tag = name.toLowerCase();
        if (tag === 'entry' || tag === 'item') {
          inStory = true;
          id = '';
          nets = [];
          return;
        }
        if (tag === 'source') inSource++;
        if ((tag === 'link' || tag === 'atom:link') && attrs.rel === 'next' && !inStory)
          next ??= httpUrl(attrs.href ?? null);
        if (!inStory || inSource) return;
        if (tag === 'id' || tag === 'guid') {
          capture = 'id';
          id = '';
        } else if (tag === 'category') {
          const scheme = attrs.scheme ?? attrs.domain ?? '';
          categoryIsNetwork = NETWORK_SCHEME.test(scheme);
          const term = attrs.term;
          if (categoryIsNetwork && term) {
            addNetwork(term, attrs.label);
            categoryIsNetwork = false; // Atom: the term says it all
          } else if (categoryIsNetwork) {
            capture = 'category';
            categoryText = '';
          }
        }
      },
      ontext(data) {
        if (capture === 'id') id += data;
        else if (capture === 'category') categoryText += data;
      },
      onclosetag(name) {
        const tag = name.toLowerCase();
        if (tag === 'source') inSource = Math.max(0, inSource - 1);
        if (capture === 'category' && tag === 'category') addNetwork(categoryText.trim());
        if ((tag === 'id' || tag === 'guid' || tag === 'category') && capture) capture = null;
        if ((tag === 'entry' || tag === 'item') && inStory) {
          inStory = false;
          const key = id.trim();
          if (key && nets.length) stories.set(key, nets.slice(0, MAX_PER_STORY));
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  function addNetwork(slug: string, label?: string) {
    if (!SLUG.test(slug) || nets.includes(slug)) return;
    nets.push(slug);
    if (!named.has(slug) && named.size < MAX_NETWORKS)
      named.set(slug, {
        slug,
        name: (label || slug).slice(0, 200),
        site: null,
        territory: null,
      });
  }
  parser.write(text);
  parser.end();
  if (!stories.size) return null;
  return { networks: [...named.values()], stories, next };
}

/** Every network a story names, with a name: declared ones, else the slug itself. */
function withUnnamed(
  named: Map<string, UpstreamNetwork>,
  stories: Map<string, string[]>,
): UpstreamNetwork[] {
  for (const nets of stories.values())
    for (const slug of nets)
      if (!named.has(slug) && named.size < MAX_NETWORKS)
        named.set(slug, { slug, name: slug, site: null, territory: null });
  return [...named.values()];
}

function httpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
