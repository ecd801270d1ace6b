/**
 * Categories are compared case-insensitively with toLowerCase (feed-fields.ts cleanCategories,
 * dedupe/best-item.ts unionCategories), which stands for toLocaleLowerCase('fr') at a fraction
 * of its cost: French has no case mappings of its own. This holds the premise to every code
 * point, and to the context-sensitive mappings (final sigma, dotted capital I).
 */
import { describe, expect, it } from 'vitest';

describe("toLowerCase is toLocaleLowerCase('fr')", () => {
  it('for every code point, alone and within words', () => {
    let all = '';
    for (let c = 0; c <= 0x10ffff; c++)
      if (c < 0xd800 || c > 0xdfff) all += String.fromCodePoint(c);
    expect(all.toLowerCase() === all.toLocaleLowerCase('fr')).toBe(true);
    for (const s of ['ΟΔΟΣ ΣΑΣ', 'İstanbul', 'ĮĖJIMAS', 'Économie Sociale', 'STRASSE ẞ'])
      expect(s.toLowerCase()).toBe(s.toLocaleLowerCase('fr'));
  });
});
