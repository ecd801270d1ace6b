import { afterAll, describe } from 'vitest';
import { createApp } from '../../src/app.ts';
import { memoryResponseCache } from '../../src/publish/cache.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { filterScenarios } from '../support/filter-grammar-suite.ts';

describe('filters and folded search (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  // Serve's cache trusts a store version read for a second; these tests change it faster.
  deps.responseCache = memoryResponseCache({ versionTtlMs: 0 });
  const app = createApp(deps);
  afterAll(() => deps.close());
  filterScenarios(
    'SQLite',
    () => deps,
    async (path) => app.request(path),
  );
});
