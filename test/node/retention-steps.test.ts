/**
 * The retention prune in bounded steps on a SQLite file (test/support/prune-scenarios.ts;
 * test/workers/retention-steps.test.ts runs the same on D1).
 */
import { describe, expect, it } from 'vitest';
import { pruneOldStories } from '../../src/ingest/retention.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import {
  expectOnlyKept,
  expectReadable,
  PRUNE_NOW,
  pruneFailsThenResumes,
  pruneMarks,
  pruneOneStepPerRun,
  writeArchive,
} from '../support/prune-scenarios.ts';
import { manualClock } from '../support/store-fixtures.ts';

const withDeps = async (test: (deps: ReturnType<typeof makeNodeDeps>) => Promise<void>) => {
  const deps = { ...makeNodeDeps({ HUB_RETENTION_MONTHS: '6' }), clock: manualClock(PRUNE_NOW) };
  deps.log = { info() {}, warn() {}, error() {} };
  try {
    await test(deps);
  } finally {
    await deps.close();
  }
};

describe('retention prune in bounded steps (Node, SQLite file)', () => {
  it('prunes a large archive with the default limits: many steps, exactly the old rows', () =>
    withDeps(async (deps) => {
      const archive = await writeArchive(deps, 'archives', { old: 6_000, recent: 800 });
      expect(archive.keep.keys.length).toBeGreaterThan(10_000);
      expect(await pruneOldStories(deps)).toBe(archive.stories - archive.keep.items.length);
      await expectOnlyKept(deps, archive);
      await expectReadable(deps, archive);
      expect(Object.keys(await pruneMarks(deps))).toEqual(['retention_pruned_at']);
    }));

  it('small steps in one run lose no story, stories of one publication time included', () =>
    withDeps(async (deps) => {
      const archive = await writeArchive(deps, 'egaux', { old: 300, recent: 40 });
      const limits = { stories: 7, keyRows: 97, texts: 11, steps: 10_000 };
      expect(await pruneOldStories(deps, { limits })).toBe(
        archive.stories - archive.keep.items.length,
      );
      await expectOnlyKept(deps, archive);
    }));

  it('one step per run: each run bounded, readable between runs, the last one finishes', () =>
    withDeps(async (deps) => {
      await pruneOneStepPerRun(
        deps,
        await writeArchive(deps, 'pas-a-pas', { old: 400, recent: 60 }),
      );
    }));

  it('a run failing between steps leaves a readable archive, and the next run finishes', () =>
    withDeps(async (deps) => {
      await pruneFailsThenResumes(
        deps,
        await writeArchive(deps, 'reprise', { old: 500, recent: 50 }),
      );
    }));
});
