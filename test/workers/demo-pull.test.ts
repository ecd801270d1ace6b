import { env } from 'cloudflare:test';
import { inject } from 'vitest';
import { demoPullSuite } from '../support/demo-pull-suite.ts';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { silentLogger } from '../../src/deps.ts';

demoPullSuite(
  'workerd',
  async () => ({ ...workerDeps(env as unknown as Env), log: silentLogger }),
  inject('demoBase'),
  inject('demoNow'),
);
