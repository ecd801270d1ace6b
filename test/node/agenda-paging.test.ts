import { afterAll, describe } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import {
  agendaPagingScenarios,
  gzipScenarios,
  seedPagingAgenda,
} from '../support/agenda-paging-suite.ts';

describe('agenda paging and window (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  const app = createApp(deps);
  afterAll(() => deps.close());
  agendaPagingScenarios(
    'SQLite',
    () => seedPagingAgenda(deps, Date.now()),
    async (path) => app.request(path),
    () => Date.now(),
  );
  gzipScenarios('SQLite', async (path, headers) => app.request(path, { headers }));
});
