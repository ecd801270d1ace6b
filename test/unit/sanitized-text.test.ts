import { describe, expect, it } from 'vitest';
import { sanitizeHtml, sanitizeHtmlWithText } from '../../src/ingest/sanitize.ts';
import { htmlToText } from '../../src/shared/html-to-text.ts';

/** Every shape of tag the sanitiser meets: kept, dropped with or without content, blocks, tables. */
const TAGS = (
  'p div b i span font center section article nav main header footer aside address table ' +
  'tr td th tbody thead tfoot caption ul ol li dl dd dt h1 h2 h6 blockquote pre figure ' +
  'figcaption details summary fieldset legend form select option optgroup textarea button ' +
  'input label script style title noscript template object svg math q sub code em ruby rt ' +
  'rp video audio source wbr br hr img iframe a dialog colgroup col'
).split(' ');
const ATTRIBUTES = [
  '',
  ' href="https://exemple.org/a"',
  ' src="https://exemple.org/i.png"',
  ' src="https://www.youtube.com/embed/x"',
  ' src="/relatif.png" width="1"',
  ' class="x" title="t"',
];
const TEXTS = [
  'mot',
  ' ',
  '\n',
  'Deux mots.',
  '&amp;',
  '&eacute;t&eacute;',
  '&#233;',
  '&nbsp;',
  ' & ',
  ' < ',
  'a>b',
  '\u0000',
  '\u0007',
  '\u00a0',
  '\t',
  '«»',
  '<!-- commentaire -->',
  '<![CDATA[donnée]]>',
  '<!doctype html>',
  '<?xml version="1.0"?>',
  '<p',
  '</',
  '<a href="x',
];

function randomHtml(rand: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const parts: string[] = [];
  for (let n = Math.floor(rand() * 40); n > 0; n--) {
    const r = rand();
    const tag = pick(TAGS);
    if (r < 0.35) parts.push(`<${tag}${pick(ATTRIBUTES)}${rand() < 0.05 ? '/' : ''}>`);
    else if (r < 0.6) parts.push(`</${tag}>`);
    else parts.push(pick(TEXTS));
  }
  return parts.join('');
}

describe('sanitizeHtmlWithText', () => {
  it('gives the HTML sanitizeHtml gives and the text htmlToText reads back from it', () => {
    let seed = 14;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20_000; n++) {
      const html = randomHtml(rand);
      const both = sanitizeHtmlWithText(html, 'https://exemple.org/article');
      const alone = sanitizeHtml(html, 'https://exemple.org/article');
      expect(both.html, html).toBe(alone);
      expect(both.text, html).toBe(htmlToText(alone, { blocks: '\n' }));
    }
  }, 120_000);

  it('follows the parser where a dropped element changed the tree (paragraph closed by table)', () => {
    // First read: <font> is on top when <table> opens, so the paragraph stays open; the
    // written HTML has no <font>, and the second read closes the paragraph there.
    const html = '<p>a<font><table>b</table></font>c</p>';
    const written = sanitizeHtml(html, null);
    expect(written).toBe('<p>a<table>b</table>c</p>');
    expect(htmlToText(written, { blocks: '\n' })).toBe('a\nbc');
    expect(sanitizeHtmlWithText(html, null).text).toBe('a\nbc');
    // The written </p> then closes nothing: the second read makes it an empty paragraph.
    const after = '<div><p>a<font><table>b</table></font>c</p>d</div>';
    expect(htmlToText(sanitizeHtml(after, null), { blocks: '\n' })).toBe('a\nbc\nd');
    expect(sanitizeHtmlWithText(after, null).text).toBe('a\nbc\nd');
  });
});
