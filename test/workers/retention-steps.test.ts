/**
 * The retention prune in bounded steps on D1 in workerd (test/support/prune-scenarios.ts;
 * test/node/retention-steps.test.ts runs the same on a SQLite file). Each test prunes its
 * archive to the end: the file's tests share one database.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { pruneOldStories } from '../../src/ingest/retention.ts';
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

/** D1 deps whose clock is `days` after the scenarios' (a day's prune is done once a day). */
const d1Deps = (days = 0) => {
  const deps = workerDeps({ ...(env as unknown as Env), HUB_RETENTION_MONTHS: '6' });
  deps.log = { info() {}, warn() {}, error() {} };
  const clock = manualClock(PRUNE_NOW);
  clock.advance(days * 86_400_000);
  deps.clock = clock;
  return deps;
};

describe('retention prune in bounded steps (workerd, D1)', () => {
  it('prunes a large archive with the default limits: exactly the old rows', async () => {
    const deps = d1Deps();
    const archive = await writeArchive(deps, 'archives-d1', { old: 3_000, recent: 400 });
    expect(await pruneOldStories(deps, { force: true })).toBe(
      archive.stories - archive.keep.items.length,
    );
    await expectOnlyKept(deps, archive);
    await expectReadable(deps, archive);
    expect(Object.keys(await pruneMarks(deps))).toEqual(['retention_pruned_at']);
  });

  it('small steps in one run lose no story, those of one publication time included', async () => {
    const deps = d1Deps();
    const archive = await writeArchive(deps, 'egaux-d1', { old: 200, recent: 30 });
    const limits = { stories: 7, keyRows: 97, texts: 11, steps: 10_000 };
    expect(await pruneOldStories(deps, { force: true, limits })).toBe(
      archive.stories - archive.keep.items.length,
    );
    await expectOnlyKept(deps, archive);
  });

  it('one step per run: each bounded, readable between runs, the last one finishes', async () => {
    // The previous tests marked their day done: this prune comes a day later.
    const deps = d1Deps(1);
    const archive = await writeArchive(deps, 'pas-a-pas-d1', { old: 300, recent: 40 });
    await pruneOneStepPerRun(deps, archive);
  });

  it('a run failing between steps leaves a readable archive, the next one finishes', async () => {
    const deps = d1Deps(2);
    const archive = await writeArchive(deps, 'reprise-d1', { old: 400, recent: 40 });
    await pruneFailsThenResumes(deps, archive);
  });
});
