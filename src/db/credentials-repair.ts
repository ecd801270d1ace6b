/**
 * Until 9063c68 a private feed's relative links were resolved against its address with its
 * user-info (`https://user:password@host/feed.xml`): stories stored then may hold the password
 * in their links, canonical URLs and enclosures, in the links and images of their texts, and a
 * digest archived then in its edition (the public archive shows it). The read step resolves
 * against the address without user-info since (ingest/refresh/read-document.ts), so no new row
 * holds one: this repair removes the user-info of every URL in those rows, once.
 *
 * Why a repair of the rows rather than cleaning at output: the outputs of stories are many
 * (pages, three feed formats per filter, embeds, digests and their archive, hubs reading ours)
 * and grow, and each would have to remember it on every request for rows no longer written;
 * repaired once, they cost nothing after, and the password leaves the database too (its backups,
 * the admin API's JSON). No SQL migration can do it (SQLite and D1 have no regular expressions,
 * and the user-info differs from row to row): like search-refold.ts, each pull repairs a
 * bounded slice (rowid ranges: a bounded number of rows read per query whatever the table's
 * size, far below D1's limits) until every table is gone through, then a mark in `settings`
 * makes later pulls skip it.
 *
 * A text keeps its key (a hash of its former content): keys only let equal texts share a row,
 * and re-keying would rewrite every entry and story pointing to it (no index on those).
 */
import { and, eq, getTableName, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Deps } from '../deps.ts';
import { withoutCredentials } from '../public-url.ts';
import { writeDurably, type Statement } from './client.ts';
import { entries, items, texts } from './schema/items.ts';
import { settings } from './schema/networks.ts';
import { digests } from './schema/newsletter.ts';

/** Rowids of a table read per step (most rows are filtered out by SQL before they are read). */
export const REPAIR_ROWS_PER_STEP = 10_000;
/** Steps per pull: a read each, and a batch when it repairs rows (≤ 1,000 per invocation). */
export const REPAIR_STEPS_PER_PULL = 10;

/** Set once every table is gone through: later pulls skip the repair. */
const DONE = 'credentials-repaired';
/** Where the repair stands between pulls: `<table's position in TABLES>:<last rowid done>`. */
const AT = 'credentials-repair-at';

/** The tables and columns that may hold a link resolved against a private feed's address. */
const TABLES: Array<{ table: SQLiteTable; columns: Record<string, SQLiteColumn> }> = [
  {
    table: entries,
    columns: {
      url: entries.url,
      canonicalUrl: entries.canonicalUrl,
      enclosures: entries.enclosures,
    },
  },
  {
    table: items,
    columns: { url: items.url, canonicalUrl: items.canonicalUrl, enclosures: items.enclosures },
  },
  { table: texts, columns: { summary: texts.summary, contentHtml: texts.contentHtml } },
  { table: digests, columns: { edition: digests.edition } },
];

/** A value with the user-info of every URL in it removed (strings, JSON arrays and objects). */
function scrubbed(value: unknown): unknown {
  if (typeof value === 'string') return withoutCredentials(value);
  if (Array.isArray(value)) return value.map(scrubbed);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubbed(v)]));
  return value;
}

/**
 * Repairs up to `steps` slices of `rows` rowids; returns how many rows it rewrote, or null once
 * the repair is done (then and at every later pull: one read). A run reads the tables' last
 * rowids, one slice per step (a slice past a table's end takes no step), and writes the
 * repaired rows of a slice with its position, then where it stopped, or the mark.
 */
