/**
 * Canonical URL of an item: the first key for merging relays of one story.
 *
 * Rules (in order):
 * 1. Unwrap redirectors whose target is in the URL: l.facebook.com/l.php?u=, google.com/url?q=,
 *    AMP caches (`*.cdn.ampproject.org/c/s/HOST/PATH`). Feed proxies (feedproxy.google.com,
 *    feeds.feedburner.com) hide the target: `canonicalItemUrl` then uses the item's guid when it
 *    is an http(s) URL on another host (FeedBurner keeps the original there).
 * 2. Only http(s) URLs have a canonical form; anything else gives null.
 * 3. Scheme: http ≡ https, always written `https:`. Host: lowercased, trailing dot removed,
 *    leading `www.` removed (sites serve both, relays copy either), AMP subdomain `amp.` removed.
 *    Default ports (80, 443) dropped. User info dropped.
 * 4. Path: AMP variants folded (`/amp`, `/amp/` as last segment, `.amp.html` → `.html`, leading
 *    `/amp/` segment); `index.html|htm|php` as last segment dropped; duplicate slashes collapsed;
 *    trailing slash removed (except the root). Case kept: paths are case-sensitive.
 * 5. Query: tracking parameters dropped (utm_*, fbclid, gclid, dclid, msclkid, yclid, mc_cid,
 *    mc_eid, _hsenc, _hsmi, __hs*, xtor, xts, at_*, pk_*, mtm_*, matomo_*, piwik_*, _ga, _gl,
 *    igshid, mkt_tok, ref_src, ref_url, oly_*, vero_*, wt.mc_id, cmpid, ncid, sr_share, amp,
 *    outputtype=amp); the rest sorted by name then value; an empty query removed.
 * 6. Fragment removed.
 */

const TRACKING_EXACT = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'hsctatracking',
  'xtor',
  'xts',
  'xtref',
  '_ga',
  '_gl',
  'igshid',
  'mkt_tok',
  'ref_src',
  'ref_url',
  'wt.mc_id',
  'wt.mc_ev',
  'cmpid',
  'ncid',
  'sr_share',
  'amp',
  'vero_id',
  'vero_conv',
  'spm',
  's_cid',
  'at_xt',
  'ito',
  'ocid',
  'soc_src',
  'soc_trk',
]);
const TRACKING_PREFIXES = [
  'utm_',
  'at_',
  'pk_',
  'mtm_',
  'matomo_',
  'piwik_',
  '__hs',
  'oly_',
  'hmb_',
];

const FEED_PROXY_HOSTS =
  /(^|\.)(feedproxy\.google\.com|feeds\.feedburner\.com|feedburner\.com|feeds2\.feedburner\.com)$/;

/** True when the parameter only tracks the click and never selects content. */
export function isTrackingParam(name: string, value: string): boolean {
  const n = name.toLowerCase();
  if (n === 'outputtype') return value.toLowerCase() === 'amp';
  if (n === 'amp') return value === '' || value === '1' || value.toLowerCase() === 'true';
  return TRACKING_EXACT.has(n) || TRACKING_PREFIXES.some((p) => n.startsWith(p));
}

/** The URL as published, minus tracking parameters and fragment (for showing links, not matching). */
export function withoutTracking(raw: string): string {
  try {
    const url = new URL(raw);
    // Nothing to drop without "?" or "#" (most links): the URL as parsed. URLSearchParams and
    // the hash setter, which serialises the URL again, took two thirds of the time.
    if (!raw.includes('?') && !raw.includes('#')) return url.href;
    for (const [k, v] of [...url.searchParams.entries()])
      if (isTrackingParam(k, v)) url.searchParams.delete(k);
    url.hash = '';
    return url.toString();
  } catch {
    return raw;
  }
}

/** True for feed-proxy links whose real target is not in the URL. */
export function isFeedProxyUrl(url: string): boolean {
  try {
    return isFeedProxy(new URL(url));
  } catch {
    return false;
  }
}

/** isFeedProxyUrl of a URL already parsed. */
function isFeedProxy(url: URL): boolean {
  return FEED_PROXY_HOSTS.test(url.hostname.toLowerCase());
}

