/** Assertions on fetchDocument shared by the Node and workerd fetcher tests. */
import { expect } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { fetchDocument } from '../../src/ingest/fetch.ts';
import { IngestError, type FetchOutcome, type FetchRequest } from '../../src/ingest/types.ts';

/** The IngestError a fetch must end in. */
export async function failure(d: Deps, req: FetchRequest): Promise<IngestError> {
  const result = await fetchDocument(d, req).then(
    (o) => o,
    (e: unknown) => e,
  );
  expect(result, `${req.url} should fail`).toBeInstanceOf(IngestError);
  return result as IngestError;
}

/** The outcome, which must be a 2xx with a body. */
export function ok(o: FetchOutcome): Extract<FetchOutcome, { status: 'ok' }> {
  expect(o.status).toBe('ok');
  return o as Extract<FetchOutcome, { status: 'ok' }>;
}
