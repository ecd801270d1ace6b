import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import {
  runArchiveScenarios,
  runBatchThroughHotKeysScenarios,
  runBoilerplateScenarios,
  runCopiesThroughHotKeysScenarios,
} from '../support/hot-keys-scenarios.ts';

describe('dedup index keys held by many stories in workerd with D1', () => {
  it('boilerplate shared past the bound (short summary, recurring title, footer) brings no candidates', async () => {
    await runBoilerplateScenarios(workerDeps(env as unknown as Env));
  });

  it('a copy of a story whose boilerplate keys are past the bound still joins it', async () => {
    await runCopiesThroughHotKeysScenarios(workerDeps(env as unknown as Env));
  });

  it('a batch takes no candidates from its own new entries through such a key', async () => {
    await runBatchThroughHotKeysScenarios(workerDeps(env as unknown as Env));
  });

  it('a batch reaching back over years counts a key per candidate window, not in all', async () => {
    await runArchiveScenarios(workerDeps(env as unknown as Env));
  });
});
