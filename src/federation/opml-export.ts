/**
 * /networks.opml: every member's own feeds and agendas, one outline per network (OPML 2.0,
 * importable in any feed reader). Pure.
 */
import type { DirectoryEntry } from './directory.ts';
import { escapeXml, withoutInvalidXml } from '../shared/escape-xml.ts';

const esc = (text: string) => escapeXml(withoutInvalidXml(text));

function isHttp(url: string | null): url is string {
  return !!url && /^https?:\/\//i.test(url);
}

export interface OpmlInput {
  title: string;
  baseUrl: string;
  /** The newest change of the directory; null when it is empty (no date rather than now). */
  created: Date | null;
  networks: DirectoryEntry[];
  lang: 'fr' | 'en';
}

/** Renders the directory as OPML 2.0; retired and removed sources are left out. */
export function renderOpml(input: OpmlInput): string {
  const agenda = input.lang === 'fr' ? 'Agenda' : 'Calendar';
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${esc(input.title)}</title>`,
    ...(input.created ? [`    <dateCreated>${input.created.toUTCString()}</dateCreated>`] : []),
    `    <ownerName>${esc(input.title)}</ownerName>`,
    `    <docs>http://opml.org/spec2.opml</docs>`,
    '  </head>',
    '  <body>',
  ];
  for (const n of input.networks) {
    const attrs = [`text="${esc(n.name)}"`, `title="${esc(n.name)}"`];
    if (n.tags.length)
      attrs.push(`category="${esc(n.tags.map((t) => t.replace(/[,/]/g, ' ')).join(','))}"`);
    lines.push(`    <outline ${attrs.join(' ')}>`);
    for (const s of n.sources) {
      if (s.status !== 'active') continue;
      const htmlUrl = isHttp(n.site) ? ` htmlUrl="${esc(n.site)}"` : '';
      if (s.kind === 'calendar') {
        if (isHttp(s.fetchUrl))
          lines.push(
            `      <outline type="link" text="${esc(`${n.name} — ${agenda}`)}` +
              `" url="${esc(s.fetchUrl)}"/>`,
          );
        continue;
      }
      // A bare site whose feed was not discovered yet has no feed URL to give.
      if (s.kind === 'site' && s.fetchUrl === s.url) continue;
      if (!isHttp(s.fetchUrl)) continue;
      const text = esc(s.title ?? n.name);
      lines.push(
        `      <outline type="rss" text="${text}" ` +
          `title="${text}" xmlUrl="${esc(s.fetchUrl)}"${htmlUrl}/>`,
      );
    }
    lines.push('    </outline>');
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}
