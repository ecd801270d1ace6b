import { describe, expect, it } from 'vitest';
import { urlAgainst } from '../../src/ingest/url-against.ts';

const STARTS = [
  'http://',
  'HTTPS://',
  'hTtP://',
  'http:',
  'http:/',
  'https:\\\\',
  'ftp://',
  '//',
  '',
];
const PIECES = [
  ...'ab/\\.?#@:% \t\né',
  '..',
  '%2e',
  '[::1]',
  '1.2.3.4',
  ':80',
  ':99999',
  'localhost',
  '\u0000',
  '\u00a0',
];
const BASES = [
  'http://127.0.0.1:41000/reseau/x',
  'https://exemple.org/a/b?c#d',
  'file:///tmp/flux.xml',
  'https://user:pw@exemple.org:8443/',
  'about:blank',
];

const href = (read: () => URL) => {
  try {
    return read().href;
  } catch {
    return 'refused';
  }
};

describe('urlAgainst', () => {
  it('reads any value against a base as new URL(value, base) does, the base known or not', () => {
    let seed = 17;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
    for (let n = 0; n < 30_000; n++) {
      const value =
        pick(STARTS) + Array.from({ length: Math.floor(rand() * 8) }, () => pick(PIECES)).join('');
      const base = pick(BASES);
      const expected = href(() => new URL(value, base));
      // Twice: the second time the base is the one last read.
      expect(
        href(() => urlAgainst(value, base)),
        `${value} ${base}`,
      ).toBe(expected);
      expect(
        href(() => urlAgainst(value, base)),
        `${value} ${base}`,
      ).toBe(expected);
    }
  });

  it('refuses an absolute URL against an invalid base, as new URL does', () => {
    urlAgainst('https://exemple.org/', 'https://exemple.org/');
    expect(() => urlAgainst('https://exemple.org/', 'pas une adresse')).toThrow();
    expect(() => urlAgainst('https://exemple.org/', 'pas une adresse')).toThrow();
  });
});
