/**
 * XSS vectors in every field of member feeds (titles, content, summaries, links, authors,
 * categories, enclosures; RSS 2.0, Atom and JSON Feed) and of the federation file (names,
 * territories, tags), pulled for real from a server on 127.0.0.1, then every output that shows
 * them — the pages, the three unified feeds (whose HTML fields a reader renders), the digest
 * email and its public archive — is parsed and checked for executable markup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { subscribers } from '../../src/db/schema/index.ts';
import { createApp } from '../../src/app.ts';
import { pull } from '../../src/ingest/pull.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

// ---------------------------------------------------------------------------------------------
// The checker: what "executable markup" means, for a whole page or one HTML field.

/** Attributes whose value is a URL a browser may load or navigate to. */
const URL_ATTRIBUTES = [
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'xlink:href',
  'srcdoc',
  'codebase',
  'cite',
  'lowsrc',
  'dynsrc',
  'ping',
];
const FORBIDDEN_ELEMENTS = [
  'script',
  'noscript',
  'iframe',
  'frame',
  'object',
  'embed',
  'applet',
  'base',
  'form',
  'svg',
  'math',
  'link',
  'meta',
];

/** A URL that runs code when followed or loaded: javascript:/vbscript:, and data: except images. */
export function dangerousUrl(value: string): boolean {
  // Browsers ignore ASCII whitespace and control characters inside the scheme.
  const v = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  if (v.startsWith('javascript:') || v.startsWith('vbscript:') || v.startsWith('livescript:'))
    return true;
  return v.startsWith('data:') && !/^data:image\/(png|gif|jpe?g|webp);/.test(v);
}

