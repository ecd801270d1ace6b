/**
 * Strict XML is read without sax counting lines and columns (parse-xml-feed.ts countPositions),
 * which reaches into rss-parser and xml2js: these tests fail if an update of either moves what
 * it sets, if counting positions turns out to change what is read, or if a refused document's
 * message stops saying where it breaks (it is read again with positions for that).
 */
import { readFileSync, readdirSync } from 'node:fs';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { countPositions } from '../../src/ingest/parse-xml-feed.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { renderSource } from '../../bench/ingest/federation.ts';

type AnyParser = Parameters<typeof countPositions>[0];
const PARSE_FIXTURES = new URL('../fixtures/parse/', import.meta.url);

/**
 * What rss-parser gives for a document, sax counting positions or not: the feed, or the error
 * (its first line: positions follow it when counted).
 */
async function read(text: string, positions: boolean): Promise<unknown> {
  const parser = new Parser() as unknown as AnyParser;
  expect(countPositions(parser, positions)).toBe(true);
  return parser.parseString(text).catch((err: Error) => ({ error: err.message.split('\n')[0] }));
}

describe('strict XML read without positions', () => {
  it('reaches sax through rss-parser and xml2js', () => {
    const parser = new Parser();
    const sax = (parser as unknown as { xmlParser: { saxParser: { trackPosition: boolean } } })
      .xmlParser.saxParser;
    expect(sax.trackPosition).toBe(true);
    expect(countPositions(parser as unknown as AnyParser, false)).toBe(true);
    expect(sax.trackPosition).toBe(false);
  });

  it('reads the same with and without positions: fixtures and bench feeds', async () => {
    const texts = readdirSync(PARSE_FIXTURES)
      .filter((name) => /\.(xml|rdf)$/.test(name))
      .map((name) => readFileSync(new URL(name, PARSE_FIXTURES), 'utf8'));
    const baseOf = (i: number) => `http://127.0.0.1:${8000 + i}`;
    for (const i of [0, 1]) texts.push(renderSource(baseOf, i, 20, 4, Date.UTC(2026, 10, 1)).body);
    let feeds = 0;
    for (const text of texts) {
      const quick = await read(text, false);
      expect(quick).toEqual(await read(text, true));
      if (!(quick as { error?: string }).error) feeds++;
    }
    expect(feeds).toBeGreaterThan(8);
  });

  it('still says where a refused document breaks', async () => {
    await expect(
      parseFeed('<?xml version="1.0"?>\n<rss version="2.0">\n<chan', 'https://x.example/'),
    ).rejects.toMatchObject({
      kind: 'parse_error',
      message: 'XML invalide : Unclosed root tag (ligne 3, colonne 5)',
    });
    const feed = await parseFeed(
      '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n' +
        '<item><title>a & b</title><guid>1</guid></item></channel></rss>',
      'https://x.example/',
    );
    expect(feed.warning).toContain('(XML invalide : Invalid character in entity name (ligne 3');
    expect(feed.warning).toContain('colonne 17)');
  });
});
