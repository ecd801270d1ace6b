/**
 * Stored links that kept a private feed's password, repaired on D1 in workerd
 * (test/support/credentials-scenarios.ts; test/node/credentials-repair.test.ts on SQLite).
 */
import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import {
  pullRepairsStoredLinks,
  repairGoesOnSliceBySlice,
} from '../support/credentials-scenarios.ts';

const d1Deps = () => {
  const deps = workerDeps(env as unknown as Env);
  deps.log = { info() {}, warn() {}, error() {} };
  return deps;
};

describe('stored links with a private feed’s password (workerd, D1)', () => {
  it('a pull repairs them: no public route shows the password, the links still lead there', () =>
    pullRepairsStoredLinks(d1Deps(), 'prive-d1'));

  it('the repair goes slice by slice, resuming where it stopped, and marks itself done', () =>
    repairGoesOnSliceBySlice(d1Deps(), 'tranches-d1'));
});
