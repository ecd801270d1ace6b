/**
 * Stored links that kept a private feed's password, repaired on a SQLite file
 * (test/support/credentials-scenarios.ts; test/workers/credentials-repair.test.ts on D1).
 */
import { describe, it } from 'vitest';
import { makeNodeDeps } from '../support/node-deps.ts';
import {
  pullRepairsStoredLinks,
  repairGoesOnSliceBySlice,
  repairSkipsHubWithoutPrivateFeeds,
} from '../support/credentials-scenarios.ts';

const withDeps = async (test: (deps: ReturnType<typeof makeNodeDeps>) => Promise<void>) => {
  const deps = makeNodeDeps();
  try {
    await test(deps);
  } finally {
    await deps.close();
  }
};

describe('stored links with a private feed’s password (Node, SQLite file)', () => {
  it('a pull repairs them: no public route shows the password, the links still lead there', () =>
    withDeps((deps) => pullRepairsStoredLinks(deps, 'prive')));

  it('the repair goes slice by slice, resuming where it stopped, and marks itself done', () =>
    withDeps((deps) => repairGoesOnSliceBySlice(deps, 'tranches')));

  it('a hub without private feeds marks it done at once, reading none of its rows', () =>
    withDeps((deps) => repairSkipsHubWithoutPrivateFeeds(deps, 'public')));
});
