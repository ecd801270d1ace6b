import { stringify } from 'yaml';
import { DEMO_NETWORKS, type DemoArticle, type DemoNetworkSpec } from './members.ts';
import { renderAgenda } from './agendas.ts';
import { escapeXml } from '../../../src/shared/escape-xml.ts';

/**
 * The simulated federation as files: every member's feed (RSS 2.0, RSS 1.0, Atom, JSON Feed 1.0
 * and 1.1, one real ISO-8859-1 feed, one site known only by its HTML page), its article pages
 * and agendas. Pure: the same `base` and `now` give the same bytes. Tests reuse it as fixtures.
 */
export interface DemoFile {
  contentType: string;
  body: Uint8Array;
}

export interface DemoNetwork {
  slug: string;
  name: string;
  territory: string;
  tags: string[];
  site: string;
  /** Empty for the network known by its site only (its feed is discovered). */
  feeds: string[];
  agendas: string[];
  format: DemoNetworkSpec['format'];
}

export interface DemoFederation {
  base: string;
  networks: DemoNetwork[];
  /** Keyed by URL path ("/animacoop/feed.xml"). */
  files: Map<string, DemoFile>;
  /** What a correct pull must find: stories per network (relays included) and event UIDs. */
  expected: { itemsPerNetwork: Record<string, number>; relays: number; eventUids: string[] };
}

interface Story {
  network: DemoNetworkSpec;
  article: DemoArticle;
  title: string;
  url: string;
  html: string;
  published: Date;
  tags: string[];
  author: string;
}

const FEED_PATHS: Record<DemoNetworkSpec['format'], string> = {
  rss2: 'feed.xml',
  rdf: 'index.rdf',
  atom: 'feed.atom',
  json: 'feed.json',
  json10: 'feed.json',
  latin1: 'rss.xml',
  site: 'actualites.atom',
};

/** Builds every file of the federation served under `base` (e.g. http://127.0.0.1:8788). */
export function buildDemoFederation(base: string, now: Date = new Date()): DemoFederation {
  const root = base.replace(/\/+$/, '');
  const files = new Map<string, DemoFile>();
  const networks: DemoNetwork[] = [];
  const itemsPerNetwork: Record<string, number> = {};
  const eventUids: string[] = [];
  let relays = 0;
  const siteOf = (slug: string) => `${root}/${slug}/`;
  const articleUrl = (slug: string, article: string) => `${siteOf(slug)}articles/${article}.html`;

  for (const spec of DEMO_NETWORKS) {
    const site = siteOf(spec.slug);
    const stories: Story[] = spec.articles.map((article) => ({
      network: spec,
      article,
      title: article.title,
      url: articleUrl(spec.slug, article.slug),
      html: article.body.map((p) => `<p>${escapeHtml(p)}</p>`).join(''),
      published: daysBefore(now, article.daysAgo + spec.slug.length / 100),
      tags: article.tags,
      author: article.author,
    }));
    for (const relay of spec.relays ?? []) {
      const from = DEMO_NETWORKS.find((n) => n.slug === relay.from)!;
      const article = from.articles.find((a) => a.slug === relay.article)!;
      const query = `utm_source=${spec.slug}&utm_medium=rss&utm_campaign=relais`;
      stories.push({
        network: spec,
        article,
        title: `[Relais] ${article.title}`,
        url: `${articleUrl(from.slug, article.slug)}?${query}`,
        html:
          article.body.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
          `<p><em>Article relayé depuis <a href="${siteOf(from.slug)}">${escapeHtml(from.name)}` +
          '</a>.</em></p>',
        published: daysBefore(now, relay.daysAgo),
        tags: [...article.tags, 'relais'],
        author: `${spec.name} (relais)`,
      });
      relays++;
    }
    stories.sort((a, b) => b.published.getTime() - a.published.getTime());
    itemsPerNetwork[spec.slug] = stories.length;

    const feedPath = `/${spec.slug}/${FEED_PATHS[spec.format]}`;
    files.set(feedPath, renderFeed(spec, site, `${root}${feedPath}`, stories, now));
    for (const story of stories.filter(
      (s) => s.network === spec && !s.title.startsWith('[Relais]'),
    )) {
      files.set(new URL(story.url).pathname, html(articlePage(spec, story)));
    }
    files.set(`/${spec.slug}/`, html(homePage(spec, stories, FEED_PATHS[spec.format])));

    const agendas: string[] = [];
    if (spec.agenda) {
      const path = `/${spec.slug}/agenda.ics`;
      const ics = renderAgenda(spec.agenda, spec.name, site, `${spec.slug}.demo.intercoop`, now);
      files.set(path, { contentType: 'text/calendar; charset=utf-8', body: utf8(ics) });
      agendas.push(`${root}${path}`);
      for (const m of ics.matchAll(/^UID:(.+)\r$/gm)) eventUids.push(m[1]!);
    }
    networks.push({
      slug: spec.slug,
      name: spec.name,
      territory: spec.territory,
      tags: spec.tags,
      site,
      feeds: spec.format === 'site' ? [] : [`${root}${feedPath}`],
      agendas,
      format: spec.format,
    });
  }
  return { base: root, networks, files, expected: { itemsPerNetwork, relays, eventUids } };
}

