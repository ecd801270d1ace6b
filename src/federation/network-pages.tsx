/** GET /networks (the directory with each source's health) and GET /networks/:slug. */
import { MessagePage, shellOf } from '../web/message-page.tsx';
import { UpcomingEvents, upcomingEvents } from './upcoming-events.tsx';
import { UpstreamMembers, upstreamMembers } from './upstream-members.tsx';
import { allowEmbedPreviews, EmbedSnippets } from '../embed/snippet-section.tsx';
import { Hono } from 'hono';
import type { HubContext, HubEnv } from '../http.ts';
import { Layout } from '../web/layout.tsx';
import { defineMessages, type Lang } from '../web/i18n.ts';
import { Story } from '../news/story.tsx';
import { pageContext, type PageContext } from '../web/page-context.ts';
import { hubHref } from '../web/links.ts';
import { sourceHealth } from './source-health.ts';
import { filteredAlternates } from '../news/river-page.tsx';
import { getDirectoryEntry, listDirectory, type DirectoryEntry } from './directory.ts';
import { listRiver } from '../news/river.ts';
import { formatCursor, parseRiverQuery, RiverQueryError } from '../news/filters.ts';
import type { SourceRow } from '../db/schema/sources.ts';

const t = defineMessages({
  fr: {
    title: 'Les réseaux membres',
    intro: (n: number) =>
      `${n} réseau${n > 1 ? 'x' : ''} dans la fédération. Chaque source est récupérée ` +
      'régulièrement ; son état est indiqué ci-dessous.',
    territory: 'Territoire',
    tags: 'Thèmes',
    site: 'Site',
    sources: 'Sources',
    noSources: 'Aucune source déclarée.',
    kind: (k: string) =>
      ({ feed: 'Flux', calendar: 'Agenda', site: 'Site (flux découverts)' })[k] ?? k,
    latest: 'Dernières actualités',
    empty: 'Pas encore d’actualité récupérée pour ce réseau.',
    feeds: 'S’abonner à ce réseau via le hub',
    opml: 'Tous les flux des membres (OPML)',
    propose: 'Votre réseau n’y est pas ? Proposez-le',
    older: 'Actualités plus anciennes',
    notFound: 'Réseau introuvable',
    notFoundText: (slug: string) => `Aucun réseau ne s’appelle « ${slug} ».`,
    back: 'Voir tous les réseaux',
    inactive: 'Ce réseau a quitté la fédération ; ses actualités passées restent consultables.',
    badQuery: 'Filtre invalide',
  },
  en: {
    title: 'Member networks',
    intro: (n: number) =>
      `${n} network${n > 1 ? 's' : ''} in the federation. Each source is fetched regularly; its ` +
      'state is shown below.',
    territory: 'Territory',
    tags: 'Topics',
    site: 'Website',
    sources: 'Sources',
    noSources: 'No source declared.',
    kind: (k: string) =>
      ({ feed: 'Feed', calendar: 'Calendar', site: 'Website (feeds discovered)' })[k] ?? k,
    latest: 'Latest news',
    empty: 'No news fetched for this network yet.',
    feeds: 'Follow this network through the hub',
    opml: 'All member feeds (OPML)',
    propose: 'Your network is missing? Propose it',
    older: 'Older news',
    notFound: 'Network not found',
    notFoundText: (slug: string) => `No network is called “${slug}”.`,
    back: 'See all networks',
    inactive: 'This network left the federation; its past news stays readable.',
    badQuery: 'Invalid filter',
  },
});

function safeHref(url: string | null): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

