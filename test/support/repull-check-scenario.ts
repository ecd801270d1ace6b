/**
 * The re-pull check (dedupe/lookup.ts knownEntries: is this guid known, is its content the
 * same?), shared by the Node (SQLite) and workerd (D1) store tests. Since migration 0016 no
 * index holds both the guid and the content hash: each pair must be one probe of the unique
 * index entries_source_guid, the content hash read from the row, on either database's planner.
 */
import { expect } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { entries } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { KNOWN_SQL, knownEntries } from '../../src/ingest/dedupe/lookup.ts';
import { parsedItem } from './store-fixtures.ts';

/**
 * Stores three stories under `source` (which may hold others), then checks what the re-pull
 * check finds for them, and how.
 */
export async function expectRepullCheckByUniqueIndex(deps: Deps, source: SourceRow): Promise<void> {
  const doc = [1, 2, 3].map((n) =>
    parsedItem({
      guid: `https://verif.example/${source.id}/p/${n}`,
      title: `Billet ${n}`,
      contentHtml: `<p>Billet ${n} : la coopérative ouvre un atelier numérique le ${n} juin.</p>`,
    }),
  );
  await storeFeedItems(deps, source, doc);
  const stored = await deps.db.orm
    .select({ id: entries.id, guidHash: entries.guidHash, contentHash: entries.contentHash })
    .from(entries)
    .where(
      and(
        eq(entries.sourceId, source.id),
        inArray(
          entries.guid,
          doc.map((d) => d.guid!),
        ),
      ),
    );
  expect(stored).toHaveLength(3);
  const pairs: Array<[number, string]> = stored.map((e) => [source.id, e.guidHash]);
  // A guid never stored is not found.
  const { known } = await knownEntries(deps.db, [...pairs, [source.id, 'f'.repeat(64)]]);
  expect(known.sort((x, y) => x.id - y.id)).toEqual(
    stored.map((e) => ({ ...e, sourceId: source.id })).sort((x, y) => x.id - y.id),
  );
  const plan = await deps.db.rows(`EXPLAIN QUERY PLAN ${KNOWN_SQL}`, [JSON.stringify(pairs)]);
  expect(plan.map((step) => step[3])).toContain(
    'SEARCH e USING INDEX entries_source_guid (source_id=? AND guid_hash=?)',
  );
}
