import { describe, expect, it } from 'vitest';
import { scanXmlTags, xmlNestsDeeperThan, type XmlTag } from '../../src/ingest/xml-tag-scan.ts';
import { expectLinearWork } from '../support/linear-work.ts';

/** The regexes the scanner replaces (quadratic on unclosed runs), as the reference. */
const REFERENCE = {
  strict: /<(\/?)([A-Za-z_][^\s/>]*)[^>]*?(\/?)>|<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g,
  toEnd:
    /<(\/?)([A-Za-z_][^\s/>]*)[^>]*?(\/?)>|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)/g,
};

function reference(text: string, toEnd: boolean): XmlTag[] {
  const re = new RegExp(toEnd ? REFERENCE.toEnd : REFERENCE.strict);
  const out: XmlTag[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') re.lastIndex++;
    if (!m[2]) continue;
    out.push({
      index: m.index,
      end: m.index + m[0].length,
      closing: m[1] === '/',
      name: m[2],
      selfClosing: m[3] === '/',
    });
  }
  return out;
}

function scanned(text: string, toEnd: boolean): XmlTag[] {
  const out: XmlTag[] = [];
  scanXmlTags(text, toEnd, (tag) => out.push(tag));
  return out;
}

const PIECES = [
  '<',
  '</',
  '<a',
  '<b ',
  '<item>',
  '</item>',
  '<entry x="1">',
  '<br/>',
  '<a/ b>',
  '/>',
  '>',
  '/',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<!',
  '<?xml?>',
  'x',
  ' ',
  '\n',
  '\u00a0',
  '\u2028',
  '_',
  '<_x',
  '<1',
  '</1',
  '<//a>',
  '</>',
  '<a\u00a0b>',
  '<dc:creator>',
  '"',
  '=',
];

describe('scanXmlTags', () => {
  it('finds the tags the reference regexes find, on random XML-like text', () => {
    let seed = 5;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from(
        { length: Math.floor(rand() * 30) },
        () => PIECES[Math.floor(rand() * PIECES.length)],
      ).join('');
      for (const toEnd of [false, true])
        expect(scanned(text, toEnd), `${JSON.stringify(text)} ${toEnd}`).toEqual(
          reference(text, toEnd),
        );
    }
  });

  it('scans long runs of unclosed tags, CDATA sections and comments in linear time', async () => {
    // The regexes above take ~FACTOR² times longer on a run FACTOR times longer.
    for (const run of ['</x', '<x', '<![CDATA[', '<!--', '<a b']) {
      await expectLinearWork(run, (scale) => {
        const text = `<rss><item>${run.repeat(12_500 * scale)}`;
        for (const toEnd of [false, true]) scanned(text, toEnd);
      });
    }
  });

  it('says a text nests deeper than a bound as counting its tags says', () => {
    let seed = 9;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let deeper = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from(
        { length: Math.floor(rand() * 30) },
        () => PIECES[Math.floor(rand() * PIECES.length)],
      ).join('');
      for (const max of [0, 1, 2, 4]) {
        let depth = 0;
        let over = false;
        for (const tag of scanned(text, false)) {
          if (tag.closing) depth--;
          else if (!tag.selfClosing && ++depth > max) over = true;
        }
        expect(xmlNestsDeeperThan(text, max), `${JSON.stringify(text)} ${max}`).toBe(over);
        if (over) deeper++;
      }
    }
    expect(deeper).toBeGreaterThan(10_000);
  });
});
