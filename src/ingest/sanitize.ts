import { BoundedHtmlParser } from './bounded-html.ts';
import { escapeXml } from '../shared/escape-xml.ts';
import { SanitizedText } from './sanitized-text.ts';
import { urlAgainst } from './url-against.ts';
import type { HtmlTextCollector } from '../shared/html-to-text.ts';

/**
 * Allowlist HTML sanitiser for member content (runs on Node and Workers: htmlparser2 is pure JS).
 * The output is rebuilt from parsed tokens, never copied from the input, so whatever the parser
 * did not recognise as an allowed tag or attribute simply does not exist in the result.
 */

/** Allowed tags and their allowed attributes (besides the global ones). */
const TAGS: Record<string, readonly string[]> = {
  a: ['href'],
  abbr: [],
  b: [],
  bdi: [],
  br: [],
  caption: [],
  code: [],
  dd: [],
  del: ['cite', 'datetime'],
  details: [],
  dfn: [],
  div: [],
  dl: [],
  dt: [],
  em: [],
  figcaption: [],
  figure: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  i: [],
  ins: ['cite', 'datetime'],
  kbd: [],
  li: ['value'],
  mark: [],
  ol: ['start', 'reversed', 'type'],
  p: [],
  pre: [],
  q: ['cite'],
  s: [],
  samp: [],
  small: [],
  span: [],
  strong: [],
  sub: [],
  summary: [],
  sup: [],
  table: [],
  tbody: [],
  td: ['colspan', 'rowspan'],
  tfoot: [],
  th: ['colspan', 'rowspan', 'scope'],
  thead: [],
  time: ['datetime'],
  tr: [],
  u: [],
  ul: [],
  blockquote: ['cite'],
  cite: [],
  var: [],
  wbr: [],
  img: ['src', 'alt', 'width', 'height'],
  audio: ['src'],
  video: ['src', 'poster', 'width', 'height'],
  source: ['src', 'type'],
  iframe: ['src', 'width', 'height'],
};
const GLOBAL_ATTRIBUTES = ['title', 'lang'];
const VOID = new Set(['br', 'hr', 'img', 'source', 'wbr']);
/** Tags dropped with everything inside them (their text is code, chrome or a trap, not content). */
const DROP_WITH_CONTENT = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'noembed',
  'noframes',
  'title',
  'head',
  'textarea',
  'select',
  'option',
  'button',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'xmp',
  'plaintext',
  'frameset',
  'frame',
  'iframe',
  'form',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'poster']);
const NUMERIC_ATTRIBUTES = new Set(['width', 'height', 'colspan', 'rowspan', 'start', 'value']);

/**
 * Video players we embed (hosts that serve an embed player and nothing else on these paths).
 * Everything else loses its iframe: a reader should not run arbitrary third-party pages.
 */
export const IFRAME_HOSTS: Record<string, RegExp> = {
  'www.youtube-nocookie.com': /^\/embed\//,
  'www.youtube.com': /^\/embed\//,
  'youtube.com': /^\/embed\//,
  'player.vimeo.com': /^\/video\//,
  'www.dailymotion.com': /^\/embed\//,
  'framatube.org': /^\/videos\/embed\//,
};

/** Hosts that only serve tracking pixels / open counters (their images are never content). */
const TRACKER_HOSTS = [
  'feeds.feedburner.com',
  'feedproxy.google.com',
  'pixel.wp.com',
  'stats.wp.com',
  'www.google-analytics.com',
  'google-analytics.com',
  'pixel.quantserve.com',
  'sb.scorecardresearch.com',
  'www.facebook.com',
  'pixel.mailchimp.com',
  'list-manage.com',
  'mailchi.mp',
  'matomo.cloud',
  'doubleclick.net',
  'analytics.twitter.com',
  'ad.doubleclick.net',
];

const MAX_DEPTH = 64;

/**
 * Keeps allowed tags and attributes only; URLs must be http(s) (or mailto: for links) once
 * entity-decoded and stripped of whitespace tricks, and are made absolute against `baseUrl`.
 * Links get rel="noopener noreferrer"; iframes survive only from IFRAME_HOSTS; tracking pixels
 * (≤ 2 px, known tracker hosts) are dropped. The result is well-formed: every tag is closed.
 */
