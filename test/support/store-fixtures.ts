import { eq } from 'drizzle-orm';
import { networks, settings, sources } from '../../src/db/schema/index.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import type { Deps } from '../../src/deps.ts';
import type { ParsedItem } from '../../src/ingest/types.ts';

/** Inserts a network and one feed source for it (store tests need the foreign keys). */
export async function addSource(
  deps: Deps,
  slug: string,
  url = `https://${slug}.example/feed.xml`,
): Promise<SourceRow> {
  const now = Date.now();
  await deps.db.orm
    .insert(networks)
    .values({ slug, name: slug, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const [row] = await deps.db.orm
    .insert(sources)
    .values({ networkSlug: slug, kind: 'feed', url, fetchUrl: url, createdAt: now })
    .returning();
  return row!;
}

/** A parsed item with sensible defaults. */
export function parsedItem(over: Partial<ParsedItem> = {}): ParsedItem {
  return {
    guid: null,
    url: null,
    title: null,
    published: null,
    updated: null,
    author: null,
    summary: null,
    contentHtml: null,
    categories: [],
    enclosures: [],
    ...over,
  };
}

/** A fixed clock that tests move by hand. */
export function manualClock(start: string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

/** The store lease's row (ingest/store-lease.ts), as another process holding it until `expiresAt` would leave it. */
export async function holdStoreLease(
  deps: Deps,
  expiresAt: number,
  holder: string,
): Promise<string> {
  const value = `${expiresAt} ${holder}`;
  await deps.db.orm
    .insert(settings)
    .values({ key: 'lease:store', value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
  return value;
}

/** The store lease's row, if any: [] once every store has released it. */
export function storeLeaseRows(deps: Deps) {
  return deps.db.orm.select().from(settings).where(eq(settings.key, 'lease:store'));
}
