/**
 * The code a member copies onto their site: an iframe sized to fit (see size.ts) and the
 * script alternative, for one set of filters.
 */
import { html } from 'hono/html';
import { embedHeight } from './size.ts';

export type EmbedKind = 'agenda' | 'news';

export interface Snippet {
  /** The embed page's absolute URL. */
  src: string;
  iframe: string;
  script: string;
}

export function embedSnippet(
  baseUrl: string,
  kind: EmbedKind,
  filters: URLSearchParams,
  rows: number,
  title: string,
): Snippet {
  const query = filters.toString();
  const src = `${baseUrl}/embed/${kind}${query ? `?${query}` : ''}`;
  const scriptSrc = `${baseUrl}/embed/${kind}.js${query ? `?${query}` : ''}`;
  const height = embedHeight(rows);
  // hono's html tag escapes what it interpolates (attribute-safe).
  const attributes = html`src="${src}" title="${title}" width="100%" height="${height}"`;
  const iframe = String(
    html`<iframe ${attributes} style="border:0;max-width:40rem" loading="lazy"></iframe>`,
  );
  const script = String(html`<script src="${scriptSrc}" async></script>`);
  return { src, iframe, script };
}