export function sanitizeHtml(html: string, baseUrl: string | null): string {
  return sanitize(html, baseUrl, null);
}

/**
 * sanitizeHtml, with the plain text htmlToText(html, { blocks: '\n' }) would read from the
 * result, collected on the way (sanitized-text.ts): one HTML parse where there were two.
 * `source`, when given, is fed the parse's events: what htmlToText collects from the HTML
 * itself (feed-fields.ts plainTextAlong), read in the same parse.
 */
export function sanitizeHtmlWithText(
  html: string,
  baseUrl: string | null,
  source?: HtmlTextCollector,
): { html: string; text: string } {
  const text = new SanitizedText();
  return { html: sanitize(html, baseUrl, text, source ?? null), text: text.result() };
}

function sanitize(
  html: string,
  baseUrl: string | null,
  text: SanitizedText | null,
  source: HtmlTextCollector | null = null,
): string {
  let out = '';
  const open: string[] = [];
  /** >0 while inside a dropped-with-content element (counts nesting of the same kinds). */
  let dropping = 0;
  let allowedIframeOpen = false;

  const parser = new BoundedHtmlParser(
    {
      onopentag(name, attribs) {
        source?.onopentag(name);
        if (dropping > 0) {
          if (DROP_WITH_CONTENT.has(name)) dropping++;
          return;
        }
        if (name === 'iframe') {
          const iframe = renderIframe(attribs, baseUrl);
          if (iframe) {
            out += iframe;
            text?.open('iframe');
            allowedIframeOpen = true;
          }
          dropping++;
          return;
        }
        if (DROP_WITH_CONTENT.has(name)) {
          dropping++;
          return;
        }
        // Own keys only: `constructor` is not an allowed tag (Object.prototype's would be found).
        const allowed = Object.hasOwn(TAGS, name) ? TAGS[name] : undefined;
        if (!allowed || open.length >= MAX_DEPTH) return;
        const attributes = cleanAttributes(name, attribs, allowed, baseUrl);
        if (attributes === null) return; // e.g. a tracking pixel
        out += `<${name}${attributes}>`;
        text?.open(name);
        if (!VOID.has(name)) open.push(name);
      },
      ontext(written) {
        source?.ontext(written);
        if (dropping > 0) return;
        out += escapeXml(written, { quotes: false });
        text?.text(written);
      },
      onclosetag(name) {
        source?.onclosetag(name);
        // htmlparser2 closes every element it opened (void ones immediately), so counts stay balanced.
        if (dropping > 0) {
          if (DROP_WITH_CONTENT.has(name)) dropping--;
          if (dropping === 0 && name === 'iframe' && allowedIframeOpen) {
            out += '</iframe>';
            text?.close('iframe');
            allowedIframeOpen = false;
          }
          return;
        }
        if (VOID.has(name)) return;
        const at = open.lastIndexOf(name);
        if (at === -1) return;
        while (open.length > at) closeTag(open.pop()!);
      },
    },
    {
      decodeEntities: true,
      lowerCaseTags: true,
      lowerCaseAttributeNames: true,
      recognizeSelfClosing: false,
    },
  );
  parser.write(html);
  parser.end();
  if (allowedIframeOpen) {
    out += '</iframe>';
    text?.close('iframe');
  }
  while (open.length) closeTag(open.pop()!);
  return out;

  function closeTag(name: string): void {
    out += `</${name}>`;
    text?.close(name);
  }
}

