/** GET /: the latest news of the whole federation, with filters and paging (no JavaScript). */
import { MessagePage, shellOf } from '../web/message-page.tsx';
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { Layout, type Alternate } from '../web/layout.tsx';
import { defineMessages } from '../web/i18n.ts';
import { Story } from './story.tsx';
import { pageContext, type PageContext } from '../web/page-context.ts';
import { hubHref } from '../web/links.ts';
import { listRiver, type RiverPage } from './river.ts';
import { listDirectory, type DirectoryEntry } from '../federation/directory.ts';
import { foldText } from '../ingest/dedupe/text.ts';
import {
  formatCursor,
  isFiltered,
  parseRiverQuery,
  riverParams,
  RiverQueryError,
  type RiverQuery,
} from './filters.ts';

const t = defineMessages({
  fr: {
    title: 'Actualités de la fédération',
    filters: 'Filtrer les actualités',
    network: 'Réseau',
    allNetworks: 'Tous les réseaux',
    tag: 'Thème',
    territory: 'Territoire',
    allTerritories: 'Tous les territoires',
    q: 'Rechercher',
    apply: 'Filtrer',
    reset: 'Tout afficher',
    empty: 'Aucune actualité ne correspond.',
    older: 'Actualités plus anciennes',
    newest: 'Revenir aux plus récentes',
    paging: 'Pages',
    filteredFeed: 'ce filtre',
    badQuery: 'Filtre invalide',
  },
  en: {
    title: 'News from the federation',
    filters: 'Filter the news',
    network: 'Network',
    allNetworks: 'All networks',
    tag: 'Topic',
    territory: 'Territory',
    allTerritories: 'All territories',
    q: 'Search',
    apply: 'Filter',
    reset: 'Show all',
    empty: 'No news matches.',
    older: 'Older news',
    newest: 'Back to the latest',
    paging: 'Pages',
    filteredFeed: 'this filter',
    badQuery: 'Invalid filter',
  },
});

const PAGE_SIZE = 30;

/** Feeds of the current filter, for <link rel="alternate">. */
export function filteredAlternates(
  hubTitle: string,
  label: string,
  params: URLSearchParams,
  feedPath = '/feed',
): Alternate[] {
  const q = params.toString();
  const suffix = q ? `?${q}` : '';
  return [
    {
      type: 'application/rss+xml',
      title: `${hubTitle} — ${label} (RSS)`,
      href: `${feedPath}.xml${suffix}`,
    },
    {
      type: 'application/atom+xml',
      title: `${hubTitle} — ${label} (Atom)`,
      href: `${feedPath}.atom${suffix}`,
    },
    {
      type: 'application/feed+json',
      title: `${hubTitle} — ${label} (JSON Feed)`,
      href: `${feedPath}.json${suffix}`,
    },
  ];
}

function FilterForm({ p, q, dir }: { p: PageContext; q: RiverQuery; dir: DirectoryEntry[] }) {
  const m = t(p.lang);
  const territories = [
    ...new Set(dir.map((n) => n.territory).filter((x): x is string => !!x)),
  ].sort((a, b) => a.localeCompare(b, 'fr'));
  const tags = [...new Set(dir.flatMap((n) => n.tags))].sort((a, b) => a.localeCompare(b, 'fr'));
  const chosenTerritories = new Set(q.territories.map(foldText));
  return (
    <form class="filters" method="get" action="/" role="search" aria-label={m.filters}>
      {p.langParam ? <input type="hidden" name="lang" value={p.lang} /> : null}
      <label>
        {m.network}
        <select name="network" multiple={q.networks.length > 1}>
          <option value="">{m.allNetworks}</option>
          {dir.map((n) => (
            <option value={n.slug} selected={q.networks.includes(n.slug)}>
              {n.name}
            </option>
          ))}
        </select>
      </label>
      {/* One box per chosen tag (any of them matches) and one to add another. */}
      {[...q.tags, ''].map((tag) => (
        <label>
          {m.tag}
          <input type="text" name="tag" value={tag} list="hub-tags" autocomplete="off" />
        </label>
      ))}
      <datalist id="hub-tags">
        {tags.map((tag) => (
          <option value={tag} />
        ))}
      </datalist>
      <label>
        {m.territory}
        <select name="territory" multiple={q.territories.length > 1}>
          <option value="">{m.allTerritories}</option>
          {territories.map((x) => (
            <option value={x} selected={chosenTerritories.has(foldText(x))}>
              {x}
            </option>
          ))}
        </select>
      </label>
      <label>
        {m.q}
        <input type="search" name="q" value={q.q ?? ''} />
      </label>
      <button type="submit">{m.apply}</button>
      {isFiltered(q) ? <a href={hubHref('/', p.langParam)}>{m.reset}</a> : null}
    </form>
  );
}

function Pager({ p, q, page }: { p: PageContext; q: RiverQuery; page: RiverPage }) {
  const m = t(p.lang);
  if (!page.next && !q.before) return null;
  const base = riverParams({ ...q, before: null }, PAGE_SIZE);
  const next = new URLSearchParams(base);
  if (page.next) next.set('before', formatCursor(page.next));
  return (
    <nav aria-label={m.paging} class="pager">
      {q.before ? <a href={hubHref('/', p.langParam, base)}>← {m.newest}</a> : null}
      {page.next ? (
        <a href={hubHref('/', p.langParam, next)} rel="next">
          {m.older} →
        </a>
      ) : null}
    </nav>
  );
}

export const riverPage = new Hono<HubEnv>().get('/', async (c) => {
  const p = await pageContext(c);
  const m = t(p.lang);
  const dir = await listDirectory(p.deps);
  let q: RiverQuery;
  try {
    q = parseRiverQuery(new URL(c.req.url).searchParams, PAGE_SIZE);
  } catch (e) {
    if (!(e instanceof RiverQueryError)) throw e;
    const empty = parseRiverQuery(new URLSearchParams(), PAGE_SIZE);
    return c.html(
      <MessagePage {...shellOf(p)} title={m.badQuery} text={e.message} status="bad">
        <FilterForm p={p} q={empty} dir={dir} />
      </MessagePage>,
      400,
    );
  }
  const page = await listRiver(p.deps, q);
  const names = new Map(dir.map((n) => [n.slug, n]));
  const feedParams = riverParams({ ...q, before: null, limit: 50 });
  return c.html(
    <Layout
      lang={p.lang}
      hubTitle={p.hub.title}
      title={m.title}
      path={p.path}
      langParam={p.langParam}
      alternates={isFiltered(q) ? filteredAlternates(p.hub.title, m.filteredFeed, feedParams) : []}
    >
      <h1>{m.title}</h1>
      <FilterForm p={p} q={q} dir={dir} />
      {page.items.length === 0 ? (
        <p>{m.empty}</p>
      ) : (
        <ul class="river">
          {page.items.map((item) => (
            <li>
              <Story
                item={item}
                lang={p.lang}
                timeZone={p.hub.timezone}
                names={names}
                langParam={p.langParam}
              />
            </li>
          ))}
        </ul>
      )}
      <Pager p={p} q={q} page={page} />
    </Layout>,
  );
});
