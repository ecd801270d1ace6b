/**
 * Long texts masked for sax (xml-text-masks.ts): the tree xml2js builds from the masked
 * document, its texts put back, is the tree of the document itself, for every kind of text
 * masked and around every piece of markup; a document the scan misreads fails the check
 * instead of giving another tree; bench:ingest's feeds are read masked (the path is taken).
 */
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { allUnmasked, maskXmlTexts, unmaskTexts } from '../../src/ingest/xml-text-masks.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { renderSource } from '../../bench/ingest/federation.ts';

/** rss-parser giving xml2js's tree as it is (its feed mapping replaced, as parse-xml-feed does). */
class TreeParser extends Parser<unknown, unknown> {
  buildAtomFeed(xml: unknown): unknown {
    return xml;
  }
  buildRSS2(xml: unknown): unknown {
    return xml;
  }
  buildRSS0_9(xml: unknown): unknown {
    return xml;
  }
  buildRSS1(xml: unknown): unknown {
    return xml;
  }
}

const saxOf = (parser: TreeParser) =>
  (parser as unknown as { xmlParser: { saxParser: object } }).xmlParser.saxParser;

/** The tree of the document as it is, or its error. */
async function tree(xml: string): Promise<unknown> {
  return new TreeParser({ defaultRSS: 2 })
    .parseString(xml)
    .then(plain, (err: Error) => ({ error: err.message.split('\n')[0] }));
}

/** The tree read masked, texts put back; 'unchecked' when the check refuses it. */
async function maskedTree(xml: string): Promise<unknown> {
  const masked = maskXmlTexts(xml);
  if (!masked) return 'not masked';
  const parser = new TreeParser({ defaultRSS: 2 });
  const sax = saxOf(parser);
  expect(unmaskTexts(sax, masked)).toBe(true);
  const root = await parser
    .parseString(masked.text)
    .catch((err: Error) => ({ error: err.message.split('\n')[0] }));
  if ((root as { error?: string }).error) return root;
  return allUnmasked(sax, masked) ? plain(root) : 'unchecked';
}

/** xml2js's objects have no prototype: compared as plain data. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const BASE = 'https://x.example/';
/** The document with a mark in a comment: nothing in it is masked (maskXmlTexts gives null). */
const unmaskable = (xml: string) => {
  const marked = xml.replace('<rss version="2.0">', '<rss version="2.0"><!--\uFDD0-->');
  expect(maskXmlTexts(marked)).toBeNull();
  return marked;
};

const long = 'Une coopérative d’habitants à Lyon : 12 logements, un jardin partagé. '.repeat(2);
const rss = (item: string) =>
  `<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n<item>${item}</item>\n</channel></rss>\n`;

