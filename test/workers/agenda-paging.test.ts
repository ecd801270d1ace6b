import { env, SELF } from 'cloudflare:test';
import { describe } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { silentLogger } from '../../src/deps.ts';
import {
  agendaPagingScenarios,
  gzipScenarios,
  seedPagingAgenda,
} from '../support/agenda-paging-suite.ts';

describe('agenda paging and window in workerd with D1', () => {
  agendaPagingScenarios(
    'D1',
    () => seedPagingAgenda({ ...workerDeps(env as unknown as Env), log: silentLogger }, Date.now()),
    (path) => SELF.fetch(`https://hub.test${path}`),
    () => Date.now(),
  );
  gzipScenarios('D1', (path, headers) => SELF.fetch(`https://hub.test${path}`, { headers }));
});
