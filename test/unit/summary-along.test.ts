/**
 * An item whose summary and content are one HTML (an RSS description alone, an Atom content or
 * summary alone, a JSON Feed item without a summary) has it parsed once: the sanitiser's parse
 * feeds the summary's text (feed-fields.ts plainTextAlong). It must read what plainText reads.
 * A summary written as plain text (Atom type="text") is read as text, not written as HTML and
 * parsed back (plainTextOfText): the same again.
 */
import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  plainText,
  plainTextAlong,
  plainTextOfText,
  textToHtml,
} from '../../src/ingest/feed-fields.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { sanitizeHtmlWithText } from '../../src/ingest/sanitize.ts';

const PIECES = [
  ...'p div b i span br hr li ul td tr h2 pre figure img script style title noscript textarea a'
    .split(' ')
    .flatMap((t) => [`<${t}>`, `</${t}>`, `<${t} class="x">`]),
  '<a href="https://exemple.org/a">',
  '<iframe src="https://www.youtube.com/embed/x">',
  ...['mot ', 'Deux mots. ', '&amp;', '&eacute;t&eacute;', '&#233;', '&nbsp;', ' & ', ' < ', 'a>b'],
  ...['\u0000', '\u0007', '\u00a0', '\t', '\n', '  ', '<!-- c -->', '<![CDATA[d]]>', '<p', '</'],
];

function randomHtml(rand: () => number, size: number): string {
  const parts: string[] = [];
  for (let n = size; n > 0; n--) parts.push(PIECES[Math.floor(rand() * PIECES.length)]!);
  return parts.join('');
}

describe('a summary read along the content’s parse', () => {
  it('is what plainText reads, for any HTML and up to the length plainText reads', () => {
    let seed = 20;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let along = 0;
    for (let n = 0; n < 6000; n++) {
      // Sizes around the bound too: plainText reads 20,000 characters of HTML at most.
      const html = randomHtml(rand, n % 100 === 0 ? 2000 + Math.floor(rand() * 3000) : n % 60);
      const reading = plainTextAlong(html, LIMITS.summary);
      if (!reading) continue;
      along++;
      sanitizeHtmlWithText(html, 'https://exemple.org/', reading.collector);
      expect(reading.text(), html).toBe(plainText(html, LIMITS.summary));
    }
    expect(along).toBeGreaterThan(5000);
    expect(plainTextAlong('Texte sans balise', LIMITS.summary)).toBeNull();
    expect(plainTextAlong(`<p>${'x'.repeat(20_000)}</p>`, LIMITS.summary)).toBeNull();
  }, 60_000);

  it('gives RSS, Atom and JSON Feed items the summary plainText gives', async () => {
    const html = '<p>Un <b>atelier</b> &amp; un repas.</p><script>x()</script><p>Le 3 mars.</p>';
    const escaped = html.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const expected = plainText(html, LIMITS.summary);
    expect(expected).toBe('Un atelier & un repas. Le 3 mars.');
    const rss = `<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>1</guid>
      <description>${escaped}</description></item></channel></rss>`;
    const atom = (element: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><id>1</id><title>a</title><${element} type="html">${escaped}</${element}></entry></feed>`;
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 't',
      items: [{ id: '1', title: 'a', content_html: html }],
    });
    for (const doc of [rss, atom('content'), atom('summary'), json]) {
      const [item] = (await parseFeed(doc, 'https://exemple.org/feed')).items;
      expect(item!.summary, doc).toBe(expected);
      expect(item!.contentHtml, doc).toBe(
        '<p>Un <b>atelier</b> &amp; un repas.</p><p>Le 3 mars.</p>',
      );
    }
  });

  it('reads a plain-text summary as plainText reads the HTML textToHtml makes of it', () => {
    const chars = [
      ...'ab é’«»&<>;#x\'"',
      ...['&amp;', '&lt;', '&#233;', '&eacute;', ']]>', '<p>', '<br>', 'mot ', 'Deux mots. '],
      ...['\n', '\n\n', '\n \n', '\r\n', '\r', '\t', ' ', '  ', '\u00a0', '\u2028', '\ufeff'],
      ...['\u0000', '\u0001', '\u000b', '\u000c', '\u007f', '\u0085', '\u3000', '😀'],
    ];
    let seed = 21;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20_000; n++) {
      const parts: string[] = [];
      for (let k = Math.floor(rand() * (n % 10 === 0 ? 400 : 40)); k > 0; k--)
        parts.push(chars[Math.floor(rand() * chars.length)]!);
      const text = parts.join('').slice(0, LIMITS.summary + (n % 7) - 3);
      const html = textToHtml(text);
      expect(plainTextOfText(text, html, LIMITS.summary), JSON.stringify(text)).toBe(
        plainText(html, LIMITS.summary),
      );
    }
    // Longer, the text is read as HTML: cleanText reads 4,000 characters, plainText the
    // paragraphs that 20,000 characters of HTML hold.
    const long = `a${' '.repeat(4500)}b`;
    expect(plainTextOfText(long, textToHtml(long), LIMITS.summary)).toBe('a b');
  }, 60_000);
});