describe('masked texts read as the document', () => {
  const cases: Array<[string, string]> = [
    ['text', `<description>${long}</description>`],
    [
      'text with each entity',
      `<description>${long}&lt;p&gt;a &amp; b &quot;c&quot; &apos;d&apos;&lt;/p&gt;</description>`,
    ],
    [
      'an escaped entity stays escaped once',
      `<description>${long} &amp;lt;b&amp;gt; &amp;amp;</description>`,
    ],
    ['an entity first and last', `<description>&lt;${long}&gt;</description>`],
    ['non-ASCII first, astral characters', `<description>« ${long} » 🌱 𝄞 ’</description>`],
    ['white space first', `<description>\n   \t${long}</description>`],
    ['CDATA', `<content:encoded><![CDATA[<p>${long}</p> & <b>"x"</b>]]></content:encoded>`],
    ['CDATA ending in ] and ]]', `<a><![CDATA[${long}]]]></a><b><![CDATA[${long}]]]]></b>`],
    ['CDATA holding ]> and ]]', `<a><![CDATA[${long} ]> ]] ]x ${long}]]></a>`],
    ['CDATA of white space', `<a><![CDATA[${' \n'.repeat(40)}]]></a>`],
    ['text, CDATA, text', `<a>${long}<![CDATA[${long}]]>${long}</a>`],
    ['two CDATA sections', `<a><![CDATA[${long}]]><![CDATA[${long}]]></a>`],
    ['mixed content', `<a>${long}<b>${long}</b>${long}<c x="1"/>${long}</a>`],
    ['other entities left to sax', `<a>${long}&eacute;&#233;&#x2019;&nbsp;</a><b>${long}</b>`],
    ['a comment', `<!-- <![CDATA[ ${long} ]]> <b> -->\n<a>${long}</a>`],
    ['a processing instruction', `<?pi ${long} <b> ?><a>${long}</a>`],
    ['attributes', `<a href="x" title='${long}'>${long}</a>`],
    ['short texts', `<a></a><b>court</b><c><![CDATA[]]></c><d> </d>`],
    ['repeated elements', `<category>${long}</category><category>${long}2</category>`],
  ];
  for (const [name, item] of cases) {
    it(name, async () => {
      const xml = rss(item);
      const expected = await tree(xml);
      expect((expected as { error?: string }).error).toBeUndefined();
      expect(await maskedTree(xml)).toEqual(name === 'short texts' ? 'not masked' : expected);
      // The feed read (masked) is the feed read with nothing masked (a mark in a comment).
      expect(await parseFeed(xml, BASE)).toEqual(await parseFeed(unmaskable(xml), BASE));
    });
  }

  it('in an Atom feed', async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>x</id><content type="html">&lt;p&gt;${long}&lt;/p&gt;</content></entry></feed>`;
    expect(await maskedTree(xml)).toEqual(await tree(xml));
  });

  it('fails the check, or sax refuses, when the scan misreads the document', async () => {
    for (const xml of [
      // A ">" in an attribute's value: the scan takes what follows it for text.
      rss(`<title x="a > ${long}">${long}</title><a b="c > d">${long}</a>`),
      rss(`<title x="a > ${long}&lt;">${long}</title>`),
      // A CDATA section sax takes in lower case: the scan reads its content as escaped text.
      rss(`<a><![cdata[<p>${long} &amp;lt; ${long}</p>]]></a>`),
      // A text after the root element, which strict XML refuses once the root is read.
      `<rss version="2.0"><channel><title>T</title></channel></rss>${long}`,
    ]) {
      const masked = await maskedTree(xml);
      expect(masked === 'unchecked' || !!(masked as { error?: string }).error).toBe(true);
      // The feed read: the document's.
      expect(await parseFeed(xml, BASE)).toEqual(await parseFeed(unmaskable(xml), BASE));
    }
    const feed = await parseFeed(rss(`<title x="a > ${long}">${long}</title>`), BASE);
    expect(feed.items[0]?.title).toBe(long.trim());
  });

  it('leaves what sax refuses to sax', async () => {
    for (const xml of [
      rss(`<a>${long} & ${long}</a>`),
      rss(`<a>${long}&unknown;</a>`),
      rss(`<a>${long}</b>`),
      `${long}<rss version="2.0"/>`,
    ]) {
      const expected = await tree(xml);
      const masked = await maskedTree(xml);
      if (masked !== 'not masked') expect((masked as { error?: string }).error).toBeTruthy();
      expect((expected as { error?: string }).error).toBeTruthy();
    }
  });

  it('masks nothing in a document that holds a mark already', () => {
    expect(maskXmlTexts(rss(`<a>${long}\uFDD0</a>`))).toBeNull();
    expect(maskXmlTexts(rss(`<a>${long}\uFDD1</a>`))).toBeNull();
  });

  it('masks long texts only', () => {
    const masked = maskXmlTexts(rss(`<a>${long}</a><b>court</b><c><![CDATA[${long}]]></c>`));
    expect(masked).toMatchObject({ texts: 1, cdata: 1, values: [long, long] });
    expect(masked?.text).toContain('<b>court</b>');
    expect(masked?.text).not.toContain(long);
  });

  it("reads bench:ingest's feeds masked, as they are", async () => {
    const baseOf = (i: number) => `http://127.0.0.1:${8000 + i}`;
    for (const i of [0, 1, 3]) {
      const xml = renderSource(baseOf, i, 20, 4, Date.UTC(2026, 10, 1)).body;
      const masked = maskXmlTexts(xml);
      expect(masked!.text.length).toBeLessThan(xml.length / 3);
      expect(await maskedTree(xml)).toEqual(await tree(xml));
    }
  });
});
