/**
 * Member HTML is read in linear time whatever its nesting (src/ingest/bounded-html.ts): the
 * shapes that made htmlparser2 quadratic (unclosed tags by the hundred thousand, end tags
 * matching nothing, foreign and form elements) go through the sanitiser, the HTML→text
 * function, feed discovery and OPML import in time linear in their size (linear-work.ts), and
 * the output stays safe.
 */
import { describe, expect, it } from 'vitest';
import { BoundedHtmlParser, MAX_OPEN_ELEMENTS } from '../../src/ingest/bounded-html.ts';
import { sanitizeHtml } from '../../src/ingest/sanitize.ts';
import { LIMITS, plainText } from '../../src/ingest/feed-fields.ts';
import { discoverFeeds } from '../../src/ingest/discover.ts';
import { parseOpml } from '../../src/federation/opml-import.ts';
import { expectLinearWork, FACTOR } from '../support/linear-work.ts';

const N = 400_000;
/** Each shape, by its size (n = N: about 1.2 MB or more; htmlparser2 alone took 10 s to minutes on each). */
const SHAPED: Record<string, (n: number) => string> = {
  'unclosed <b>': (n) => `${'<b>'.repeat(n)}fin`,
  'unclosed <div>, then end tags matching nothing': (n) =>
    `${'<div>'.repeat(n / 2)}${'</i>'.repeat(n / 2)}fin`,
  'nested inline and block mix': (n) => `${'<span><em><p><a href="/x">'.repeat(n / 8)}fin`,
  'unclosed <svg> (foreign content)': (n) => `${'<svg>'.repeat(n / 2)}fin`,
  'nested <form> and <table>': (n) => `${'<form><table><tr><td>'.repeat(n / 8)}fin`,
};
const SHAPES = Object.fromEntries(Object.entries(SHAPED).map(([name, of]) => [name, of(N)]));

describe('BoundedHtmlParser', () => {
  it(`never holds more than ${MAX_OPEN_ELEMENTS} elements open`, () => {
    for (const [shape, html] of Object.entries(SHAPES)) {
      let depth = 0;
      let deepest = 0;
      let text = '';
      const parser = new BoundedHtmlParser({
        onopentagname: () => void (deepest = Math.max(deepest, ++depth)),
        onclosetag: () => void depth--,
        ontext: (t) => void (text += t),
      });
      parser.write(html);
      parser.end();
      expect(deepest, shape).toBe(MAX_OPEN_ELEMENTS);
      expect(depth, shape).toBe(0);
      expect(text.endsWith('fin'), shape).toBe(true);
    }
  });

  it('parses ordinary markup exactly as htmlparser2 does (implied ends, void elements)', () => {
    const events: string[] = [];
    const parser = new BoundedHtmlParser({
      onopentag: (name) => void events.push(`<${name}>`),
      onclosetag: (name) => void events.push(`</${name}>`),
      ontext: (t) => void events.push(t),
    });
    parser.write('<ul><li>un<li>deux</ul><p>a<p>b<br>c</p></p>');
    parser.end();
    expect(events.join('')).toBe(
      '<ul><li>un</li><li>deux</li></ul><p>a</p><p>b<br></br>c</p><p></p>',
    );
  });
});

describe('linear HTML handling', () => {
  // Linear: the CPU time of each reading grows as its input (htmlparser2 alone, quadratic, took
  // from 10 s to minutes on each 1.2 MB shape). Measured from N/8 to N (linear-work.ts).
  for (const [shape, of] of Object.entries(SHAPED)) {
    it(`sanitises and reads ${shape} (${(of(N).length / 1e6).toFixed(1)} MB) in linear time`, async () => {
      // <svg> and <form> are dropped with their content; the others keep their text.
      if (!/svg|form/.test(shape))
        expect(sanitizeHtml(of(N), 'https://reseau.example/')).toContain('fin');
      const sized = (scale: number) => of((N / FACTOR) * scale);
      await expectLinearWork(`sanitizeHtml, ${shape}`, (scale) =>
        sanitizeHtml(sized(scale), 'https://reseau.example/'),
      );
      await expectLinearWork(`plainText, ${shape}`, (scale) =>
        plainText(sized(scale), LIMITS.summary),
      );
      await expectLinearWork(`discoverFeeds, ${shape}`, (scale) =>
        discoverFeeds(
          `<html><head>${sized(scale)}<link rel="alternate" type="application/rss+xml" href="/feed">`,
          'https://reseau.example/',
        ),
      );
    });
  }

  it('reads a deeply nested OPML export in linear time', async () => {
    const opml = (n: number) =>
      `<opml version="2.0"><head><title>x</title></head><body>${'<outline text="dossier">'.repeat(n)}</body></opml>`;
    await expectLinearWork('parseOpml', (scale) => {
      try {
        return parseOpml(opml((N / 4 / FACTOR) * scale));
      } catch (err) {
        return err;
      }
    });
  });

  it('keeps the output safe past the bound: dropped tags leave escaped text only', () => {
    const deep = '<b>'.repeat(MAX_OPEN_ELEMENTS + 10);
    const out = sanitizeHtml(
      `${deep}<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a><iframe src="https://evil.example/"></iframe>`,
      'https://reseau.example/',
    );
    expect(out).not.toMatch(/<(script|img|iframe|a)\b/);
    expect(out).not.toMatch(/javascript:|onerror=/);
    expect(out).toContain('alert(1)'); // the dropped <script>'s raw text, as escaped text
    expect(out.split('<b>').length - 1).toBeLessThanOrEqual(64);
  });
});
