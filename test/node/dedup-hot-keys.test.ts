import { afterAll, describe, it } from 'vitest';
import { makeNodeDeps } from '../support/node-deps.ts';
import {
  runArchiveScenarios,
  runBatchThroughHotKeysScenarios,
  runBoilerplateScenarios,
  runCopiesThroughHotKeysScenarios,
} from '../support/hot-keys-scenarios.ts';

describe('dedup index keys held by many stories (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  afterAll(() => deps.close());

  it('boilerplate shared past the bound (short summary, recurring title, footer) brings no candidates', async () => {
    await runBoilerplateScenarios(deps);
  });

  it('a copy of a story whose boilerplate keys are past the bound still joins it', async () => {
    await runCopiesThroughHotKeysScenarios(deps);
  });

  it('a batch takes no candidates from its own new entries through such a key', async () => {
    await runBatchThroughHotKeysScenarios(deps);
  });

  it('a batch reaching back over years counts a key per candidate window, not in all', async () => {
    await runArchiveScenarios(deps);
  });
});
