/**
 * Widgets for members' sites: /embed/news and /embed/agenda (pages meant to be framed) and
 * /embed/news.js, /embed/agenda.js (the same content inserted by a script tag). They take the
 * feeds' filters, are cached and answered with 304 like the feeds, and are the only routes a
 * foreign page may frame (HUB_EMBED_ANCESTORS, every site by default).
 */
import { hubHref } from '../web/links.ts';
import { relaxPolicy } from '../web/security-headers.ts';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { HubContext, HubEnv } from '../http.ts';
import { readHubSettings, type HubSettings } from '../db/hub-settings.ts';
import { listRiver } from '../news/river.ts';
import { listDirectory } from '../federation/directory.ts';
import { pickLang, type Lang } from '../web/i18n.ts';
import { parseRiverQuery, RiverQueryError } from '../news/filters.ts';
import { serveCached, type Rendered } from '../publish/conditional.ts';
import type { Deps } from '../deps.ts';
import { listOccurrences } from '../agenda/query.ts';
import { AgendaQueryError, parseAgendaRequest } from '../agenda/request.ts';
import { localDate } from '../agenda/timezones.ts';
import { windowMovesAt } from '../agenda/window.ts';
import { EmbedQueryError, parseEmbedOptions, type EmbedOptions } from './request.ts';
import { AgendaRows, EmbedBody, EmbedPage, embedMessages, NewsRows } from './pages.tsx';
import { embedCss } from './style.ts';
import { embedScript } from './script.ts';
import type { EmbedKind } from './snippet.ts';

export const embedRoutes = new Hono<HubEnv>();

interface Widget {
  lang: Lang;
  hub: HubSettings;
  options: EmbedOptions;
  /**
   * The agenda's window (window.ts): its day goes in the cache key, and the rendering is not
   * reused past `movesAt` (the next midnight), though the store did not change.
   */
  window?: { day: string; movesAt: number };
  /** The widget's content, its heading and its link to the hub. */
  render(): Promise<{ heading: string; more: string; moreHref: string; rows: Child }>;
}

/** Reads the request into a widget of `kind`, or throws the filter's own error. */
async function widget(c: HubContext, kind: EmbedKind): Promise<Widget> {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const lang = pickLang(c, hub.language);
  const url = new URL(c.req.url);
  const options = parseEmbedOptions(url.searchParams);
  const m = embedMessages(lang);
  const names = async () => new Map((await listDirectory(deps)).map((n) => [n.slug, n.name]));
  // The widget's language is kept on the hub's pages it links to.
  const moreHref = (path: string) =>
    hubHref(`${hub.baseUrl}${path}`, `lang=${lang}`, new URLSearchParams(options.filters));
  if (kind === 'news') {
    const q = parseRiverQuery(options.filters, options.limit);
    q.limit = options.limit;
    return {
      lang,
      hub,
      options,
      render: async () => ({
        heading: m.news,
        more: m.allNews,
        moreHref: moreHref('/'),
        rows: (
          <NewsRows
            items={(await listRiver(deps, q)).items}
            lang={lang}
            timeZone={hub.timezone}
            names={await names()}
          />
        ),
      }),
    };
  }
  const filterUrl = new URL(`${url.origin}${url.pathname}?${options.filters}`);
  const now = deps.clock.now();
  const r = parseAgendaRequest(filterUrl, hub.timezone, now);
  return {
    lang,
    hub,
    options,
    window: {
      day: localDate(r.from.getTime(), hub.timezone),
      movesAt: windowMovesAt(now, hub.timezone),
    },
    render: async () => ({
      heading: m.agenda,
      more: m.allAgenda,
      moreHref: moreHref('/agenda'),
      rows: (
        <AgendaRows
          occurrences={await listOccurrences(deps, { ...r, limit: options.limit })}
          lang={lang}
          timeZone={hub.timezone}
          baseUrl={hub.baseUrl}
          names={await names()}
        />
      ),
    }),
  };
}

function isFilterError(err: unknown): err is Error {
  return (
    err instanceof EmbedQueryError ||
    err instanceof RiverQueryError ||
    err instanceof AgendaQueryError
  );
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  const out = new Response(res.body, res);
  for (const [k, v] of Object.entries(headers)) out.headers.set(k, v);
  return out;
}

/** One widget's document: a page to frame, or a script that inserts the same content. */
async function renderWidget(deps: Deps, w: Widget, script: boolean): Promise<Rendered> {
  const content = await w.render();
  const frame = { lang: w.lang, theme: w.options.theme, hubTitle: w.hub.title, ...content };
  const body = (
    <EmbedBody {...frame} heading={content.heading} more={content.more}>
      {content.rows}
    </EmbedBody>
  );
  const text = script
    ? embedScript(`<style>${embedCss(w.options.theme)}</style>${await body}`)
    : `${await (
        <EmbedPage frame={frame} title={`${content.heading} · ${w.hub.title}`}>
          {body}
        </EmbedPage>
      )}`;
  return {
    body: text,
    contentType: script ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
    lastModified: deps.clock.now().getTime(),
  };
}

/** Serves one widget as a page (`script` false) or as a script, cached like the feeds. */
async function serveWidget(c: HubContext, kind: EmbedKind, script: boolean): Promise<Response> {
  const deps = c.get('deps');
  let w: Widget;
  try {
    w = await widget(c, kind);
  } catch (err) {
    if (!isFilterError(err)) throw err;
    return c.json({ error: 'bad_request', message: err.message }, 400);
  }
  // One cached copy per language and theme as well as per filter.
  const key = new URL(c.req.url);
  key.searchParams.set('lang', w.lang);
  // The agenda shows today's events: a new day is a new rendering, whatever the store says.
  if (w.window) key.searchParams.set('day', w.window.day);
  key.searchParams.sort();
  const expires = w.window ? { expiresAt: w.window.movesAt } : {};
  const res = await serveCached(
    deps,
    c.req.raw,
    key.toString(),
    () => renderWidget(deps, w, script),
    expires,
  );
  if (!res) return c.json({ error: 'not_found', message: 'Nothing to embed' }, 404);
  // The pages' policy (web/security-headers.ts) but for who may frame a widget: HUB_EMBED_ANCESTORS.
  // A widget has no form to post.
  relaxPolicy(c, { 'frame-ancestors': deps.config.embedAncestors, 'form-action': "'none'" });
  return script ? withHeaders(res, { 'access-control-allow-origin': '*' }) : res;
}

embedRoutes.get('/embed/news', (c) => serveWidget(c, 'news', false));
embedRoutes.get('/embed/agenda', (c) => serveWidget(c, 'agenda', false));
embedRoutes.get('/embed/news.js', (c) => serveWidget(c, 'news', true));
embedRoutes.get('/embed/agenda.js', (c) => serveWidget(c, 'agenda', true));
