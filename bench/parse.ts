/**
 * Parse throughput: decode → parse → sanitise on generated feeds of each format and size.
 * Run: npm run bench:parse. Prints items/s and MB/s per case (median of 5 runs).
 */
import { decodeBody } from '../src/ingest/decode.ts';
import { parseFeed } from '../src/ingest/parse-feed.ts';

const paragraph =
  '<p>L’économie sociale et solidaire rassemble des <a href="/coop">coopératives</a>, mutuelles et associations. <img src="photo.jpg" alt="photo"> <script>x()</script></p>';

function rss(n: number): string {
  const items = Array.from(
    { length: n },
    (_, i) =>
      `<item><title>Article ${i} : coopération</title><link>/a/${i}</link><guid>g${i}</guid><pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate><category>ESS</category><description><![CDATA[${paragraph}]]></description><content:encoded><![CDATA[${paragraph.repeat(5)}]]></content:encoded></item>`,
  ).join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench</title><link>https://bench.example/</link>${items}</channel></rss>`;
}

function atom(n: number): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const entries = Array.from(
    { length: n },
    (_, i) =>
      `<entry><title>Entrée ${i}</title><link href="e/${i}"/><id>urn:e:${i}</id><updated>2026-11-02T10:00:00Z</updated><content type="html">${esc(paragraph.repeat(5))}</content></entry>`,
  ).join('');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://bench.example/"><title>Bench</title>${entries}</feed>`;
}

function json(n: number): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Bench',
    items: Array.from({ length: n }, (_, i) => ({
      id: `j${i}`,
      url: `https://bench.example/j/${i}`,
      title: `Item ${i}`,
      content_html: paragraph.repeat(5),
      date_published: '2026-11-02T10:00:00Z',
    })),
  });
}

const cases: Array<[string, (n: number) => string]> = [
  ['RSS 2.0', rss],
  ['Atom', atom],
  ['JSON Feed', json],
];
console.log('format      items   size      median    items/s    MB/s');
for (const [name, make] of cases) {
  for (const n of [50, 1_000, 10_000]) {
    const bytes = new TextEncoder().encode(make(n));
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const start = performance.now();
      const feed = await parseFeed(decodeBody(bytes, null), 'https://bench.example/feed');
      runs.push(performance.now() - start);
      if (feed.items.length !== n) throw new Error(`expected ${n} items, got ${feed.items.length}`);
    }
    const median = runs.sort((a, b) => a - b)[2]!;
    console.log(
      `${name.padEnd(10)} ${String(n).padStart(6)} ${`${(bytes.length / 1e6).toFixed(2)} MB`.padStart(9)} ${`${median.toFixed(1)} ms`.padStart(10)} ${String(Math.round((n / median) * 1000)).padStart(10)} ${((bytes.length / 1e6 / median) * 1000).toFixed(1).padStart(7)}`,
    );
  }
}

// Hostile nesting (issue 14): one item of 400,000 unclosed <b> (1.2 MB), then 9 of 170,000
// (4.6 MB). htmlparser2 alone was quadratic on them: 36 s and 238 s in a pull.
console.log('\nhostile nesting                       size      median');
for (const [name, count, each] of [
  ['1 item × 400,000 <b>', 1, 400_000],
  ['9 items × 170,000 <b>', 9, 170_000],
] as const) {
  const items = Array.from(
    { length: count },
    (_, i) =>
      `<item><title>n${i}</title><link>https://bench.example/n/${i}</link><description><![CDATA[${'<b>'.repeat(each)}fin]]></description></item>`,
  ).join('');
  const text = `<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>${items}</channel></rss>`;
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    await parseFeed(text, 'https://bench.example/feed');
    runs.push(performance.now() - start);
  }
  const median = runs.sort((a, b) => a - b)[1]!;
  console.log(
    `${name.padEnd(30)} ${`${(text.length / 1e6).toFixed(2)} MB`.padStart(9)} ${`${median.toFixed(0)} ms`.padStart(10)}`,
  );
}
