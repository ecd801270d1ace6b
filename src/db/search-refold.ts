/**
 * Stories stored before search folding keep their title and text as written, so `q=numerique`
 * would miss their "numérique" and `tag=` their categories. Folding needs JavaScript (neither
 * SQLite nor D1 folds accents), so no SQL migration can do it: each pull folds a slice of
 * those rows (`category_keys` still null) until none is left, on both runtimes.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { items } from './schema/items.ts';
import { settings } from './schema/networks.ts';
import { writeDurably } from './client.ts';
import { foldText } from '../ingest/dedupe/text.ts';
import { categoryKeys } from '../filter-grammar.ts';

/** Rows folded per pull: a few hundred small updates, well within a Worker invocation. */
export const REFOLD_BATCH = 300;

/** Set once no row is left to fold: later pulls skip the scan for them (no index on it). */
const DONE_KEY = 'search-folded';

/** Folds up to `limit` stories written before folding; returns how many it folded. */
export async function refoldSearchText(deps: Deps, limit = REFOLD_BATCH): Promise<number> {
  const [done] = await deps.db.orm.select().from(settings).where(eq(settings.key, DONE_KEY));
  if (done) return 0;
  const rows = await deps.db.orm
    .select({ id: items.id, searchText: items.searchText, categories: items.categories })
    .from(items)
    .where(isNull(items.categoryKeys))
    .limit(limit);
  if (!rows.length) {
    // Every story written from now on is folded by the store itself.
    await writeDurably(deps.db, () =>
      deps.db.orm
        .insert(settings)
        .values({ key: DONE_KEY, value: String(deps.clock.now().getTime()) })
        .onConflictDoNothing()
        .then(() => undefined),
    );
    return 0;
  }
  await writeDurably(deps.db, () =>
    deps.db.batch(
      rows.map((r) =>
        deps.db.orm
          .update(items)
          // The stored text was title + plain text: folding it gives what a store writes now.
          .set({ searchText: foldText(r.searchText), categoryKeys: categoryKeys(r.categories) })
          // A store that re-derived the story meanwhile has already written folded text.
          .where(and(eq(items.id, r.id), isNull(items.categoryKeys))),
      ),
    ),
  );
  return rows.length;
}
