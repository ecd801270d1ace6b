import { afterAll, describe, it } from 'vitest';
import { makeNodeDeps } from '../support/node-deps.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { checkFederation, expectCleanFederation } from '../support/agenda-federation.ts';

describe('agenda relays in a large federation (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  deps.clock = manualClock('2026-10-01T08:00:00Z');
  deps.log = { info() {}, warn() {}, error() {} };
  afterAll(() => deps.close());

  it('220 agendas of look-alike events: no wrong merge, no lost occurrence, every relay merged', async () => {
    expectCleanFederation(await checkFederation(deps, 220));
  }, 120_000);
});
