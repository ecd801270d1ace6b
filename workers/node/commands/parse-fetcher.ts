import { fetchDocument } from '../../../src/ingest/fetch.ts';
import { IngestError } from '../../../src/ingest/types.ts';
import type { DocumentFetcher } from './parse.ts';

/** `parse URL` reads through the hub's own fetcher: same guard, caps and decoding as a pull. */
export const fetchForParse: DocumentFetcher = async (deps, url) => {
  const outcome = await fetchDocument(deps, { url });
  if (outcome.status === 'gone')
    throw new IngestError('http_error', 'Flux retiré par son site (HTTP 410 Gone)', 410);
  if (outcome.status !== 'ok')
    throw new IngestError(
      'http_error',
      `HTTP ${outcome.httpStatus} sans contenu`,
      outcome.httpStatus,
    );
  return { body: outcome.body, contentType: outcome.contentType, url: outcome.url };
};
