import { describe, expect, it } from 'vitest';
import { collapseText } from '../../src/shared/collapse-text.ts';

/** The replacements collapseText does in one pass (html-to-text.ts and feed-fields.ts had them). */
function reference(text: string, lines: boolean): string {
  const t = text.replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '');
  return lines
    ? t
        .replace(/[ \t\u00a0]+/g, ' ')
        .replace(/ *\n\s*/g, '\n')
        .trim()
    : t.replace(/\s+/g, ' ').trim();
}

const POOL = [
  ...'ab é',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\v',
  '\f',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u2009',
  '\u3000',
  '\ufeff',
  '\u1680',
  '\u180e',
  '\u200b',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  'mot',
  '.',
];

describe('collapseText', () => {
  it('gives what the chain of replacements gave, on random text', () => {
    let seed = 3;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from(
        // Some long texts: runs of words read in one match (collapse-text.ts WORDS).
        { length: Math.floor(rand() * (n % 10 === 0 ? 400 : 24)) },
        () => POOL[Math.floor(rand() * POOL.length)],
      ).join('');
      for (const lines of [true, false])
        expect(collapseText(text, lines), `${JSON.stringify(text)} ${lines}`).toBe(
          reference(text, lines),
        );
    }
  }, 60_000);

  it('keeps lines, drops controls and collapses blanks', () => {
    expect(collapseText('  Un\u0001 \t mot\u00a0 \n\n  deux \r\n trois  ', true)).toBe(
      'Un mot\ndeux \r\ntrois',
    );
    expect(collapseText('  Un\u0001 \t mot\u00a0 \n\n  deux  ', false)).toBe('Un mot deux');
  });
});
