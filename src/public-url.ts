/**
 * A private feed is declared as `https://user:password@host/…` (see ingest/fetch.ts). Its
 * user-info is a secret: every public output (pages, feeds, OPML, /healthz, JSON) shows a
 * source's address through `publicUrl`, the admin API and the command line through
 * `maskedUrl` (`user:***`), and free text that may quote one (an error message, a log line)
 * goes through `withoutCredentials` / `withMaskedCredentials`.
 */

/**
 * A scheme, its slashes (WHATWG also reads backslashes and a single slash), then user-info up to
 * the last `@` before the host ends: a password may itself hold an unescaped `@`.
 */
const USERINFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:[\\/]+)([^\s/\\?#"'<>]*)@/gi;

/** The URL as anyone may see it: without user-info. Anything else is returned unchanged. */
export function publicUrl(url: string): string;
export function publicUrl(url: string | null): string | null;
export function publicUrl(url: string | null | undefined): string | null | undefined;
export function publicUrl(url: string | null | undefined): string | null | undefined {
  if (!url?.includes('@')) return url;
  const parsed = parse(url);
  if (parsed) {
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  }
  return withoutCredentials(url);
}

/** The URL for the coordinators: the user name kept, the password shown as `***`. */
export function maskedUrl(url: string): string;
export function maskedUrl(url: string | null): string | null;
export function maskedUrl(url: string | null): string | null {
  if (!url?.includes('@')) return url;
  const parsed = parse(url);
  if (parsed) {
    if (!parsed.username && !parsed.password) return url;
    const bare = publicUrl(url);
    const at = bare.indexOf('//') + 2;
    return `${bare.slice(0, at)}${mask(parsed.username, parsed.password)}@${bare.slice(at)}`;
  }
  return withMaskedCredentials(url);
}

/** Free text (an error message, a log line) with every URL's user-info removed. */
export function withoutCredentials(text: string): string {
  return text.includes('@') ? text.replace(USERINFO_IN_TEXT, '$1') : text;
}

/** Free text with every URL's password shown as `***` (for the coordinators). */
export function withMaskedCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(USERINFO_IN_TEXT, (_all, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    return `${scheme}${colon < 0 ? mask(info, '') : mask(info.slice(0, colon), 'x')}@`;
  });
}

/**
 * `user:***`; a user name alone is shown as `***` too, since a lone user-info is usually a
 * token (`https://TOKEN@host/feed`).
 */
function mask(username: string, password: string): string {
  return password ? `${username}:***` : '***';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
