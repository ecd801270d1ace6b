import { describe } from 'vitest';
import { nodeDepsFactory } from '../support/node-deps.ts';
import { clockValidatorScenarios } from '../support/agenda-validators-suite.ts';

describe('per-request documents keep their ETag as the clock moves (Node, real SQLite)', () => {
  clockValidatorScenarios('SQLite', nodeDepsFactory());
});
