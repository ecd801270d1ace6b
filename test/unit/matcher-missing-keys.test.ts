/**
 * Matcher.missingKeys: the index keys an entry brings that its item does not hold yet, the
 * only ones the store writes. An item's keys are read from its entries' own lists of keys, and
 * from a Set once it has more than a few entries: both give the same answer.
 */
import { describe, expect, it } from 'vitest';
import { Matcher } from '../../src/ingest/dedupe/matcher.ts';
import type { CandidateRow } from '../../src/ingest/dedupe/lookup.ts';

function row(id: number, itemId: string): CandidateRow {
  return {
    id,
    itemId,
    sourceId: 100 + id,
    networkSlug: `reseau-${id}`,
    guid: `https://reseau-${id}.example/${id}`,
    guidHash: `hash-${id}`,
    canonicalUrl: `https://reseau-${id}.example/${id}`,
    titleKey: `titre ${id}`,
    leadKey: '',
    leadProbes: '',
    marks: '',
    minhash: '',
    shingleCount: 0,
    publishedAt: 1_700_000_000_000,
    splitFromItemId: null,
  };
}

/** Entry i holds keys i × 2³² + 1 and i × 2³² + 2 (numbers past 2³¹, as stored keys are). */
const keysOf = (r: CandidateRow) => [r.id * 2 ** 32 + 1, r.id * 2 ** 32 + 2];

async function matcherOf(entriesOfItem: number): Promise<Matcher> {
  const found: CandidateRow[] = [];
  for (let id = 1; id <= entriesOfItem; id++) found.push(row(id, 'item-a'));
  found.push(row(1000, 'item-b'));
  return Matcher.build(found, 1, [], async () => new Map(), keysOf);
}

describe('Matcher.missingKeys', () => {
  for (const entries of [1, 3, 8, 9, 20])
    it(`gives the keys its item lacks, for an item of ${entries} entries`, async () => {
      const matcher = await matcherOf(entries);
      const held = [2 ** 32 + 1, entries * 2 ** 32 + 2];
      const other = 1000 * 2 ** 32 + 1; // item-b's
      const fresh = [7, 5 * 10 ** 12, other];
      expect(matcher.missingKeys('item-a', [...held, ...fresh, held[0]!])).toEqual(fresh);
      expect(matcher.missingKeys('item-b', [other, 7])).toEqual([7]);
      const unknown = [1, 2];
      expect(matcher.missingKeys('item-c', unknown)).toBe(unknown);
    });
});
