/**
 * `new URL(value, base)` for a base already read: parsing a URL against a base parses the base
 * too, half of the time of each of an item's links (its own, its content's), though an absolute
 * http(s) URL does not depend on it. Such a URL is parsed alone when the same base was read
 * before (so it is known valid: an invalid base makes even an absolute URL fail).
 */

/** Scheme and authority written out: the base plays no part (WHATWG URL, special schemes). */
const ABSOLUTE_HTTP = /^https?:\/\//i;

/** The last base a URL was read against without failing: a valid URL. */
let validBase: string | null = null;

export function urlAgainst(value: string, base: string): URL {
  if (base === validBase && ABSOLUTE_HTTP.test(value)) return new URL(value);
  const url = new URL(value, base);
  validBase = base;
  return url;
}