function cleanAttributes(
  tag: string,
  attribs: Record<string, string>,
  allowed: readonly string[],
  baseUrl: string | null,
): string | null {
  // Written as they are kept, in the tag's order: no list of pairs to map and join.
  let out = '';
  let src: string | null = null;
  let href = false;
  let controls = false;
  for (const [name, raw] of Object.entries(attribs)) {
    if (!allowed.includes(name) && !GLOBAL_ATTRIBUTES.includes(name)) continue;
    let value: string | null = raw;
    if (URL_ATTRIBUTES.has(name)) value = safeUrl(raw, baseUrl, tag === 'a' && name === 'href');
    else if (NUMERIC_ATTRIBUTES.has(name)) value = /^\s*\d{1,5}\s*$/.test(raw) ? raw.trim() : null;
    if (value === null) continue;
    out += ` ${name}="${escapeXml(value)}"`;
    if (name === 'src') src ??= value;
    else if (name === 'href') href = true;
    else if (name === 'controls') controls = true;
  }
  if (tag === 'img' && (!src || isTrackingPixel(src, attribs))) return null;
  if ((tag === 'audio' || tag === 'video') && !controls) out += ' controls=""';
  if (tag === 'a' && href) out += ' rel="noopener noreferrer"';
  return out;
}

function renderIframe(attribs: Record<string, string>, baseUrl: string | null): string | null {
  const src = attribs.src ? safeUrl(attribs.src, baseUrl, false) : null;
  if (!src) return null;
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return null; // a relative reference (kept when there is no base) is no embed player
  }
  // Own keys only: a host named `constructor` or `__proto__` is none of the players.
  const path = Object.hasOwn(IFRAME_HOSTS, url.hostname) ? IFRAME_HOSTS[url.hostname] : undefined;
  if (url.protocol !== 'https:' || !path || !path.test(url.pathname)) return null;
  const size = ['width', 'height']
    .filter((n) => attribs[n] && /^\s*\d{1,5}\s*$/.test(attribs[n]!))
    .map((n) => ` ${n}="${attribs[n]!.trim()}"`)
    .join('');
  return `<iframe src="${escapeXml(src)}"${size} sandbox="allow-scripts allow-same-origin allow-popups" allowfullscreen loading="lazy" referrerpolicy="strict-origin-when-cross-origin">`;
}

const INVISIBLE =
  /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const INVISIBLE_RUNS = new RegExp(`${INVISIBLE.source}+`, 'g');

/**
 * An absolute http(s) URL (or mailto: for links), or null. Browsers ignore tabs and newlines
 * inside URLs and control characters around them ("java\tscript:"), so they are removed first.
 */
export function safeUrl(raw: string, baseUrl: string | null, allowMailto: boolean): string | null {
  const cleaned = !INVISIBLE.test(raw)
    ? raw
    : raw.replace(INVISIBLE_RUNS, (m, offset: number) =>
        // Inner spaces are legitimate in sloppy URLs (percent-encode them); controls and tabs are not.
        /^ +$/.test(m) && offset > 0 && offset + m.length < raw.length ? '%20' : '',
      );
  if (!cleaned) return null;
  let url: URL;
  try {
    url = baseUrl ? urlAgainst(cleaned, baseUrl) : new URL(cleaned);
  } catch {
    // No base: keep a plain relative reference (no scheme before the first / ? #).
    return !baseUrl && !/^[^/?#]*:/.test(cleaned) ? cleaned : null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  if (allowMailto && url.protocol === 'mailto:') return url.href;
  return null;
}

/** A width or height of at most 2 pixels. */
const tiny = (v: string | undefined) => v !== undefined && /^\s*[0-2](px)?\s*$/.test(v);

/** Whether `host` is one of TRACKER_HOSTS or under one. */
function trackerHost(host: string): boolean {
  for (const t of TRACKER_HOSTS) if (host === t || host.endsWith(`.${t}`)) return true;
  return false;
}

// Module functions, not closures made at each call: V8 optimised each new closure anew, over
// and over in a pull (bench:ingest --node-flag --log-code).
function isTrackingPixel(src: string, attribs: Record<string, string>): boolean {
  if (tiny(attribs.width) || tiny(attribs.height)) return true;
  if (/(?:^|;)\s*(?:width|height)\s*:\s*[0-2](?:px)?\s*(?:;|$)/i.test(attribs.style ?? ''))
    return true;
  if (/(?:^|;)\s*display\s*:\s*none/i.test(attribs.style ?? '')) return true;
  try {
    const host = new URL(src).hostname;
    return trackerHost(host);
  } catch {
    return false;
  }
}
