/**
 * On workerd (no crypto.hash: createHash over the bytes), an entry's content hash and text key
 * are the digests of the strings they stood for (test/unit/entry-hashes.test.ts on Node).
 */
import { describe, expect, it } from 'vitest';
import { entryHashes } from '../../src/ingest/dedupe/entry-hashes.ts';
import { entryHashCases, stringDigests } from '../support/entry-hash-cases.ts';

describe('entryHashes on workerd', () => {
  it('gives the digests of JSON.stringify and textKey for every shape of text', () => {
    for (const f of entryHashCases()) {
      const expected = stringDigests(f);
      expect(entryHashes(f, true)).toEqual(expected);
      expect(entryHashes(f, false)).toEqual({
        contentHash: expected.contentHash,
        textKey: undefined,
      });
    }
  });
});
