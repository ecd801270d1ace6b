import { env, SELF } from 'cloudflare:test';
import { describe } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { createApp } from '../../src/app.ts';
import { silentLogger } from '../../src/deps.ts';
import { manualClock } from '../support/store-fixtures.ts';
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
  // The same app on D1 with a clock that stands still (the Worker's own is the real one): the
  // answers compared cannot straddle a day's end.
  const app = createApp({
    ...workerDeps(env as unknown as Env),
    log: silentLogger,
    clock: manualClock(new Date().toISOString()),
  });
  gzipScenarios('D1', async (path, headers) => app.request(`https://hub.test${path}`, { headers }));
});
