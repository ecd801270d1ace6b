import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { silentLogger } from '../../src/deps.ts';
import { clockValidatorScenarios } from '../support/agenda-validators-suite.ts';
import { checkDayWindows, checkKeptRangeAndDefaults } from '../support/agenda-window-cases.ts';

describe('per-request documents keep their ETag as the clock moves, in workerd with D1', () => {
  it('agenda windows on day boundaries with workerd’s own Intl zones', () => {
    checkDayWindows();
    checkKeptRangeAndDefaults();
  });
  clockValidatorScenarios('D1', async () => ({
    ...workerDeps(env as unknown as Env),
    log: silentLogger,
  }));
});