/** The federation file (INTERFACE.md) for a hub served at `hubBaseUrl`. */
/** The demo's coordinator: may ask for a sign-in link (it arrives in /demo/mailbox). */
export const DEMO_COORDINATOR = 'coordination@demo.invalid';

export function demoNetworksYaml(federation: DemoFederation, hubBaseUrl: string): string {
  return stringify({
    hub: {
      title: 'Intercoop (démonstration)',
      base_url: hubBaseUrl,
      language: 'fr',
      timezone: 'Europe/Paris',
      // Signs in to the console by emailed link; the link lands in /demo/mailbox.
      coordinators: [DEMO_COORDINATOR],
    },
    networks: federation.networks.map((n) => ({
      slug: n.slug,
      name: n.name,
      site: n.site,
      territory: n.territory,
      tags: n.tags,
      ...(n.feeds.length ? { feeds: n.feeds } : {}),
      ...(n.agendas.length ? { agendas: n.agendas } : {}),
    })),
  });
}

function renderFeed(
  spec: DemoNetworkSpec,
  site: string,
  self: string,
  stories: Story[],
  now: Date,
): DemoFile {
  switch (spec.format) {
    case 'rss2':
      return {
        contentType: 'application/rss+xml; charset=utf-8',
        body: utf8(rss2(spec, site, self, stories, now)),
      };
    case 'latin1':
      // Real ISO-8859-1 bytes; characters outside Latin-1 (’ « ») become numeric references.
      return {
        contentType: 'application/rss+xml; charset=ISO-8859-1',
        body: latin1(rss2(spec, site, self, stories, now, 'ISO-8859-1')),
      };
    case 'rdf':
      return { contentType: 'application/rdf+xml', body: utf8(rdf(spec, site, stories)) };
    case 'atom':
    case 'site':
      return {
        contentType: 'application/atom+xml',
        body: utf8(atom(spec, site, self, stories, now)),
      };
    case 'json':
    case 'json10':
      return {
        contentType: 'application/feed+json',
        body: utf8(jsonFeed(spec, site, self, stories, spec.format === 'json10')),
      };
  }
}

