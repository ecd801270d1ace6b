import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/shared/html-to-text.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { fingerprint } from '../../src/ingest/dedupe/fingerprint.ts';
import { shortText } from '../../src/newsletter/digest/load-content.ts';

/** Named, decimal and hexadecimal references to the same letters, and a few typographic ones. */
const SHAPES: Array<[html: string, text: string]> = [
  ['Caf&eacute;, caf&#233;, caf&#xE9;, caf&#XE9;', 'Café, café, café, café'],
  ['l&rsquo;&eacute;t&eacute;&hellip; l&#8217;&#233;t&#233;&#x2026;', 'l’été… l’été…'],
  [
    '&laquo;&nbsp;Coop&nbsp;&raquo; &ndash; &OElig;uvre &amp; &oelig;uvre',
    '« Coop » – Œuvre & œuvre',
  ],
  [
    '&Eacute;galit&eacute; &lt;b&gt; &quot;dit&quot; &apos;l&agrave;&apos;',
    'Égalité <b> "dit" \'là\'',
  ],
  ['<p>Tarif&nbsp;: 5&euro;, R&amp;D &mdash; <b>co</b>op</p>', 'Tarif : 5€, R&D — coop'],
];

/** The three readers of a member's HTML: the feed reader, deduplication, the digest. */
async function feedSummary(html: string): Promise<string | null> {
  const doc = JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Entités',
    items: [{ id: '1', title: html, content_html: html }],
  });
  const feed = await parseFeed(doc, 'https://member.example.org/feed.json');
  expect(feed.items[0]!.title).toBe(feed.items[0]!.summary);
  return feed.items[0]!.summary;
}
const dedupText = (html: string) => fingerprint('Titre', html, null).text;

describe('HTML to text: one decoder for the feeds, deduplication and the digest', () => {
  it.each(SHAPES)('%s', async (html, text) => {
    expect(htmlToText(html)).toBe(text);
    expect(await feedSummary(html)).toBe(text);
    expect(dedupText(html)).toBe(text);
    expect(shortText(html)).toBe(text);
  });

  it('keeps paragraphs apart as lines when asked (deduplication reads relay lines)', () => {
    const html = '<p>Relayé depuis <a href="x">Coop</a></p>\n<p>Le&nbsp;texte&hellip;</p><br>fin';
    expect(htmlToText(html, { blocks: '\n' })).toBe('Relayé depuis Coop\nLe texte…\nfin');
    expect(htmlToText(html)).toBe('Relayé depuis Coop Le texte… fin');
  });

  it('drops scripts and styles with their content, and reads text without markup as is', () => {
    expect(htmlToText('a<script>x &lt; y</script><style>p{}</style> b')).toBe('a b');
    expect(htmlToText('  deux   mots \n')).toBe('deux mots');
    expect(htmlToText(null)).toBe('');
  });
});
