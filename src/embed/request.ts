/**
 * An embed's query: the feeds' filters (network, tag, territory, q), a limit, the language and
 * a theme. Anything else in the URL is ignored; a bad value is a 400 with the filter's message.
 */
import { EMBED_DEFAULT_LIMIT, EMBED_MAX_LIMIT } from './size.ts';

export type EmbedTheme = 'auto' | 'light' | 'dark';

export class EmbedQueryError extends Error {}

export interface EmbedOptions {
  limit: number;
  theme: EmbedTheme;
  /** The filters alone (network, tag, territory, q), to carry on the hub's links. */
  filters: URLSearchParams;
}

const FILTERS = ['network', 'tag', 'territory', 'q'];

export function parseEmbedOptions(params: URLSearchParams): EmbedOptions {
  let limit = EMBED_DEFAULT_LIMIT;
  const raw = params.get('limit')?.trim();
  if (raw) {
    if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > EMBED_MAX_LIMIT)
      throw new EmbedQueryError(`limit= must be a whole number from 1 to ${EMBED_MAX_LIMIT}`);
    limit = Number(raw);
  }
  const theme = params.get('theme')?.trim() || 'auto';
  if (theme !== 'auto' && theme !== 'light' && theme !== 'dark')
    throw new EmbedQueryError('theme= is auto, light or dark');
  const filters = new URLSearchParams();
  for (const name of FILTERS)
    for (const v of params.getAll(name)) if (v.trim()) filters.append(name, v.trim());
  return { limit, theme, filters };
}
