/** Texts stored once on D1 (test/support/texts-scenarios.ts, as test/node/texts.test.ts). */
import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { relaysShareOneText, upkeepDeletesOrphanTexts } from '../support/texts-scenarios.ts';

describe('texts stored once (workerd, D1)', () => {
  it('relays that copy a text share its row with their story', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    await relaysShareOneText(deps, 'relais-d1');
  });

  it('the daily upkeep deletes the texts nothing points to, and no other', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-12-01T00:00:00Z');
    await upkeepDeletesOrphanTexts(deps, 'entretien-d1');
  });
});
