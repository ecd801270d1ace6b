/**
 * The widgets' CSS. Scoped under .intercoop-embed so the script embed, which has no frame,
 * can carry the same rules into a member's page (inside a shadow root) without touching it.
 * Rows have a fixed height (see size.ts): the frame's height is known without a script.
 */
import { EMBED_FOOTER_PX, EMBED_HEADER_PX, EMBED_ROW_PX } from './size.ts';
import type { EmbedTheme } from './request.ts';

const light = '--ie-fg:#1a1a1a;--ie-bg:#fff;--ie-muted:#555;--ie-link:#0b57a4;--ie-line:#ddd';
const dark = '--ie-fg:#eee;--ie-bg:#121212;--ie-muted:#bbb;--ie-link:#8cc4ff;--ie-line:#333';

function palette(theme: EmbedTheme): string {
  if (theme === 'light') return `.intercoop-embed{color-scheme:light;${light}}`;
  if (theme === 'dark') return `.intercoop-embed{color-scheme:dark;${dark}}`;
  return [
    `.intercoop-embed{color-scheme:light dark;${light}}`,
    `@media (prefers-color-scheme:dark){.intercoop-embed{${dark}}}`,
  ].join('');
}

export function embedCss(theme: EmbedTheme): string {
  return [
    'html,body{margin:0;padding:0;background:transparent}',
    palette(theme),
    '.intercoop-embed{box-sizing:border-box;color:var(--ie-fg);background:var(--ie-bg);',
    'font:15px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:0 .75rem}',
    '.intercoop-embed *{box-sizing:border-box}',
    '.intercoop-embed a{color:var(--ie-link)}',
    `.ie-head{margin:0;height:${EMBED_HEADER_PX}px;line-height:${EMBED_HEADER_PX}px;`,
    'font-weight:700;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.ie-head a{text-decoration:none}',
    '.ie-list{list-style:none;margin:0;padding:0}',
    `.ie-list>li{height:${EMBED_ROW_PX}px;overflow:hidden;border-top:1px solid var(--ie-line);`,
    'padding:.4rem 0;display:flex;flex-direction:column;gap:.15rem}',
    '.ie-title{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;',
    'overflow:hidden;font-weight:600}',
    '.ie-meta{color:var(--ie-muted);font-size:13px;white-space:nowrap;overflow:hidden;',
    'text-overflow:ellipsis}',
    '.ie-cancelled .ie-title{text-decoration:line-through}',
    '.ie-empty{margin:0;padding:.5rem 0;color:var(--ie-muted)}',
    `.ie-more{margin:0;height:${EMBED_FOOTER_PX}px;line-height:${EMBED_FOOTER_PX}px;`,
    'border-top:1px solid var(--ie-line);font-size:13px;white-space:nowrap;overflow:hidden}',
  ].join('');
}
