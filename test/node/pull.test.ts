import { inject } from 'vitest';
import { pullSuite } from '../support/pull-suite.ts';
import { nodeDepsFactory } from '../support/node-deps.ts';

pullSuite('node', nodeDepsFactory(), inject('fixtureBase'));
