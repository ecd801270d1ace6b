/**
 * The retention prune in bounded steps (src/ingest/retention.ts, prune-steps.ts), on whatever
 * database the deps hold: test/node/retention-steps.test.ts runs these on a SQLite file,
 * test/workers/retention-steps.test.ts on D1 in workerd.
 *
 * An archive is written straight into the tables, as years of pulls would have left it (the
 * prune reads only rows): old stories, some sharing one publication time, of one or two
 * entries; old stories kept by a recent entry; recent stories; ~11 dedup keys per entry, some
 * published after their entry (an edit moved its date back); one text per entry, one shared by
 * an old and a recent story, and former texts nothing points to. What must stay is known from
 * the rows written, and compared with what stays, row for row.
 */
import { and, eq, gte, inArray, like, lt, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { createApp } from '../../src/app.ts';
import { bulkInserts } from '../../src/db/bulk-insert.ts';
import type { Statement } from '../../src/db/client.ts';
import { insertKeys } from '../../src/db/item-keys.ts';
import { entries, itemKeys, items, settings, texts } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import { pruneOldStories, type PruneLimits } from '../../src/ingest/retention.ts';
import { addSource } from './store-fixtures.ts';

const DAY = 86_400_000;
/**
 * The clock of these scenarios; with 6 months of retention, the cut-off is 1 June 2026 (a few
 * days later when a test runs its prune days later: the archive leaves room for that).
 */
export const PRUNE_NOW = '2026-12-01T00:00:00Z';
const CUTOFF = Date.UTC(2026, 5, 1);
const KEYS_PER_ENTRY = 11;

type ItemRow = typeof items.$inferInsert;
type EntryRow = typeof entries.$inferInsert;
type KeyRow = typeof itemKeys.$inferInsert;
type TextRow = typeof texts.$inferInsert;

/** What an archive wrote, and what of it must stay. */
export interface Archive {
  slug: string;
  stories: number;
  entryIds: [number, number];
  keep: { items: string[]; entries: number[]; keys: string[]; texts: string[] };
}

/** A dedup key spread over the whole index (32-bit hash, kind in the high bits). */
const keyOf = (entry: number, n: number) =>
  n * 2 ** 32 + ((Math.imul(entry + 1, 2654435761) ^ Math.imul(n + 7, 40503)) >>> 0);

const keyId = (k: { key: number; publishedAt: number; entryId: number }) =>
  `${k.key}/${k.publishedAt}/${k.entryId}`;

/**
 * Writes an archive of `old` old stories and `recent` recent ones for a new network `slug`.
 * One in three old stories has two entries; the first 40 old stories share one publication
 * time (the steps' order must not lose any of them); every 25th old story is kept by a recent
 * entry.
 */
export async function writeArchive(
  deps: Deps,
  slug: string,
  counts: { old: number; recent: number },
): Promise<Archive> {
  const a = await addSource(deps, slug);
  const b = await addSource(deps, slug, `https://${slug}.example/other.xml`);
  const [{ max } = { max: 0 }] = await deps.db.orm
    .select({ max: sql<number>`coalesce(max(${entries.id}), 0)` })
    .from(entries);
  const first = Number(max) + 1;
  let nextEntry = first;
  const rows = { items: [] as ItemRow[], entries: [] as EntryRow[], keys: [] as KeyRow[] };
  const textRows: TextRow[] = [];
  const keep: Archive['keep'] = { items: [], entries: [], keys: [], texts: [] };
  const shared = `${slug}:shared`;
  textRows.push({ key: shared, summary: 'Texte repris mot pour mot', contentHtml: null });
  keep.texts.push(shared);

  const story = (id: string, dates: number[], kept: boolean, sharedText: boolean) => {
    const ids = dates.map(() => nextEntry++);
    const textOf = (e: number, i: number) => (sharedText && i === 0 ? shared : `${slug}:t:${e}`);
    rows.items.push({
      id,
      title: `Annonce ${id}`,
      url: `https://${slug}.example/${id}`,
      publishedAt: Math.min(...dates),
      updatedAt: Math.max(...dates),
      firstSeenAt: Math.min(...dates),
      textKey: textOf(ids[0]!, 0),
    });
    if (kept) keep.items.push(id);
    dates.forEach((published, i) => {
      const entry = ids[i]!;
      const text = textOf(entry, i);
      if (text !== shared) {
        textRows.push({
          key: text,
          summary: `Résumé ${entry}`,
          contentHtml: `<p>Texte ${entry}</p>`,
        });
        if (kept) keep.texts.push(text);
      }
      rows.entries.push({
        id: entry,
        sourceId: i === 0 ? a.id : b.id,
        networkSlug: slug,
        itemId: id,
        guidHash: `${slug}-${entry}`,
        url: `https://${slug}.example/${id}`,
        title: `Annonce ${id}`,
        publishedAt: published,
        updatedAt: published,
        firstSeenAt: published,
        contentHash: `h${entry}`,
        textKey: text,
      });
      if (kept) keep.entries.push(entry);
      for (let n = 0; n < KEYS_PER_ENTRY; n++) {
        // Every 50th entry's last key is dated after the cut-off (an edit moved the entry back).
        const at = n === KEYS_PER_ENTRY - 1 && entry % 50 === 0 ? CUTOFF + 10 * DAY : published;
        const key = { key: keyOf(entry, n), publishedAt: at, entryId: entry };
        rows.keys.push(key);
        if (kept && at >= CUTOFF) keep.keys.push(keyId(key));
      }
    });
  };

  const tied = Date.UTC(2024, 2, 4, 9, 30);
  for (let i = 0; i < counts.old; i++) {
    const published = i < 40 ? tied : Date.UTC(2020, 0, 1) + ((i * 7919) % 1_600) * DAY;
    if (i % 25 === 24) {
      story(`${slug}-kept-${i}`, [published, CUTOFF + 20 * DAY], true, false);
      continue;
    }
    const dates = i % 3 === 0 ? [published, published + DAY] : [published];
    story(`${slug}-old-${i}`, dates, false, i === 5);
  }
  for (let i = 0; i < counts.recent; i++) {
    const published = CUTOFF + (5 + (i % 170)) * DAY;
    story(
      `${slug}-new-${i}`,
      i % 4 === 0 ? [published, published + DAY] : [published],
      true,
      i === 3,
    );
  }
  // Former texts of edited entries: nothing points to them.
  for (let i = 0; i < 30; i++)
    textRows.push({ key: `${slug}:former:${i}`, summary: `Ancien ${i}`, contentHtml: null });

  const statements: Statement[] = [
    ...bulkInserts(deps.db, texts, textRows),
    ...bulkInserts(deps.db, items, rows.items),
    ...bulkInserts(deps.db, entries, rows.entries),
    // Through db/item-keys.ts, as every write of a key (the lookup's filter hears of it).
    ...insertKeys(deps.db, rows.keys),
  ];
  for (let i = 0; i < statements.length; i += 50) await deps.db.batch(statements.slice(i, i + 50));
  return {
    slug,
    stories: rows.items.length,
    entryIds: [first, nextEntry - 1],
    keep,
  };
}

/** The archive's rows as they stand. */
export async function archiveRows(deps: Deps, archive: Archive) {
  const orm = deps.db.orm;
  const [lo, hi] = archive.entryIds;
  const inRange = and(gte(itemKeys.entryId, lo), lt(itemKeys.entryId, hi + 1));
  return {
    items: (
      await orm
        .select({ id: items.id })
        .from(items)
        .where(like(items.id, `${archive.slug}-%`))
    )
      .map((r) => r.id)
      .sort(),
    entries: (
      await orm
        .select({ id: entries.id })
        .from(entries)
        .where(eq(entries.networkSlug, archive.slug))
    )
      .map((r) => r.id)
      .sort((x, y) => x - y),
    keys: (await orm.select().from(itemKeys).where(inRange)).map(keyId).sort(),
    texts: (
      await orm
        .select({ key: texts.key })
        .from(texts)
        .where(like(texts.key, `${archive.slug}:%`))
    )
      .map((r) => r.key)
      .sort(),
  };
}

/** Exactly what must stay: recent stories and those a recent entry keeps, theirs, and no more. */
export async function expectOnlyKept(deps: Deps, archive: Archive) {
  const left = await archiveRows(deps, archive);
  expect(left.items).toEqual([...archive.keep.items].sort());
  expect(left.entries).toEqual([...archive.keep.entries].sort((x, y) => x - y));
  expect(left.keys).toEqual([...archive.keep.keys].sort());
  expect(left.texts).toEqual([...archive.keep.texts].sort());
}

/**
 * Readable at any point: every entry has its story, and the network's public page and feed
 * show its recent stories.
 */
export async function expectReadable(deps: Deps, archive: Archive) {
  const orphans = await deps.db.orm
    .select({ id: entries.id })
    .from(entries)
    .where(
      and(
        eq(entries.networkSlug, archive.slug),
        sql`not exists (select 1 from items where items.id = ${entries.itemId})`,
      ),
    );
  expect(orphans).toEqual([]);
  const app = createApp(deps);
  const kept = archive.keep.items.filter((id) => id.includes('-new-'));
  for (const path of [`/?network=${archive.slug}`, `/feed.json?network=${archive.slug}`]) {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    // The newest of the kept stories is on the first page, whatever was pruned so far.
    expect(await res.text(), path).toContain(`Annonce ${archive.slug}-new-`);
  }
  expect(kept.length).toBeGreaterThan(0);
}

/** The rows of the day's prune bookkeeping (done at; where the keys' sweep stopped). */
export async function pruneMarks(deps: Deps) {
  const rows = await deps.db.orm
    .select()
    .from(settings)
    .where(inArray(settings.key, ['retention_pruned_at', 'retention_keys_swept_to']));
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Whether the prune of this day (the deps' clock) is recorded as done. */
const doneNow = async (deps: Deps) =>
  Number((await pruneMarks(deps)).retention_pruned_at) === deps.clock.now().getTime();

/**
 * One step per run, as ticks that each stop after one step: every run deletes at most one
 * step's rows, the archive stays readable between runs, the day is not marked done until the
 * last step, and the runs together leave exactly what must stay.
 */
export async function pruneOneStepPerRun(deps: Deps, archive: Archive) {
  const limits: PruneLimits = { stories: 60, keyRows: 2_000, texts: 150, steps: 1 };
  let before = await archiveRows(deps, archive);
  let runs = 0;
  let pruned = 0;
  while (!(await doneNow(deps))) {
    // No force: a run that stopped half-way has not marked the day done, so the next tick goes on.
    pruned += await pruneOldStories(deps, { limits });
    const after = await archiveRows(deps, archive);
    expect(before.items.length - after.items.length).toBeLessThanOrEqual(limits.stories);
    // A key step goes through 2,000 rows of the whole index (other tests' keys too).
    expect(before.keys.length - after.keys.length).toBeLessThanOrEqual(limits.keyRows);
    expect(before.texts.length - after.texts.length).toBeLessThanOrEqual(limits.texts);
    await expectReadable(deps, archive);
    before = after;
    expect(++runs).toBeLessThan(500);
  }
  expect(pruned).toBe(archive.stories - archive.keep.items.length);
  // Stories alone took more runs than one; keys and texts more again.
  expect(runs).toBeGreaterThan(Math.ceil(pruned / limits.stories) + 2);
  await expectOnlyKept(deps, archive);
  expect(await pruneMarks(deps)).not.toHaveProperty('retention_keys_swept_to');
  // The day's prune is done: the next tick the same day does nothing.
  expect(await pruneOldStories(deps, { limits })).toBe(0);
}

/**
 * A run that fails between two steps (the database refuses the third batch) leaves a readable
 * archive, and the next run resumes and finishes.
 */
export async function pruneFailsThenResumes(deps: Deps, archive: Archive) {
  const limits: PruneLimits = { stories: 50, keyRows: 3_000, texts: 200, steps: 1_000 };
  let batches = 0;
  const failing: Deps = {
    ...deps,
    db: {
      ...deps.db,
      async batch(statements) {
        if (++batches === 3) throw new Error('D1_ERROR: the batch took too long');
        return deps.db.batch(statements);
      },
    },
  };
  await expect(pruneOldStories(failing, { limits })).rejects.toThrow('took too long');
  const half = await archiveRows(deps, archive);
  // Two steps of 50 stories went, the third did not, and nothing else.
  expect(half.items).toHaveLength(archive.stories - 100);
  await expectReadable(deps, archive);
  expect(await doneNow(deps)).toBe(false);
  expect(await pruneOldStories(deps, { limits })).toBe(
    archive.stories - archive.keep.items.length - 100,
  );
  await expectOnlyKept(deps, archive);
  await expectReadable(deps, archive);
}