export async function repairStoredCredentials(
  deps: Deps,
  limits = { rows: REPAIR_ROWS_PER_STEP, steps: REPAIR_STEPS_PER_PULL },
): Promise<number | null> {
  const orm = deps.db.orm;
  const marks = await orm
    .select()
    .from(settings)
    .where(inArray(settings.key, [DONE, AT]));
  if (marks.some((m) => m.key === DONE)) return null;
  // Only a source declared with user-info ever had links resolved against it, and a source's
  // row keeps its declared URL for good (a new URL is a new row; removed sources stay, marked
  // so): a hub without one, such as every hub created since the fix, has nothing to repair,
  // and would otherwise read its whole store a slice per pull for nothing.
  if (!(await anySourceWithUserInfo(deps))) {
    await write(deps, done(deps));
    return 0;
  }
  const at = marks
    .find((m) => m.key === AT)
    ?.value.split(':')
    .map(Number) ?? [0, 0];
  let [table = 0, after = 0] = at;
  const lasts = await lastRowids(deps);
  let rewritten = 0;
  for (let step = 0; step < limits.steps && table < TABLES.length; ) {
    // Past the table's last row (rows added since are written clean): on to the next table.
    if (after >= lasts[table]!) {
      [table, after] = [table + 1, 0];
      continue;
    }
    step++;
    const { table: t, columns } = TABLES[table]!;
    const to = after + limits.rows;
    // A URL with user-info has `://` and then `@`: the rows without are not even read.
    const suspect = or(...Object.values(columns).map((c) => sql`${c} like '%://%@%'`)) as SQL;
    const rows = (await orm
      .select({ rowid: sql<number>`rowid`, ...columns })
      .from(t)
      .where(and(sql`rowid > ${after}`, sql`rowid <= ${to}`, suspect))) as Array<
      Record<string, unknown> & { rowid: number }
    >;
    const writes: Statement[] = [];
    for (const { rowid, ...values } of rows) {
      const changed: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(values)) {
        const clean = scrubbed(value);
        if (JSON.stringify(clean) !== JSON.stringify(value)) changed[name] = clean;
      }
      if (Object.keys(changed).length)
        writes.push(orm.update(t).set(changed).where(sql`rowid = ${rowid}`) as Statement);
    }
    rewritten += writes.length;
    after = to;
    // Repaired rows are written with the position after them: a run that fails later resumes
    // there. A slice with nothing to repair writes nothing (the run's end records where it is).
    if (writes.length) await write(deps, [...writes, savePosition(deps, table, after)]);
  }
  while (table < TABLES.length && after >= lasts[table]!) [table, after] = [table + 1, 0];
  await write(deps, table < TABLES.length ? [savePosition(deps, table, after)] : done(deps));
  if (rewritten) deps.log.info('stored links repaired', { rows: rewritten });
  return rewritten;
}

/** Whether a source's address (declared, fetched or redirected to) has user-info. */
async function anySourceWithUserInfo(deps: Deps): Promise<boolean> {
  const [row] = await deps.db.rows(
    `select 1 from sources where url like '%://%@%' or fetch_url like '%://%@%'
      or redirect_url like '%://%@%' limit 1`,
    [],
  );
  return row !== undefined;
}

/** The mark that the repair is done, and its position gone. */
function done(deps: Deps): Statement[] {
  return [
    deps.db.orm
      .insert(settings)
      .values({ key: DONE, value: String(deps.clock.now().getTime()) })
      .onConflictDoNothing(),
    deps.db.orm.delete(settings).where(eq(settings.key, AT)),
  ];
}

/** Statements in one batch, written as every write outside a store (db/client.ts). */
function write(deps: Deps, statements: Statement[]): Promise<void> {
  return writeDurably(deps.db, () => deps.db.batch(statements));
}

function savePosition(deps: Deps, table: number, after: number): Statement {
  const value = `${table}:${after}`;
  return deps.db.orm
    .insert(settings)
    .values({ key: AT, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}

/** The last rowid of each table of TABLES (0 when empty), in one query. */
async function lastRowids(deps: Deps): Promise<number[]> {
  const last = (table: SQLiteTable) =>
    `(select coalesce(max(rowid), 0) from "${getTableName(table)}")`;
  const [row] = await deps.db.rows(`select ${TABLES.map((t) => last(t.table)).join(', ')}`, []);
  return (row ?? []).map(Number);
}
