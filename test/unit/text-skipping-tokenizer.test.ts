/**
 * The HTML tokenizer that skips runs of text (src/ingest/text-skipping-tokenizer.ts) reaches
 * into htmlparser2's Tokenizer: these tests fail if an update moves the fields and methods it
 * uses, or if the parser sees anything else than with the stock tokenizer.
 */
import { Parser, Tokenizer, type Handler } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { TextSkippingTokenizer } from '../../src/ingest/text-skipping-tokenizer.ts';
import { BoundedHtmlParser } from '../../src/ingest/bounded-html.ts';

const TAGS = 'p div b a img br script style title textarea svg math table td li'.split(' ');
const PIECES = [
  'mot',
  ' des mots, « guillemets » et l’apostrophe ',
  '\n',
  '&amp;',
  '&eacute;',
  '&#233;',
  '&#x1F600;',
  '&nbsp',
  '&unknown;',
  ' & ',
  ' < ',
  'a>b',
  '"',
  "'",
  '<!-- commentaire -->',
  '<![CDATA[x]]>',
  '<!doctype html>',
  '<?pi x?>',
  '</',
  '<',
  '\u0000',
  '😀',
];
const ATTRIBUTES = [
  '',
  ' href="https://exemple.org/?a=1&amp;b=2&c"',
  ' title="un &quot;titre&quot; long, très long"',
  " title='simple &amp; quoted'",
  ' width=12',
  ' alt="sans fin',
  ' checked',
];

function randomHtml(rand: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const parts: string[] = [];
  for (let n = Math.floor(rand() * 50); n > 0; n--) {
    const r = rand();
    if (r < 0.3) parts.push(`<${pick(TAGS)}${pick(ATTRIBUTES)}${pick(ATTRIBUTES)}>`);
    else if (r < 0.5) parts.push(`</${pick(TAGS)}>`);
    else parts.push(pick(PIECES));
  }
  return parts.join('');
}

/** Every event the parser reports, with where it says it is. */
function events(html: string, tokenizer: typeof Tokenizer, chunks: number): string[] {
  const out: string[] = [];
  let parser: Parser | null = null;
  const log =
    (name: string) =>
    (...args: unknown[]) =>
      void out.push(`${name}${JSON.stringify(args)}@${parser?.startIndex}-${parser?.endIndex}`);
  const names = [
    'onopentagname',
    'onopentag',
    'onattribute',
    'onclosetag',
    'ontext',
    'oncomment',
    'oncdatastart',
    'oncdataend',
    'onprocessinginstruction',
    'onend',
  ];
  const handler = Object.fromEntries(names.map((n) => [n, log(n)])) as Partial<Handler>;
  parser = new Parser(handler, { decodeEntities: true, Tokenizer: tokenizer });
  const size = Math.ceil(html.length / chunks) || 1;
  for (let at = 0; at < html.length; at += size) parser.write(html.slice(at, at + size));
  parser.end();
  return out;
}

describe('TextSkippingTokenizer', () => {
  it('finds the tokenizer members it uses in htmlparser2', () => {
    const proto = Tokenizer.prototype as unknown as Record<string, unknown>;
    expect(typeof proto.stateText).toBe('function');
    expect(typeof proto.stateInAttributeValueDoubleQuotes).toBe('function');
    // The parse loop dispatches to them by these names.
    const parse = String(proto.parse);
    expect(parse).toContain('this.stateText(c)');
    expect(parse).toContain('this.stateInAttributeValueDoubleQuotes(c)');
    const fields = new Tokenizer({ decodeEntities: true }, {} as never) as unknown as Record<
      string,
      unknown
    >;
    expect(typeof fields.buffer).toBe('string');
    expect(typeof fields.index).toBe('number');
    expect(typeof fields.offset).toBe('number');
    expect(fields.decodeEntities).toBe(true);
  });

  it('gives the parser the stock tokenizer’s events, whole or in chunks', () => {
    let seed = 21;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 5_000; n++) {
      const html = randomHtml(rand);
      const chunks = 1 + (n % 4);
      expect(events(html, TextSkippingTokenizer, chunks), html).toEqual(
        events(html, Tokenizer, chunks),
      );
    }
  });

  it('reads a run of text in one step (BoundedHtmlParser uses it)', () => {
    let steps = 0;
    const proto = TextSkippingTokenizer.prototype as unknown as { stateText(c: number): void };
    const skip = proto.stateText;
    proto.stateText = function (c: number) {
      steps++;
      skip.call(this, c);
    };
    try {
      let text = '';
      const parser = new BoundedHtmlParser({ ontext: (t) => void (text += t) });
      parser.write(`<p>${'Une longue phrase sans balise. '.repeat(100)}&amp; fin</p>`);
      parser.end();
      expect(text.endsWith('& fin')).toBe(true);
      // One step for the run, one at "&", one after the entity, one at "<": not one a character.
      expect(steps).toBeLessThan(10);
    } finally {
      proto.stateText = skip;
    }
  });
});
