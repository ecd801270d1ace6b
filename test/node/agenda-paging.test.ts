import { afterAll, describe } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { manualClock } from '../support/store-fixtures.ts';
import {
  agendaPagingScenarios,
  gzipScenarios,
  seedPagingAgenda,
} from '../support/agenda-paging-suite.ts';

describe('agenda paging and window (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  // The hub's clock stands still: the answers compared here cannot straddle a day's end.
  const clock = manualClock(new Date().toISOString());
  deps.clock = clock;
  const app = createApp(deps);
  afterAll(() => deps.close());
  agendaPagingScenarios(
    'SQLite',
    () => seedPagingAgenda(deps, clock.now().getTime()),
    async (path) => app.request(path),
    () => clock.now().getTime(),
  );
  gzipScenarios('SQLite', async (path, headers) => app.request(path, { headers }));
});
