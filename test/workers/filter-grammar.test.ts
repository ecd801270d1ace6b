import { env, SELF } from 'cloudflare:test';
import { describe } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { silentLogger } from '../../src/deps.ts';
import { filterScenarios } from '../support/filter-grammar-suite.ts';

describe('filters and folded search in workerd with D1', () => {
  filterScenarios(
    'D1',
    () => ({ ...workerDeps(env as unknown as Env), log: silentLogger }),
    (path) => SELF.fetch(`https://hub.test${path}`),
  );
});
