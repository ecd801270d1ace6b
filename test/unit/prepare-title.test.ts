/**
 * prepareEntry writes a title with its white space runs as one space, as
 * title.trim().replace(/\s+/g, ' ') did: the title is part of the content hash, so every kind
 * of white space (tabs, line ends, no-break and wide spaces, U+FEFF) must give what it gave,
 * whether or not the title needed a change (src/ingest/dedupe/prepare.ts singleSpaced).
 */
import { describe, expect, it } from 'vitest';
import { prepareEntry } from '../../src/ingest/dedupe/prepare.ts';
import type { ParsedItem } from '../../src/ingest/types.ts';
import { parsedItem } from '../support/store-fixtures.ts';

function item(title: string): ParsedItem {
  return parsedItem({ guid: 'g', title });
}

describe('prepareEntry titles', () => {
  it('collapses every run of white space into one space, and leaves single spaces', () => {
    const titles = [
      'Un titre simple',
      'Deux  espaces',
      'Tab\tici',
      'Ligne\nsuivante',
      'Retour\r\nchariot',
      'Insécable\u00a0ici',
      'Fine\u202finsécable',
      'Idéographique\u3000espace',
      'Saut\u2028de ligne',
      'BOM\ufeffau milieu',
      'Espace \u00a0 mêlés\t \n fin',
      '  bords  ',
      'x',
      'a b c d e f',
    ];
    for (const title of titles) {
      const expected = title.trim().replace(/\s+/g, ' ');
      expect(prepareEntry(item(title))?.title).toBe(expected);
    }
  });
});
