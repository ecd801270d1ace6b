/**
 * On workerd (no crypto.hash: createHash over the bytes), an entry's content hash and text key
 * are the digests of the strings they stood for (test/unit/entry-hashes.test.ts on Node).
 */
import { describe, expect, it } from 'vitest';
import { entryHashes } from '../../src/ingest/dedupe/entry-hashes.ts';
import { expectStringDigestsForEveryCase } from '../support/entry-hash-cases.ts';

describe('entryHashes on workerd', () => {
  it('gives the digests of JSON.stringify and textKey for every shape of text', () => {
    expectStringDigestsForEveryCase(entryHashes, expect);
  });
});
