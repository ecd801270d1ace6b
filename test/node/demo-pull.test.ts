import { inject } from 'vitest';
import { demoPullSuite } from '../support/demo-pull-suite.ts';
import { nodeDepsFactory } from '../support/node-deps.ts';

demoPullSuite('node', nodeDepsFactory(), inject('demoBase'), inject('demoNow'));
