/**
 * Links between the hub's pages keep the language a reader chose by URL (`?lang=en`): a
 * visitor who switched language stays in it while navigating. Every internal link a page
 * builds goes through `hubHref`. Without an explicit choice links carry no language: the
 * browser's Accept-Language decides again on the next page.
 */

/**
 * `path` (which may already hold a query and a fragment) with `params` added, then the
 * reader's explicit language (`langParam`, `lang=xx`, or '' for none).
 */
export function hubHref(path: string, langParam: string, params?: URLSearchParams): string {
  const hashAt = path.indexOf('#');
  const fragment = hashAt < 0 ? '' : path.slice(hashAt);
  let href = hashAt < 0 ? path : path.slice(0, hashAt);
  const extra = new URLSearchParams(params);
  extra.delete('lang'); // the reader's choice is langParam, added once
  const query = [extra.toString(), langParam].filter(Boolean).join('&');
  if (query) href += `${href.includes('?') ? '&' : '?'}${query}`;
  return href + fragment;
}
