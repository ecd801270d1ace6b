import { afterAll, describe, it } from 'vitest';
import { makeNodeDeps } from '../support/node-deps.ts';
import { runNewsDedupScenarios } from '../support/news-dedup-scenarios.ts';

describe('news dedup (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  afterAll(() => deps.close());

  it('merges a story posted twice by one network and excerpt relays (both orders), keeps near-misses apart, records why in words', async () => {
    await runNewsDedupScenarios(deps);
  });
});
