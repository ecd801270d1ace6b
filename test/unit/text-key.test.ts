/**
 * Text keys (src/db/texts.ts): equal texts share a key, and no other summary/content pair
 * does — a summary's end and a content's start cannot trade characters, a missing part is
 * not an empty one.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { textKey } from '../../src/db/texts.ts';

describe('textKey', () => {
  it('is the same for the same summary and content, and has no ":" (migrated keys have one)', () => {
    const key = textKey('Résumé', '<p>Texte « coopératif »</p>');
    expect(key).toBe(textKey('Résumé', '<p>Texte « coopératif »</p>'));
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('tells apart pairs whose parts would read alike joined', () => {
    const pairs: Array<[string | null, string | null]> = [
      ['ab', null],
      [null, 'ab'],
      ['a', 'b'],
      ['ab', ''],
      ['', 'ab'],
      ['a:', 'b'],
      ['a', ':b'],
      ['1:a', null],
      ['-', null],
      [null, '-'],
      ['-', '-'],
      ['2:ab', null],
      [null, ':ab'],
    ];
    const keys = pairs.map(([s, c]) => textKey(s, c));
    expect(new Set(keys).size).toBe(pairs.length);
  });

  it('is the first 22 characters of the SHA-256 of the length-prefixed parts (createHash too)', () => {
    // Stored keys must not change: rows already written are found by them.
    const digest = createHash('sha256').update('6:Résumé:<p>x</p>').digest('base64url');
    expect(textKey('Résumé', '<p>x</p>')).toBe(digest.slice(0, 22));
    expect(textKey(null, 'y')).toBe(
      createHash('sha256').update('-:y').digest('base64url').slice(0, 22),
    );
  });

  it('is null when there is neither summary nor content', () => {
    expect(textKey(null, null)).toBeNull();
  });
});
