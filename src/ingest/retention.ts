/**
 * Retention (HUB_RETENTION_MONTHS, off by default): stories older than N months are pruned, and
 * a feed that still lists them does not store them again (it would re-add what was pruned at
 * every pull). A story is old when every entry of it was published before the cut-off. Once a
 * day, at the scheduled pull's tick. The same daily upkeep, retention or not, deletes the texts
 * nothing points to any more (pruned stories' and the former texts of edited entries).
 *
 * The prune goes in bounded steps, each its own transaction (ingest/prune-steps.ts): turning
 * retention on over years of stories may mean hundreds of thousands of rows to delete, more than
 * one D1 batch may do (30 s per query, one transaction per batch), and on a SQLite file one such
 * transaction would hold the stores back for as long. A run takes at most `steps` steps (a
 * Worker invocation's queries are capped); what is left is done at the next tick, and the day's
 * prune is recorded as done only once nothing is left.
 */
import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { settings } from '../db/schema/networks.ts';
import {
  forgetKeysSweep,
  keysSweep,
  pruneKeysStep,
  pruneStoriesStep,
  pruneTextsStep,
  type StoryCursor,
} from './prune-steps.ts';

/** Pruning scans the dedup keys: once a day is enough. */
const PRUNE_EVERY_MS = 24 * 3600_000;
const LAST_PRUNE = 'retention_pruned_at';

/** How much one step and one run may do. */
export interface PruneLimits {
  /** Stories (with their entries) deleted per step: one batch of two statements. */
  stories: number;
  /** Rows of the dedup index gone through per step (its old keys deleted). */
  keyRows: number;
  /** Texts deleted per step (each step reads every entry's text key once). */
  texts: number;
  /**
   * Steps per run, each one or two queries (and one read finding no old story more): a
   * scheduled Worker invocation makes at most 1,000.
   */
  steps: number;
}

/**
 * Each step a fraction of a second on a SQLite file (bench-sized: 500 stories are ~1,000
 * entries, each written in 8 indexes), far below D1's 30 s per query; 100 steps are ~200 of
 * the invocation's 1,000 queries, and up to 50,000 stories pruned per tick.
 */
export const PRUNE_LIMITS: PruneLimits = {
  stories: 500,
  keyRows: 50_000,
  texts: 20_000,
  steps: 100,
};

/** The cut-off (epoch ms) for `months`, or null when retention is off. */
export function retentionCutoff(deps: Deps, now: number): number | null {
  const months = deps.config.retentionMonths;
  if (!months) return null;
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/**
 * Deletes old stories with their entries, dedup keys and texts, and the texts nothing points
 * to, up to `limits.steps` steps; returns how many stories went in this run. `force` runs it
 * even if the day's prune is done.
 */
export async function pruneOldStories(
  deps: Deps,
  options: { force?: boolean; limits?: PruneLimits } = {},
): Promise<number> {
  const limits = options.limits ?? PRUNE_LIMITS;
  const now = deps.clock.now().getTime();
  const orm = deps.db.orm;
  const [last] = await orm.select().from(settings).where(eq(settings.key, LAST_PRUNE));
  if (!options.force && last && now - Number(last.value) < PRUNE_EVERY_MS) return 0;
  const cutoff = retentionCutoff(deps, now);
  const { stories, finished } = await pruneInSteps(deps, cutoff, limits);
  if (finished)
    await deps.db.batch([
      orm
        .insert(settings)
        .values({ key: LAST_PRUNE, value: String(now) })
        .onConflictDoUpdate({ target: settings.key, set: { value: String(now) } }),
      forgetKeysSweep(deps.db),
    ]);
  if (stories || !finished)
    deps.log.info(finished ? 'old stories pruned' : 'old stories pruned, more at the next tick', {
      stories,
      cutoff,
    });
  return stories;
}

/**
 * The steps, stories first (what readers see), then their keys, then the texts nothing points
 * to any more. A run that stops half-way starts again from the stories at the next tick: those
 * deleted are gone, so going through them again costs one query when none is left.
 */
async function pruneInSteps(deps: Deps, cutoff: number | null, limits: PruneLimits) {
  let steps = limits.steps;
  let stories = 0;
  if (cutoff !== null) {
    let cursor: StoryCursor | null = null;
    do {
      if (steps <= 0) return { stories, finished: false };
      const step = await pruneStoriesStep(deps.db, cutoff, limits.stories, cursor);
      // A read that found none deleted nothing: not a step (a run resumed where only keys or
      // texts are left would otherwise spend its steps there).
      if (step.found) steps--;
      stories += step.found;
      cursor = step.found < limits.stories ? null : step.next;
    } while (cursor);
    let sweep = await keysSweep(deps.db);
    while (sweep !== 'done') {
      if (steps-- <= 0) return { stories, finished: false };
      sweep = await pruneKeysStep(deps.db, cutoff, limits.keyRows, sweep);
    }
  }
  let deleted: number;
  do {
    if (steps-- <= 0) return { stories, finished: false };
    deleted = await pruneTextsStep(deps.db, limits.texts);
  } while (deleted >= limits.texts);
  return { stories, finished: true };
}
