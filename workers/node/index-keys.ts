/**
 * Database.indexKeys for a SQLite file: a filter of the keys item_keys holds (db/key-filter.ts)
 * kept by one connection, which the candidate lookup asks before probing the table.
 *
 * It must never leave out a key the table holds, whoever wrote it:
 * - what the table held when it was built: read from item_keys, at the first lookup (not when
 *   the file opens: `serve` may never pull);
 * - what this connection writes since: told by db/item-keys.ts, which every write of a key
 *   goes through (IndexKeys.written);
 * - what other connections commit (another process's pull, `items split` from the command
 *   line): SQLite's data_version changes when, and only when, another connection has
 *   committed, so before each lookup a changed value rebuilds the filter from the table. The
 *   value is read again after the lookup: outside a transaction, another connection may have
 *   committed between the check and the lookup's read, which then runs again (inside the
 *   group commit's transaction, this connection holds the write lock: nobody can).
 * Keys deleted (pruning, a split) stay in the filter: a key too many costs one probe.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { IndexKeys } from '../../src/db/client.ts';
import { KeyFilter } from '../../src/db/key-filter.ts';

/** Keys read per query while building: distinct keys come in order, a page at a time. */
const PAGE = 4096;

/**
 * Keys told between two lookups are kept until the next one adds them (after rebuilding the
 * filter, if it does): a key told while its statement has not run yet would be missing from
 * a filter rebuilt from the table in between. Past this many with no filter built, they are
 * dropped: the first lookup reads them from the table.
 */
const MAX_PENDING = 65_536;

/** What the filters of this process did (bench:ingest prints it). */
export const indexKeyFigures = { builds: 0, buildMs: 0, keys: 0, bytes: 0 };

export function indexKeysOf(raw: BetterSqlite3.Database): IndexKeys {
  const version = raw.prepare('pragma data_version').pluck();
  const page = raw
    .prepare('select key from item_keys where key > ? group by key order by key limit ?')
    .pluck();
  let filter: KeyFilter | undefined;
  let builtAt = 0;
  let pending: number[] = [];

  const build = () => {
    const t0 = performance.now();
    const at = version.get() as number;
    // Sized as the last one: a first pull's grows as it goes (KeyFilter's layers).
    const keys = new KeyFilter(filter?.size ?? 0);
    let count = 0;
    for (let from = -1; ; ) {
      const part = page.all(from, PAGE) as number[];
      for (const key of part) keys.add(key);
      count += part.length;
      if (part.length < PAGE) break;
      from = part[part.length - 1]!;
    }
    filter = keys;
    builtAt = at;
    indexKeyFigures.builds++;
    indexKeyFigures.buildMs += performance.now() - t0;
    indexKeyFigures.keys = count;
  };

  return {
    async reading(read) {
      for (;;) {
        if (!filter || version.get() !== builtAt) build();
        for (const key of pending) filter!.add(key);
        pending = [];
        indexKeyFigures.bytes = filter!.bytes;
        const value = await read(filter!);
        if (version.get() === builtAt) return value;
      }
    },
    written(key) {
      if (pending.push(key) <= MAX_PENDING) return;
      if (filter) for (const k of pending) filter.add(k);
      pending = [];
    },
  };
}