/** Follows redirectors that carry their target in the URL (at most a few hops). */
function unwrap(url: URL): URL {
  for (let hop = 0; hop < 3; hop++) {
    const host = url.hostname.toLowerCase();
    let target: string | null = null;
    if (/(^|\.)facebook\.com$/.test(host) && url.pathname === '/l.php')
      target = url.searchParams.get('u');
    else if (/(^|\.)google\.[a-z.]+$/.test(host) && url.pathname === '/url')
      target = url.searchParams.get('q') ?? url.searchParams.get('url');
    else if (host.endsWith('.cdn.ampproject.org')) {
      const m = /^\/[a-z]\/(s\/)?(.+)$/.exec(url.pathname);
      if (m) target = `${m[1] ? 'https' : 'http'}://${m[2]}${url.search}`;
    }
    if (!target) return url;
    try {
      url = new URL(target);
    } catch {
      return url;
    }
  }
  return url;
}

/** Paths canonicalPath leaves as they are: no "//", "amp" or "index.", no trailing slash. */
function plainPath(path: string): boolean {
  return (
    !path.includes('//') && !(path.length > 1 && path.endsWith('/')) && !AMP_OR_INDEX.test(path)
  );
}
const AMP_OR_INDEX = /amp|index\./i;

function canonicalPath(path: string): string {
  if (plainPath(path)) return path || '/';
  let p = path.replace(/\/{2,}/g, '/');
  p = p.replace(/\.amp\.html?$/i, '.html');
  p = p.replace(/\/amp\/?$/i, '/');
  p = p.replace(/^\/amp\//i, '/');
  p = p.replace(/\/index\.(html?|php)$/i, '/');
  if (p.length > 1) p = p.replace(/\/+$/, '');
  return p || '/';
}

/** The canonical form of an http(s) URL (rules above), or null when it is not one. */
export function canonicalUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  return canonicalOf(parsed(raw.trim()));
}

/** new URL(raw), or null when it is not a URL. */
function parsed(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** canonicalUrl of a parsed URL (null: what did not parse). */
function canonicalOf(parsedUrl: URL | null): string | null {
  if (!parsedUrl) return null;
  let url: URL;
  try {
    url = unwrap(parsedUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  let host = url.hostname.toLowerCase().replace(/\.$/, '');
  host = host.replace(/^www\d*\./, '').replace(/^amp\./, '');
  if (!host) return null;
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  // No query string, no parameters: most links, which then skip URLSearchParams.
  const query = url.search ? canonicalQuery(url) : '';
  return `https://${host}${port}${canonicalPath(url.pathname)}${query}`;
}

/** The query without tracking parameters, sorted, with its "?" ('' when nothing is left). */
function canonicalQuery(url: URL): string {
  const params = [...url.searchParams.entries()].filter(([k, v]) => !isTrackingParam(k, v));
  params.sort(([ka, va], [kb, vb]) =>
    ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0,
  );
  return params.length ? `?${new URLSearchParams(params).toString()}` : '';
}

/**
 * The canonical URL of a feed item: its link, unless the link is a feed proxy and the guid is
 * an http(s) URL elsewhere (FeedBurner keeps the original link in the guid).
 */
export function canonicalItemUrl(item: { url: string | null; guid: string | null }): string | null {
  // The link is parsed once for both questions when trimming leaves it as it is (as it does
  // for a prepared item's): it was parsed twice, a third of this function's time.
  const link = item.url ? parsed(item.url) : null;
  if (
    link &&
    isFeedProxy(link) &&
    item.guid &&
    /^https?:\/\//i.test(item.guid) &&
    !isFeedProxyUrl(item.guid)
  ) {
    return canonicalUrl(item.guid);
  }
  const canonicalLink =
    item.url && item.url.trim() === item.url ? canonicalOf(link) : canonicalUrl(item.url);
  return (
    canonicalLink ?? (item.guid && /^https?:\/\//i.test(item.guid) ? canonicalUrl(item.guid) : null)
  );
}

/**
 * Whether a canonical URL can identify one story: a site's home page (path `/`, no query) or a
 * feed-proxy link is shared by unrelated items in badly made feeds, so it is never a merge key.
 */
export function isStoryUrl(canonical: string | null): canonical is string {
  if (!canonical) return false;
  const u = new URL(canonical);
  return !(u.pathname === '/' && !u.search) && !FEED_PROXY_HOSTS.test(u.hostname);
}
