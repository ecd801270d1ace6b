/**
 * "Intégrer sur votre site": the code a member copies (iframe or script) for one set of
 * filters, each with a live preview, framed from the hub itself (no JavaScript needed).
 * Shown on each network's page and in the console.
 */
import type { HubContext } from '../http.ts';
import { defineMessages, type Lang } from '../web/i18n.ts';
import { relaxPolicy } from '../web/security-headers.ts';
import { EMBED_DEFAULT_LIMIT, embedHeight } from './size.ts';
import { embedSnippet, type EmbedKind } from './snippet.ts';

const t = defineMessages({
  fr: {
    title: 'Intégrer sur votre site',
    intro:
      'Copiez l’un de ces codes dans une page de votre site (WordPress, SPIP, YesWiki…) : ' +
      'le cadre (iframe) fonctionne partout, le script s’insère sans cadre.',
    agenda: 'Agenda',
    news: 'Actualités',
    iframe: 'Code à copier (iframe)',
    script: 'Code à copier (script)',
    preview: 'Aperçu',
  },
  en: {
    title: 'Embed on your site',
    intro:
      'Copy one of these codes into a page of your site (WordPress, SPIP, YesWiki…): ' +
      'the frame (iframe) works everywhere, the script inserts itself without a frame.',
    agenda: 'Agenda',
    news: 'News',
    iframe: 'Code to copy (iframe)',
    script: 'Code to copy (script)',
    preview: 'Preview',
  },
});

/** A page showing the snippets lets its previews, this hub's own widgets, be framed in it. */
export function allowEmbedPreviews(c: HubContext): void {
  relaxPolicy(c, { 'frame-src': "'self'" });
}

export function EmbedSnippets(p: {
  lang: Lang;
  baseUrl: string;
  hubTitle: string;
  filters: URLSearchParams;
  /** A prefix for element ids, unique in the page. */
  idPrefix?: string;
}) {
  const m = t(p.lang);
  const id = p.idPrefix ?? 'embed';
  const kinds: EmbedKind[] = ['agenda', 'news'];
  return (
    <section aria-labelledby={`${id}-title`} class="embed-snippets">
      <h2 id={`${id}-title`}>{m.title}</h2>
      <p>{m.intro}</p>
      {kinds.map((kind) => {
        const label = kind === 'agenda' ? m.agenda : m.news;
        const filters = new URLSearchParams(p.filters);
        if (p.lang !== 'fr') filters.set('lang', p.lang);
        const s = embedSnippet(
          p.baseUrl,
          kind,
          filters,
          EMBED_DEFAULT_LIMIT,
          `${label} · ${p.hubTitle}`,
        );
        return (
          <details>
            <summary>{label}</summary>
            <p>
              <label for={`${id}-${kind}-iframe`}>{m.iframe}</label>
              <textarea id={`${id}-${kind}-iframe`} readonly rows={3} class="snippet">
                {s.iframe}
              </textarea>
            </p>
            <p>
              <label for={`${id}-${kind}-script`}>{m.script}</label>
              <textarea id={`${id}-${kind}-script`} readonly rows={2} class="snippet">
                {s.script}
              </textarea>
            </p>
            <p class="muted">{m.preview}</p>
            {/* Relative: the preview is this hub's, whatever address the snippet names. */}
            <iframe
              src={s.src.slice(p.baseUrl.length)}
              title={`${m.preview} : ${label}`}
              width="100%"
              height={embedHeight(EMBED_DEFAULT_LIMIT)}
              class="embed-preview"
              loading="lazy"
            />
          </details>
        );
      })}
    </section>
  );
}