/** Every problem in an HTML document or fragment (empty when safe). `allow` lists elements the hub itself emits legitimately (pages' <link>, <meta>, <form>). */
export function htmlProblems(html: string, where: string, allow: string[] = []): string[] {
  const problems: string[] = [];
  const doc = parseDocument(html, {
    decodeEntities: true,
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
  });
  for (const el of DomUtils.findAll(() => true, doc.children) as Element[]) {
    const name = el.name;
    // The network page previews the hub's own widgets: frames of /embed/* only, no srcdoc.
    const ownPreview =
      name === 'iframe' &&
      allow.includes('embed-preview') &&
      /^\/embed\/(agenda|news)\?/.test(el.attribs.src ?? '') &&
      el.attribs.srcdoc === undefined;
    if (FORBIDDEN_ELEMENTS.includes(name) && !allow.includes(name) && !ownPreview)
      problems.push(`${where}: <${name}> element`);
    if (name === 'meta' && /refresh/i.test(el.attribs['http-equiv'] ?? ''))
      problems.push(`${where}: <meta http-equiv=refresh>`);
    if (
      name === 'style' &&
      /javascript:|expression\s*\(|@import|behavior\s*:|-moz-binding/i.test(
        DomUtils.textContent(el),
      )
    )
      problems.push(`${where}: active <style>`);
    for (const [attr, value] of Object.entries(el.attribs)) {
      if (attr.startsWith('on'))
        problems.push(`${where}: <${name} ${attr}="${value.slice(0, 40)}">`);
      if (URL_ATTRIBUTES.includes(attr) && dangerousUrl(value))
        problems.push(`${where}: <${name} ${attr}="${value.slice(0, 60)}">`);
      if (attr === 'srcset' && value.split(',').some((c) => dangerousUrl(c.trim())))
        problems.push(`${where}: <${name} srcset> with a script URL`);
      if (
        attr === 'style' &&
        /javascript:|expression\s*\(|url\s*\(\s*['"]?\s*(javascript|vbscript|data):/i.test(value)
      )
        problems.push(`${where}: <${name} style="${value.slice(0, 60)}">`);
    }
  }
  return problems;
}

/**
 * Checks one unified feed the way a feed reader reads it: URL fields are never script URLs, and
 * every field the format defines as HTML (an RSS item's description and content:encoded; Atom text
 * constructs of type html or xhtml; JSON Feed content_html) is safe HTML. Fields the format
 * defines as plain text (JSON Feed title and summary, Atom type="text", RSS category…) are
 * shown as text by readers; the XML or JSON parse already proves they are escaped.
 */
export function feedProblems(body: string, format: 'rss' | 'atom' | 'json'): string[] {
  const problems: string[] = [];
  const html = (value: unknown, where: string) => {
    if (typeof value === 'string') problems.push(...htmlProblems(value, where));
  };
  const url = (value: unknown, where: string) => {
    if (typeof value === 'string' && dangerousUrl(value))
      problems.push(`${where}: script URL ${value.slice(0, 60)}`);
  };
  if (format === 'json') {
    const feed = JSON.parse(body) as {
      home_page_url?: string;
      feed_url?: string;
      next_url?: string;
      items: Array<Record<string, unknown>>;
    };
    for (const f of ['home_page_url', 'feed_url', 'next_url'] as const)
      url(feed[f], `feed.json ${f}`);
    for (const [i, item] of feed.items.entries()) {
      html(item.content_html, `feed.json items[${i}].content_html`);
      for (const f of ['url', 'external_url', 'image', 'banner_image'])
        url(item[f], `feed.json items[${i}].${f}`);
      for (const a of (item.attachments as Array<{ url: string }> | undefined) ?? [])
        url(a.url, `feed.json items[${i}].attachments`);
      for (const a of (item.authors as Array<{ url?: string; avatar?: string }> | undefined) ??
        []) {
        url(a.url, `feed.json items[${i}].authors.url`);
        url(a.avatar, `feed.json items[${i}].authors.avatar`);
      }
      const hub = item._hub as { links?: string[] } | undefined;
      for (const l of hub?.links ?? []) url(l, `feed.json items[${i}]._hub.links`);
    }
    return problems;
  }
  const doc = parseDocument(body, { xmlMode: true, decodeEntities: true });
  const all = DomUtils.findAll(() => true, doc.children) as Element[];
  const ATOM_TEXT = ['title', 'subtitle', 'summary', 'content', 'rights'];
  for (const el of all) {
    const text = DomUtils.textContent(el);
    // An item's description is HTML; the channel's is a phrase readers show as text.
    if (
      format === 'rss' &&
      ['description', 'content:encoded'].includes(el.name) &&
      (el.parent as Element | null)?.name === 'item'
    )
      html(text, `rss: <item><${el.name}>`);
    if (format === 'atom' && ATOM_TEXT.includes(el.name)) {
      const type = el.attribs.type ?? 'text';
      if (type === 'html') html(text, `atom: <${el.name} type="html">`);
      if (type === 'xhtml')
        html(DomUtils.getInnerHTML(el, { xmlMode: true }), `atom: <${el.name} type="xhtml">`);
      if (el.name === 'content' && el.attribs.src) url(el.attribs.src, 'atom: <content src>');
    }
    if (
      ['link', 'guid', 'comments', 'uri', 'url', 'icon', 'logo', 'docs'].includes(el.name) &&
      el.children.every((c) => c.type === 'text')
    )
      url(text.trim(), `${format}: <${el.name}>`);
    for (const [attr, value] of Object.entries(el.attribs)) {
      if (['href', 'url', 'src', 'uri'].includes(attr))
        url(value, `${format}: <${el.name} ${attr}>`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The vectors.

const HTML_VECTORS = [
  '<script>alert("content-1")</script>',
  '<img src=x onerror=alert(2)>',
  '<svg onload=alert(3)><script>alert(3)</script></svg>',
  '<a href="javascript:alert(4)">lien 4</a>',
  '<a href="JaVaScRiPt:alert(5)">lien 5</a>',
  '<a href="java&#x09;script:alert(6)">lien 6</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(7)">lien 7</a>',
  '<a href=" &#14; javascript:alert(8)">lien 8</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==">lien 9</a>',
  '<a href="vbscript:msgbox(10)">lien 10</a>',
  '<iframe src="javascript:alert(11)"></iframe><iframe srcdoc="<script>alert(11)</script>"></iframe>',
  '<object data="data:text/html,<script>alert(12)</script>"></object><embed src="javascript:alert(12)">',
  '<form action="javascript:alert(13)"><button formaction="javascript:alert(13)">envoyer</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(14)"><base href="javascript:alert(14)//">',
  '<div style="background:url(javascript:alert(15))" onmouseover="alert(15)">survol</div>',
  '<style>@import "javascript:alert(16)"; body{background:url("javascript:alert(16)")}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(17)></style></mglyph></table></mtext></math>',
  '<noscript><p title="</noscript><img src=x onerror=alert(18)>"></p></noscript>',
  '<img src="x" srcset="javascript:alert(19) 1x">',
  '<video poster="javascript:alert(20)" src="javascript:alert(20)"></video><audio src=x onerror=alert(20)></audio>',
  '<details open ontoggle=alert(21)><summary>détails</summary></details>',
  '<p>Texte <b onclick="alert(22)">gras</b> <a href="https://exemple.org/ok" onfocus="alert(22)" autofocus>lien</a></p>',
  '<IMG SRC="jav&#x0A;ascript:alert(23);">',
  '<a href="javascript&colon;alert(25)">lien 25</a><a href="javascript&#58alert(25)">lien 25b</a>',
  '<img src=`x` onerror=alert(26)><image src=x onerror=alert(26)>',
  '<table background="javascript:alert(27)"><tr><td background="javascript:alert(27)">cellule</td></tr></table>',
  '<x onclick=alert(28)>x</x><custom-el onmouseenter=alert(28)>y</custom-el>',
];
/** Harmless in a browser (a comment; CDATA is a bogus comment in HTML) but a trap for sanitisers that parse them otherwise. */
const PARSER_TRAPS = [
  '<!--<img src=x onerror=alert(24)>--><![CDATA[<img src=x onerror=alert(24)>]]>',
  '<p>a<!--></p><img src=x onerror=alert(24)>--></p>',
];
const TEXT_VECTORS = [
  '<script>alert("title")</script>',
  '"><img src=x onerror=alert("attr")>',
  "'><svg/onload=alert('quote')>",
  '&lt;script&gt;alert("entity")&lt;/script&gt;',
  '</title><script>alert("close")</script>',
  ']]><script>alert("cdata")</script>',
  '{{constructor.constructor("alert(1)")()}}',
];
const LINK_VECTORS = [
  'javascript:alert("link")',
  'data:text/html,<script>alert("link")</script>',
  ' javascript:alert("space")',
  'JAVASCRIPT:alert("upper")',
  'vbscript:msgbox("vb")',
  'java\tscript:alert("tab")',
];

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Item `n` of a feed: every field carries a vector; its title carries a marker to find it in the outputs. */
function vectorsFor(n: number) {
  return {
    marker: `XSS${String(n).padStart(3, '0')}`,
    title: TEXT_VECTORS[n % TEXT_VECTORS.length]!,
    html:
      HTML_VECTORS[n % HTML_VECTORS.length]! +
      HTML_VECTORS[(n + 7) % HTML_VECTORS.length]! +
      PARSER_TRAPS[n % PARSER_TRAPS.length]!,
    summary: HTML_VECTORS[(n + 3) % HTML_VECTORS.length]!,
    link: LINK_VECTORS[n % LINK_VECTORS.length]!,
    author: TEXT_VECTORS[(n + 1) % TEXT_VECTORS.length]!,
    category: TEXT_VECTORS[(n + 2) % TEXT_VECTORS.length]!,
    enclosure: LINK_VECTORS[(n + 1) % LINK_VECTORS.length]!,
  };
}

const PER_FEED = HTML_VECTORS.length;
const day = (n: number) => new Date(Date.now() - (n + 1) * 3_600_000);

function rssFeed(base: string): string {
  const items = Array.from({ length: PER_FEED }, (_, n) => {
    const v = vectorsFor(n);
    return `<item>
  <title>${v.marker} ${xml(v.title)}</title>
  <link>${xml(v.link)}</link>
  <guid isPermaLink="false">rss-${n}</guid>
  <pubDate>${day(n).toUTCString()}</pubDate>
  <author>${xml(v.author)}</author>
  <category>${xml(v.category)}</category>
  <description>${xml(v.summary)}</description>
  <content:encoded><![CDATA[${v.html.replace(/]]>/g, ']]]]><![CDATA[>')}]]></content:encoded>
  <enclosure url="${xml(v.enclosure)}" type="audio/mpeg" length="12"/>
</item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Flux &lt;script&gt;alert("channel")&lt;/script&gt;</title><link>${base}/</link><description>x</description>
${items}
</channel></rss>`;
}

function atomFeed(base: string): string {
  const entries = Array.from({ length: PER_FEED }, (_, n) => {
    const v = vectorsFor(n + 100);
    return `<entry>
  <id>atom-${n}</id>
  <title type="html">${v.marker} ${xml(v.title)}</title>
  <link rel="alternate" href="${xml(v.link)}"/>
  <link rel="enclosure" href="${xml(v.enclosure)}" type="image/png"/>
  <updated>${day(n).toISOString()}</updated>
  <author><name>${xml(v.author)}</name><uri>javascript:alert("uri")</uri></author>
  <category term="${xml(v.category)}"/>
  <summary type="html">${xml(v.summary)}</summary>
  <content type="html">${xml(v.html)}</content>
</entry>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Atom &lt;img src=x onerror=alert("feed")&gt;</title><id>${base}/atom</id><updated>${new Date().toISOString()}</updated>
<link href="javascript:alert('self')"/>
${entries}
</feed>`;
}

function jsonFeed(): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: '<script>alert("json feed")</script>',
    home_page_url: 'javascript:alert("home")',
    items: Array.from({ length: PER_FEED }, (_, n) => {
      const v = vectorsFor(n + 200);
      return {
        id: `json-${n}`,
        url: v.link,
        external_url: 'javascript:alert("external")',
        title: `${v.marker} ${v.title}`,
        content_html: v.html,
        summary: v.summary,
        image: 'javascript:alert("image")',
        date_published: day(n).toISOString(),
        authors: [{ name: v.author, url: 'javascript:alert("author url")' }],
        tags: [v.category],
        attachments: [{ url: v.enclosure, mime_type: 'audio/mpeg' }],
      };
    }),
  });
}

const MARKERS = [0, 100, 200].flatMap((offset) =>
  Array.from({ length: PER_FEED }, (_, n) => vectorsFor(n + offset).marker),
);

// ---------------------------------------------------------------------------------------------

describe('XSS vectors from member feeds never reach an output as executable markup', () => {
  const deps = makeNodeDeps({ HUB_SECRET: 'xss-secret' });
  const app = createApp(deps);
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let sink: SmtpSink;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route(
      '/xss/feed.xml',
      (_req, res) =>
        void res
          .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' })
          .end(rssFeed(server.base)),
    );
    server.route(
      '/xss/feed.atom',
      (_req, res) =>
        void res
          .writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' })
          .end(atomFeed(server.base)),
    );
    server.route(
      '/xss/feed.json',
      (_req, res) =>
        void res.writeHead(200, { 'content-type': 'application/feed+json' }).end(jsonFeed()),
    );
    const yaml = `hub:
  title: 'Intercoop <script>alert("hub")</script>'
  base_url: https://hub.test
networks:
  - slug: xss
    name: 'Réseau <img src=x onerror=alert("name")>'
    territory: '"><script>alert("territory")</script>'
    tags: ['<svg onload=alert("tag")>', 'ess']
    description: '<a href="javascript:alert(1)">description</a>'
    feeds: [${server.base}/xss/feed.xml, ${server.base}/xss/feed.atom, ${server.base}/xss/feed.json]
`;
    await syncFederation(deps, parseNetworksFile(yaml));
    const summary = await pull(deps, { trigger: 'test', all: true });
    // The vectors must really be in the store, else every check below would pass vacuously.
    expect(summary.failed, JSON.stringify(summary.reports.map((r) => r.error))).toBe(0);
    expect(summary.newItems).toBe(3 * PER_FEED);

    sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    const t = Date.now() - 8 * 86_400_000;
    await deps.db.orm.insert(subscribers).values({
      email: 'xss@example.org',
      choices: { networks: [], tags: [], territories: [] },
      tokenSalt: 'x',
      confirmedAt: t,
      updatedAt: t,
    });
  });
  afterAll(async () => {
    await deps.mailer?.close?.();
    await sink?.close();
    await server?.close();
    await deps.close();
  });

  it('the checker itself flags every raw vector (so the checks below can fail)', () => {
    for (const v of HTML_VECTORS) expect(htmlProblems(v, 'raw'), v).not.toEqual([]);
    for (const v of LINK_VECTORS) expect(dangerousUrl(v), v).toBe(true);
    expect(htmlProblems(TEXT_VECTORS[0]!, 'raw')).not.toEqual([]);
    expect(feedProblems(rssFeed('http://x'), 'rss')).not.toEqual([]);
    expect(feedProblems(jsonFeed(), 'json')).not.toEqual([]);
    expect(
      htmlProblems(
        '<p>Bonjour <a href="https://exemple.org/">lien</a> <img src="data:image/png;base64,AAAA"></p>',
        'benign',
      ),
    ).toEqual([]);
  });

  const page = async (path: string, statuses = [200]) => {
    const res = await app.request(`https://hub.test${path}`);
    expect(statuses, `${path} → ${res.status}`).toContain(res.status);
    return res.text();
  };
  // The hub's own pages legitimately carry <link> (feeds, styles), <meta> and GET <form>s (filters).
  const PAGE_ALLOW = ['link', 'meta', 'form'];

  it('/ and /?q=: no executable markup, every story shown', async () => {
    for (const path of [
      '/?limit=200',
      `/?q=${encodeURIComponent('<script>alert(1)</script>')}`,
      `/?network=${encodeURIComponent('"><script>alert(1)</script>')}`,
    ]) {
      // An unknown network is a 400 page: it must be as safe as the others.
      const html = await page(path, [200, 400]);
      expect(htmlProblems(html, path, PAGE_ALLOW)).toEqual([]);
      for (const form of DomUtils.findAll((e) => e.name === 'form', parseDocument(html).children))
        expect(form.attribs.action ?? '', path).not.toMatch(/^\s*javascript:/i);
    }
    const html = await page('/?limit=200');
    const shown = MARKERS.filter((m) => html.includes(m));
    expect(shown.length, 'stories on the river (30 per page)').toBeGreaterThanOrEqual(30);
  });

  it('/networks and /networks/:slug: no executable markup (names, territories, tags, feed titles, stories)', async () => {
    for (const path of ['/networks', '/networks/xss']) {
      const html = await page(path);
      expect(htmlProblems(html, path, [...PAGE_ALLOW, 'embed-preview'])).toEqual([]);
      expect(html).toContain('Réseau');
    }
  });

  it.each(['rss', 'atom', 'json'] as const)(
    '/feed.%s: URL fields are never script URLs and every HTML field is safe',
    async (format) => {
      const path = format === 'rss' ? '/feed.xml?limit=200' : `/feed.${format}?limit=200`;
      const body = await page(path);
      expect(feedProblems(body, format)).toEqual([]);
      for (const m of MARKERS) expect(body, `${m} in ${path}`).toContain(m);
    },
  );

  it('the digest email (HTML part) and its public archive page carry no executable markup', async () => {
    const run = await runDigests(deps);
    expect(run.sent).toBe(1);
    const mail = sink.received.find((r) => r.to === 'xss@example.org')!;
    const html = String(mail.mail.html || '');
    expect(html.length).toBeGreaterThan(0);
    expect(MARKERS.filter((m) => html.includes(m)).length, 'stories in the digest').toBeGreaterThan(
      0,
    );
    expect(htmlProblems(html, 'digest email', ['meta'])).toEqual([]);
    // Links a mail client follows, in the text part too.
    for (const m of (mail.mail.text ?? '').matchAll(/\b(javascript|vbscript|data):[^\s]*/gi))
      expect.fail(`script URL in the text part: ${m[0]}`);
    const archive = await page('/newsletter/archive');
    expect(htmlProblems(archive, '/newsletter/archive', PAGE_ALLOW)).toEqual([]);
    const id = /\/newsletter\/archive\/(\d+)/.exec(archive)?.[1];
    expect(id, 'an archived digest').toBeTruthy();
    const edition = await page(`/newsletter/archive/${id}`);
    expect(htmlProblems(edition, 'archive page', PAGE_ALLOW)).toEqual([]);
    const archiveFeed = await page('/newsletter/archive.xml');
    expect(feedProblems(archiveFeed, 'rss')).toEqual([]);
  });
});
