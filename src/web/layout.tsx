import { hubHref } from './links.ts';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { defineMessages, type Lang } from './i18n.ts';

const t = defineMessages({
  fr: {
    skip: 'Aller au contenu',
    news: 'Actualités',
    agenda: 'Agenda',
    networks: 'Réseaux',
    newsletter: 'Lettre d’information',
    nav: 'Navigation principale',
    other: 'English',
    otherLang: 'en',
  },
  en: {
    skip: 'Skip to content',
    news: 'News',
    agenda: 'Agenda',
    networks: 'Networks',
    newsletter: 'Newsletter',
    nav: 'Main navigation',
    other: 'Français',
    otherLang: 'fr',
  },
});

export interface Alternate {
  type:
    | 'application/rss+xml'
    | 'application/atom+xml'
    | 'application/feed+json'
    | 'text/calendar'
    | 'text/x-opml';
  title: string;
  href: string;
}

/** The feeds every page advertises, so a reader pointed at any page finds them. */
export function hubAlternates(hubTitle: string): Alternate[] {
  return [
    { type: 'application/rss+xml', title: `${hubTitle} (RSS)`, href: '/feed.xml' },
    { type: 'application/atom+xml', title: `${hubTitle} (Atom)`, href: '/feed.atom' },
    { type: 'application/feed+json', title: `${hubTitle} (JSON Feed)`, href: '/feed.json' },
    { type: 'text/calendar', title: `${hubTitle} — agenda`, href: '/agenda.ics' },
  ];
}

export interface LayoutProps {
  lang: Lang;
  hubTitle: string;
  title: string;
  /** Extra alternates (filtered feeds, per-network feeds); the hub's own are always there. */
  alternates?: Alternate[];
  /** Path + query of this page without lang, for the language switch. */
  path?: string;
  /** `lang=xx` when the reader chose a language by URL: the menu's links keep it. */
  langParam?: string;
  children?: Child;
}

/**
 * The page shell shared by every page: landmarks, skip link, language switch, feed
 * discovery links. Pure HTML and CSS: nothing needs JavaScript to read.
 */
export function Layout(p: LayoutProps) {
  const m = t(p.lang);
  const alternates = [...hubAlternates(p.hubTitle), ...(p.alternates ?? [])];
  const switchHref = withLang(p.path ?? '/', m.otherLang);
  const keep = (href: string) => hubHref(href, p.langParam ?? '');
  // Without a doctype browsers render in quirks mode (box sizes, line heights differ).
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={p.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{p.title === p.hubTitle ? p.title : `${p.title} · ${p.hubTitle}`}</title>
          {alternates.map((a) => (
            <link rel="alternate" type={a.type} title={a.title} href={a.href} />
          ))}
          {/* Raw: JSX would escape the > and " of the selectors and font names. */}
          <style dangerouslySetInnerHTML={{ __html: css }} />
        </head>
        <body>
          <a class="skip" href="#main">
            {m.skip}
          </a>
          <header class="site">
            <a class="brand" href={keep('/')}>
              {p.hubTitle}
            </a>
            <nav aria-label={m.nav}>
              <ul>
                <li>
                  <a href={keep('/')}>{m.news}</a>
                </li>
                <li>
                  <a href={keep('/agenda')}>{m.agenda}</a>
                </li>
                <li>
                  <a href={keep('/networks')}>{m.networks}</a>
                </li>
                <li>
                  <a href={keep('/newsletter')}>{m.newsletter}</a>
                </li>
                <li>
                  <a href={switchHref} hreflang={m.otherLang} lang={m.otherLang}>
                    {m.other}
                  </a>
                </li>
              </ul>
            </nav>
          </header>
          <main id="main">{p.children}</main>
          <footer class="site">
            <p>
              <a href="/feed.xml">RSS</a> · <a href="/feed.atom">Atom</a> ·{' '}
              <a href="/feed.json">JSON Feed</a> · <a href="/agenda.ics">iCalendar</a> ·{' '}
              <a href="/networks.opml">OPML</a>
            </p>
          </footer>
        </body>
      </html>
    </>
  );
}

