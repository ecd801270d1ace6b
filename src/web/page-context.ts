import type { HubContext } from '../http.ts';
import type { Deps } from '../deps.ts';
import { readHubSettings, type HubSettings } from '../db/hub-settings.ts';
import { pickLang, type Lang } from './i18n.ts';

/** What every page handler starts from. */
export interface PageContext {
  deps: Deps;
  hub: HubSettings;
  lang: Lang;
  /** Path + query without `lang` (for the language switch). */
  path: string;
  /** `lang=xx` to carry on links when the reader chose a language by URL, else ''. */
  langParam: string;
}

export async function pageContext(c: HubContext): Promise<PageContext> {
  const deps = c.get('deps');
  const hub = await readHubSettings(deps.db, deps.config.baseUrl);
  const lang = pickLang(c, hub.language);
  const url = new URL(c.req.url);
  const explicit = url.searchParams.get('lang');
  url.searchParams.delete('lang');
  return {
    deps,
    hub,
    lang,
    path: url.pathname + url.search,
    langParam: explicit === 'fr' || explicit === 'en' ? `lang=${explicit}` : '',
  };
}
