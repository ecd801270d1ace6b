import { afterAll, inject } from 'vitest';
import { demoPullSuite } from '../support/demo-pull-suite.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import type { NodeDeps } from '../../workers/node/deps.ts';

const opened: NodeDeps[] = [];
afterAll(async () => {
  for (const deps of opened) await deps.close();
});

demoPullSuite('node', async () => {
  const deps = makeNodeDeps();
  opened.push(deps);
  return deps;
}, inject('demoBase'), inject('demoNow'));