function withLang(path: string, lang: string): string {
  const u = new URL(path, 'http://x');
  u.searchParams.set('lang', lang);
  return u.pathname + u.search;
}

// Contrast ≥ 4.5:1 everywhere (WCAG AA); system fonts; one column on phones.
const css = `
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--muted:#555;--link:#0b57a4;--line:#ddd;\
--accent:#7a1f5c;--ok:#17622e;--bad:#a61b1b;--warn:#8a5300}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--muted:#bbb;--link:#8cc4ff;\
--line:#333;--accent:#f0a6d4;--ok:#7fd69a;--bad:#ff9c9c;--warn:#ffc266}}
*{box-sizing:border-box}body{margin:0;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,\
sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}a:focus-visible,button:focus-visible,input:focus-visible,\
select:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);\
padding:.5rem;z-index:9}
header.site,main,footer.site{max-width:52rem;margin:0 auto;padding:1rem}
header.site{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;border-bottom:1px \
solid var(--line)}
.brand{font-weight:700;font-size:1.3rem;color:var(--accent);text-decoration:none}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
footer.site{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem}
.muted{color:var(--muted)}.ok{color:var(--ok)}.bad{color:var(--bad)}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.9rem}
input,select,button{font:inherit;padding:.35rem .5rem}
ul.river{list-style:none;padding:0}ul.river>li{border-bottom:1px solid var(--line);padding:.9rem 0}
.tags{font-size:.85rem;color:var(--muted)}
img{max-width:100%;height:auto}
.story h2,.story h3{margin:.1rem 0 .3rem;font-size:1.15rem;line-height:1.3}.story p{margin:.3rem 0}
.meta,.provenance{font-size:.9rem;color:var(--muted)}.provenance a{color:var(--link)}
ul.directory,ul.sources{list-style:none;padding:0}ul.directory>li{border-bottom:1px solid \
var(--line);padding:.5rem 0 1rem}
ul.sources>li{margin:.4rem 0;overflow-wrap:anywhere}.kind{font-weight:600}
.health{display:block;font-size:.9rem;padding-left:1rem}.health.ok{color:var(--ok)}\
.health.bad{color:var(--bad)}.health.warn{color:var(--warn)}.health.muted{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}\
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.sr-label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);\
white-space:nowrap}
textarea.snippet{width:100%;font:.85rem/1.4 ui-monospace,monospace}
.embed-preview{border:1px solid var(--line);max-width:40rem}
nav.pager{display:flex;justify-content:space-between;gap:1rem;margin:1.5rem 0}
form.stack{display:flex;flex-direction:column;gap:.8rem;max-width:34rem;margin:1rem 0}
form.stack label{display:flex;flex-direction:column;gap:.2rem;font-weight:600}
form.stack input,form.stack select,form.stack textarea{font:inherit;font-weight:400;width:100%;\
max-width:100%}
form.stack .muted{font-weight:400}form.stack input[type=checkbox],form.stack \
input[type=radio]{width:auto;flex:none}code{overflow-wrap:anywhere}
form.inline{display:inline}fieldset{border:1px solid var(--line);padding:.5rem 1rem;margin:0;\
min-width:0}
fieldset label{font-weight:400!important;flex-direction:row!important;align-items:baseline;\
gap:.5rem!important}
button{cursor:pointer}.notice{border-left:4px solid var(--line);padding:.5rem .8rem;margin:1rem 0}
.notice.ok{border-color:var(--ok)}.notice.bad{border-color:var(--bad)}\
.notice.warn{border-color:var(--accent)}
.console-bar{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem 1rem;\
align-items:baseline;border-bottom:1px solid var(--line);padding-bottom:.5rem;margin-bottom:1rem;\
font-size:.95rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
table.counts{border-collapse:collapse;margin:.5rem 0}table.counts th,table.counts \
td{border-bottom:1px solid var(--line);padding:.25rem .6rem;text-align:left}
table.counts td.n{text-align:right}.scroll{max-width:100%;overflow-x:auto}table.counts \
caption{text-align:left;font-weight:600}
pre.mail-text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9rem;border:1px solid \
var(--line);padding:.8rem}
@media (max-width:36rem){form.filters label,form.filters input,form.filters select{width:100%}}
`;
