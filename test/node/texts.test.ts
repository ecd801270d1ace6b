/**
 * Texts stored once on SQLite (test/support/texts-scenarios.ts; test/workers/texts.test.ts
 * runs the same on D1).
 */
import { describe, it } from 'vitest';
import { makeNodeDeps } from '../support/node-deps.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { relaysShareOneText, upkeepDeletesOrphanTexts } from '../support/texts-scenarios.ts';

describe('texts stored once (Node, SQLite)', () => {
  it('relays that copy a text share its row with their story', async () => {
    const deps = makeNodeDeps();
    try {
      await relaysShareOneText(deps, 'relais');
    } finally {
      await deps.close();
    }
  });

  it('the daily upkeep deletes the texts nothing points to, and no other', async () => {
    const deps = { ...makeNodeDeps(), clock: manualClock('2026-12-01T00:00:00Z') };
    try {
      await upkeepDeletesOrphanTexts(deps, 'entretien');
    } finally {
      await deps.close();
    }
  });
});
