/**
 * An entry's content hash and text key hashed from bytes (src/ingest/dedupe/entry-hashes.ts)
 * are the digests of the strings they stood for: sha256 of JSON.stringify(fields) and
 * db/text-key.ts's key. Both are stored and compared with what hubs stored before
 * (test/support/entry-hash-cases.ts says which shapes; workerd: test/workers/entry-hashes).
 */
import { describe, expect, it } from 'vitest';
import { entryHashes } from '../../src/ingest/dedupe/entry-hashes.ts';
import { entryHashCases, stringDigests } from '../support/entry-hash-cases.ts';

describe('entryHashes', () => {
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
