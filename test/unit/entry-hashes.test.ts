/**
 * An entry's content hash and text key hashed from bytes (src/ingest/dedupe/entry-hashes.ts)
 * are the digests of the strings they stood for: sha256 of JSON.stringify(fields) and
 * db/text-key.ts's key. Both are stored and compared with what hubs stored before
 * (test/support/entry-hash-cases.ts says which shapes; workerd: test/workers/entry-hashes).
 */
import { describe, expect, it } from 'vitest';
import { entryHashes } from '../../src/ingest/dedupe/entry-hashes.ts';
import {
  expectStringDigestsForEveryCase,
  hashedFields,
  stringDigests,
} from '../support/entry-hash-cases.ts';

describe('entryHashes', () => {
  it('gives the digests of JSON.stringify and textKey for every shape of text', () => {
    expectStringDigestsForEveryCase(entryHashes, expect);
  });

  it('hashes the entry fields alone, in their order, from an object that has more', () => {
    for (const [summary, contentHtml] of [
      ['s', '<p>c</p>'],
      ['lone \ud800', null],
    ] as const) {
      const fields = hashedFields(summary, contentHtml);
      const entry = { guidHash: 'g', contentHash: '', ...fields, extra: 1 };
      expect(entryHashes(entry, true)).toEqual(stringDigests(fields));
      // A field left undefined: the string path, which leaves the key out as before.
      const missing = { ...fields, author: undefined } as unknown as typeof fields;
      expect(
        entryHashes({ ...entry, author: undefined } as unknown as typeof fields, true),
      ).toEqual(stringDigests(missing));
    }
  });
});