function rss2(
  spec: DemoNetworkSpec,
  site: string,
  self: string,
  stories: Story[],
  now: Date,
  encoding = 'UTF-8',
): string {
  const items = stories
    .map(
      (s) => `
    <item>
      <title>${escapeXml(s.title)}</title>
      <link>${escapeXml(s.url)}</link>
      <guid isPermaLink="false">${escapeXml(`${spec.slug}:${s.article.slug}`)}</guid>
      <pubDate>${s.published.toUTCString()}</pubDate>
      <dc:creator>${escapeXml(s.author)}</dc:creator>
${s.tags.map((t) => `      <category>${escapeXml(t)}</category>`).join('\n')}
      <description>${escapeXml(s.article.body[0]!)}</description>
      <content:encoded><![CDATA[${s.html}]]></content:encoded>
    </item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="${encoding}"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeXml(spec.name)}</title>
    <link>${site}</link>
    <atom:link rel="self" type="application/rss+xml" href="${escapeXml(self)}"/>
    <description>${escapeXml(`Actualités — ${spec.name} (${spec.territory})`)}</description>
    <language>fr-FR</language>
    <lastBuildDate>${now.toUTCString()}</lastBuildDate>${items}
  </channel>
</rss>
`;
}

function rdf(spec: DemoNetworkSpec, site: string, stories: Story[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="${site}">
    <title>${escapeXml(spec.name)}</title>
    <link>${site}</link>
    <description>${escapeXml(`Actualités — ${spec.territory}`)}</description>
    <items><rdf:Seq>${stories.map((s) => `<rdf:li rdf:resource="${escapeXml(s.url)}"/>`).join('')}</rdf:Seq></items>
  </channel>${stories
    .map(
      (s) => `
  <item rdf:about="${escapeXml(s.url)}">
    <title>${escapeXml(s.title)}</title>
    <link>${escapeXml(s.url)}</link>
    <description>${escapeXml(s.article.body[0]!)}</description>
    <content:encoded><![CDATA[${s.html}]]></content:encoded>
    <dc:date>${s.published.toISOString()}</dc:date>
    <dc:creator>${escapeXml(s.author)}</dc:creator>
${s.tags.map((t) => `    <dc:subject>${escapeXml(t)}</dc:subject>`).join('\n')}
  </item>`,
    )
    .join('')}
</rdf:RDF>
`;
}

function atom(
  spec: DemoNetworkSpec,
  site: string,
  self: string,
  stories: Story[],
  now: Date,
): string {
  // Relative links against xml:base, as many Atom publishers write them.
  const relative = (url: string) => (url.startsWith(site) ? url.slice(site.length) : url);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${site}" xml:lang="fr">
  <title>${escapeXml(spec.name)}</title>
  <subtitle>${escapeXml(`Actualités — ${spec.territory}`)}</subtitle>
  <link rel="alternate" type="text/html" href="./"/>
  <link rel="self" href="${escapeXml(self)}"/>
  <id>${site}</id>
  <updated>${(stories[0]?.published ?? now).toISOString()}</updated>
  <author><name>${escapeXml(spec.name)}</name></author>${stories
    .map(
      (s) => `
  <entry>
    <title>${escapeXml(s.title)}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(relative(s.url))}"/>
    <id>tag:${new URL(site).host},2026:${spec.slug}/${s.article.slug}</id>
    <published>${s.published.toISOString()}</published>
    <updated>${s.published.toISOString()}</updated>
    <author><name>${escapeXml(s.author)}</name></author>
${s.tags.map((t) => `    <category term="${escapeXml(t)}"/>`).join('\n')}
    <summary>${escapeXml(s.article.body[0]!)}</summary>
    <content type="html">${escapeXml(s.html)}</content>
  </entry>`,
    )
    .join('')}
</feed>
`;
}

function jsonFeed(
  spec: DemoNetworkSpec,
  site: string,
  self: string,
  stories: Story[],
  v10: boolean,
): string {
  const author = (name: string) => (v10 ? { author: { name } } : { authors: [{ name }] });
  return JSON.stringify(
    {
      version: v10 ? 'https://jsonfeed.org/version/1' : 'https://jsonfeed.org/version/1.1',
      title: spec.name,
      home_page_url: site,
      feed_url: self,
      description: `Actualités — ${spec.territory}`,
      ...(v10 ? {} : { language: 'fr' }),
      ...author(spec.name),
      items: stories.map((s) => ({
        id: `${spec.slug}:${s.article.slug}`,
        url: s.url,
        title: s.title,
        content_html: s.html,
        summary: s.article.body[0],
        date_published: s.published.toISOString(),
        tags: s.tags,
        ...author(s.author),
      })),
    },
    null,
    2,
  );
}

function homePage(spec: DemoNetworkSpec, stories: Story[], feedFile: string): string {
  const type = feedFile.endsWith('.json')
    ? 'application/feed+json'
    : feedFile.endsWith('.atom')
      ? 'application/atom+xml'
      : 'application/rss+xml';
  return page(
    spec.name,
    `<link rel="alternate" type="${type}" title="${escapeHtml(`Actualités — ${spec.name}`)}" ` +
      `href="${feedFile}">`,
    `<h1>${escapeHtml(spec.name)}</h1><p>${escapeHtml(spec.territory)} · ` +
      `${spec.tags.map((t) => escapeHtml(t)).join(', ')}</p><ul>${stories
        .map((s) => `<li><a href="${escapeHtml(s.url)}">${escapeHtml(s.title)}</a></li>`)
        .join('')}</ul>`,
  );
}

function articlePage(spec: DemoNetworkSpec, story: Story): string {
  return page(
    story.title,
    '',
    `<p><a href="../">${escapeHtml(spec.name)}</a></p><h1>${escapeHtml(story.title)}</h1><p>` +
      `${escapeHtml(story.author)}</p>${story.html}`,
  );
}

function page(title: string, head: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}` +
    `</title>${head}</head><body>${body}</body></html>`
  );
}

function html(text: string): DemoFile {
  return { contentType: 'text/html; charset=utf-8', body: utf8(text) };
}

function daysBefore(now: Date, days: number): Date {
  return new Date(Math.floor((now.getTime() - days * 86_400_000) / 60_000) * 60_000);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function latin1(text: string): Uint8Array {
  const safe = text.replace(/[^\u0000-\u00ff]/gu, (c) => `&#${c.codePointAt(0)};`);
  return Uint8Array.from(safe, (c) => c.charCodeAt(0));
}

const escapeHtml = escapeXml;
