import { env } from 'cloudflare:test';
import { inject } from 'vitest';
import { pullSuite } from '../support/pull-suite.ts';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { silentLogger } from '../../src/deps.ts';

pullSuite(
  'workerd',
  async () => ({ ...workerDeps(env as unknown as Env), log: silentLogger }),
  inject('fixtureBase'),
);
