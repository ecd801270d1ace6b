/**
 * xml-tree.ts builds the tree xml2js builds for rss-parser, with handlers shared by every
 * document: for each class of document (feeds of every format, the bench's feeds, CDATA, white
 * space, attributes, repeated and oddly named children, a byte order mark, blank text, errors
 * before and after the root's end, sax's tolerant mode with names renamed), the same tree, key
 * order and prototypes included, or the same error, as xml2js 0.5.0 (the version rss-parser
 * runs, pinned in package-lock.json).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { XmlTreeReader } from '../../src/ingest/xml-tree.ts';
import { renderSource } from '../../bench/ingest/federation.ts';

interface Xml2jsParser {
  parseString(text: string, cb: (err: Error | null, tree: unknown) => void): void;
}
const xml2js = createRequire(import.meta.url)('xml2js') as {
  Parser: new (options: object) => Xml2jsParser;
};

const PARSE_FIXTURES = new URL('../fixtures/parse/', import.meta.url);

/** A value with its objects' key order and prototypes spelled out, for an exact comparison. */
function spelled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(spelled);
  if (value && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) === null ? 'null' : 'Object';
    return [proto, ...Object.keys(value).map((k) => [k, spelled((value as never)[k])])];
  }
  return value;
}

/** What a reader gives for a text: the tree spelled out, or the error's message. */
function outcome(reader: Xml2jsParser, text: string): string {
  let result: string | undefined;
  reader.parseString(text, (err, tree) => {
    result ??= JSON.stringify(err ? { error: err.message } : { tree: spelled(tree) });
  });
  return result ?? 'no callback';
}

const rename = (name: string) => (name === 'pubdate' ? 'pubDate' : name.toLowerCase());

/** xml2js as rss-parser builds it, strict or tolerant (the options parse-xml-feed.ts passes). */
function xml2jsReader(strict: boolean): Xml2jsParser {
  return new xml2js.Parser(
    strict ? {} : { strict: false, tagNameProcessors: [rename], attrNameProcessors: [rename] },
  );
}

function expectSameTrees(texts: string[]): void {
  const strict = new XmlTreeReader(true);
  const tolerant = new XmlTreeReader(false, rename);
  for (const text of texts) {
    // One reader for every document, as parse-xml-feed.ts keeps it; a new xml2js each time.
    expect(outcome(strict, text), text).toBe(outcome(xml2jsReader(true), text));
    expect(outcome(tolerant, text), text).toBe(outcome(xml2jsReader(false), text));
  }
}

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${items}</channel></rss>`;

describe('the tree xml2js builds', () => {
  it('for the parse fixtures and the bench feeds', () => {
    const texts = readdirSync(PARSE_FIXTURES)
      .filter((name) => /\.(xml|rdf|html)$/.test(name))
      .map((name) => readFileSync(new URL(name, PARSE_FIXTURES), 'utf8'));
    const baseOf = (i: number) => `http://127.0.0.1:${8000 + i}`;
    for (const i of [0, 1, 2, 3])
      texts.push(renderSource(baseOf, i, 20, 4, Date.UTC(2026, 10, 1)).body);
    expect(texts.length).toBeGreaterThan(12);
    expectSameTrees(texts);
  });

  it('for text, CDATA and white space', () => {
    expectSameTrees([
      rss('<item><title><![CDATA[<b>a</b>]]></title><description>  </description></item>'),
      rss('<item><title>  <![CDATA[  ]]>  </title><description><![CDATA[]]></description></item>'),
      rss('<item><title>a <![CDATA[b]]> c</title><guid isPermaLink="false">  x  </guid></item>'),
      rss('<item>\n  <title>\n</title>\n  <link/>\n  <category></category>\n</item>'),
      rss('<item><title>un &amp; deux &#233; &#x1F600;</title></item>'),
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml"><div>a <b>b</b> c</div></content></entry></feed>',
    ]);
  });

  it('for attributes and children', () => {
    expectSameTrees([
      rss('<item><enclosure url="a" length="1"/><enclosure url="b" type="x"/></item>'),
      rss('<item><category domain="d">a</category><category>b</category><category/></item>'),
      rss('<item a="1" b="2"><title x="y">t</title><title>u</title></item><item/>'),
      // Children named as xml2js's own keys: "cdata" with and without CDATA text around it.
      rss('<item><cdata>x</cdata><title>t</title></item>'),
      rss('<item><![CDATA[a]]><cdata>x</cdata></item>'),
      rss('<item><cdata>x</cdata><![CDATA[a]]></item>'),
      rss('<item><title>a</title><_>b</_></item>'),
      rss('<item><_>b</_>text</item>'),
      // What decides between an object, its text alone and nothing (the keys an element has).
      rss('<item><$>x</$><title>t</title></item><item a="1"><$>x</$></item>'),
      rss('<item><__proto__>x</__proto__></item><item><constructor/></item>'),
      rss('<item a="1"/><item a="1"> </item><item a="1">t</item><item>  <x/>  </item>'),
      rss('<item><![CDATA[ ]]></item><item><![CDATA[]]></item><item> <![CDATA[a]]> </item>'),
      rss('<item><cdata/><![CDATA[ ]]></item><item><![CDATA[ ]]><cdata/></item>'),
      rss('<item><cdata a="1"/></item><item><![CDATA[x]]><![CDATA[y]]><cdata/><cdata/></item>'),
      rss('<item><x/><x/>t<y a="b"/></item><item><x></x></item><item><x> </x></item>'),
    ]);
  });

  it('for blank text, a byte order mark and what surrounds the root', () => {
    expectSameTrees([
      '',
      '   \n ',
      `\uFEFF${rss('<item><title>t</title></item>')}`,
      `<!-- c --><?pi x?><!DOCTYPE rss>${rss('')}<!-- after -->`,
      `${rss('')}trailing text`,
      `${rss('')}<second>root</second>`,
      `${rss('')}<unclosed>`,
      '<rss version="2.0"><channel><title>T</title>',
      '<rss><channel></rss>',
      'not xml at all',
      '<rss><a>1</b></rss>',
      '<rss>R&D</rss>',
      '<RSS Version="2.0"><Channel><Title>T</Title><Item><PubDate>x</PubDate></Item></Channel></RSS>',
      '<rss><channel><item><description><p>Bonjour<br>monde <img src="a.jpg"></description></item></channel></rss>',
    ]);
  });
});
