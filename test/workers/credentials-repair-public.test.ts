/**
 * A hub without private feeds has no stored link to repair, on D1 in workerd: a file of its own,
 * as the D1 of credentials-repair.test.ts holds private feeds from its other tests.
 */
import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { repairSkipsHubWithoutPrivateFeeds } from '../support/credentials-scenarios.ts';

describe('stored links repair on a hub without private feeds (workerd, D1)', () => {
  it('marks it done at once, reading none of its rows', () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    return repairSkipsHubWithoutPrivateFeeds(deps, 'public-d1');
  });
});