function Facts({ n, lang }: { n: DirectoryEntry; lang: Lang }) {
  const m = t(lang);
  return (
    <dl class="facts">
      {n.territory ? (
        <>
          <dt>{m.territory}</dt>
          <dd>{n.territory}</dd>
        </>
      ) : null}
      {n.tags.length ? (
        <>
          <dt>{m.tags}</dt>
          <dd>{n.tags.join(', ')}</dd>
        </>
      ) : null}
      {safeHref(n.site) ? (
        <>
          <dt>{m.site}</dt>
          <dd>
            <a href={safeHref(n.site)}>{n.site}</a>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function Sources({ sources, lang, now }: { sources: SourceRow[]; lang: Lang; now: number }) {
  const m = t(lang);
  if (sources.length === 0) return <p class="muted">{m.noSources}</p>;
  return (
    <ul class="sources">
      {sources.map((s) => (
        <li>
          <span class="kind">{m.kind(s.kind)}</span> :{' '}
          {safeHref(s.url) ? <a href={safeHref(s.url)}>{s.title ?? s.url}</a> : s.url}
          {sourceHealth(s, now, lang).map((h) => (
            <span class={`health ${h.tone}`}>{h.text}</span>
          ))}
        </li>
      ))}
    </ul>
  );
}

function notFoundPage(c: HubContext, p: PageContext, slug: string) {
  const m = t(p.lang);
  return c.html(
    <MessagePage
      {...shellOf(p)}
      title={m.notFound}
      text={m.notFoundText(slug)}
      status="bad"
      link={{ href: '/networks', label: m.back }}
    />,
    404,
  );
}

export const networkPages = new Hono<HubEnv>()
  .get('/networks', async (c) => {
    const p = await pageContext(c);
    const m = t(p.lang);
    const dir = await listDirectory(p.deps);
    const now = p.deps.clock.now().getTime();
    return c.html(
      <Layout
        lang={p.lang}
        hubTitle={p.hub.title}
        title={m.title}
        path={p.path}
        langParam={p.langParam}
        alternates={[{ type: 'text/x-opml', title: m.opml, href: '/networks.opml' }]}
      >
        <h1>{m.title}</h1>
        <p>{m.intro(dir.length)}</p>
        <p>
          <a href="/networks.opml" type="text/x-opml">
            {m.opml}
          </a>{' '}
          · <a href={hubHref('/networks/propose', p.langParam)}>{m.propose}</a>
        </p>
        <ul class="directory">
          {dir.map((n) => (
            <li>
              <section aria-labelledby={`net-${n.slug}`}>
                <h2 id={`net-${n.slug}`}>
                  <a href={hubHref(`/networks/${n.slug}`, p.langParam)}>{n.name}</a>
                </h2>
                <Facts n={n} lang={p.lang} />
                <h3 class="sr-label">{m.sources}</h3>
                <Sources sources={n.sources} lang={p.lang} now={now} />
              </section>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  })
  .get('/networks/:slug', async (c) => {
    const p = await pageContext(c);
    const m = t(p.lang);
    const slug = c.req.param('slug');
    const n = /^[a-z0-9-]{1,64}$/.test(slug) ? await getDirectoryEntry(p.deps, slug) : null;
    if (!n) return notFoundPage(c, p, slug);
    // The page previews this network's /embed/* widgets in frames from the hub itself.
    allowEmbedPreviews(c);
    let before;
    try {
      before = parseRiverQuery(new URLSearchParams({ before: c.req.query('before') ?? '' })).before;
    } catch (e) {
      if (!(e instanceof RiverQueryError)) throw e;
      return c.html(
        <MessagePage {...shellOf(p)} title={m.badQuery} text={e.message} status="bad" />,
        400,
      );
    }
    const page = await listRiver(p.deps, {
      networks: [n.slug],
      tags: [],
      territories: [],
      q: null,
      limit: 20,
      before,
    });
    const dir = await listDirectory(p.deps, { includeInactive: true });
    const names = new Map(dir.map((x) => [x.slug, x]));
    const now = p.deps.clock.now().getTime();
    const feedBase = `/networks/${n.slug}/feed`;
    const next = page.next ? new URLSearchParams({ before: formatCursor(page.next) }) : null;
    return c.html(
      <Layout
        lang={p.lang}
        hubTitle={p.hub.title}
        title={n.name}
        path={p.path}
        langParam={p.langParam}
        alternates={filteredAlternates(p.hub.title, n.name, new URLSearchParams(), feedBase)}
      >
        <h1>{n.name}</h1>
        {n.active ? null : <p class="muted">{m.inactive}</p>}
        {n.description ? <p>{n.description}</p> : null}
        <Facts n={n} lang={p.lang} />
        <UpstreamMembers
          members={
            await upstreamMembers(
              p.deps,
              n.sources.map((x) => x.id),
            )
          }
          lang={p.lang}
          langParam={p.langParam}
        />
        <section aria-labelledby="feeds">
          <h2 id="feeds">{m.feeds}</h2>
          <p>
            <a href={`${feedBase}.xml`} type="application/rss+xml">
              RSS
            </a>{' '}
            ·{' '}
            <a href={`${feedBase}.atom`} type="application/atom+xml">
              Atom
            </a>{' '}
            ·{' '}
            <a href={`${feedBase}.json`} type="application/feed+json">
              JSON Feed
            </a>
          </p>
        </section>
        <section aria-labelledby="sources">
          <h2 id="sources">{m.sources}</h2>
          <Sources sources={n.sources} lang={p.lang} now={now} />
        </section>
        <UpcomingEvents
          slug={n.slug}
          occurrences={await upcomingEvents(p.deps, n.slug, p.hub.timezone)}
          lang={p.lang}
          timeZone={p.hub.timezone}
          langParam={p.langParam}
        />
        <section aria-labelledby="latest">
          <h2 id="latest">{m.latest}</h2>
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
                    level={3}
                    langParam={p.langParam}
                  />
                </li>
              ))}
            </ul>
          )}
          {next ? (
            <nav class="pager" aria-label={m.older}>
              <a href={hubHref(`/networks/${n.slug}`, p.langParam, next)} rel="next">
                {m.older} →
              </a>
            </nav>
          ) : null}
        </section>
        <EmbedSnippets
          lang={p.lang}
          baseUrl={p.hub.baseUrl}
          hubTitle={p.hub.title}
          filters={new URLSearchParams({ network: n.slug })}
        />
      </Layout>,
    );
  });
