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
 *
 * A rebuild reads every distinct key (~0.25 s of CPU for 540,000 keys, the bench's 1,000
 * sources). While another process keeps committing (two pulls storing in turns), rebuilding
 * before each lookup would cost more than the probes it saves: a rebuild waits until
 * REBUILD_SPACING times its own duration (at least MIN_REBUILD_MS) has passed since the last
 * one, and lookups meanwhile probe every key, as without a filter.
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

/** A rebuild's CPU is at most a tenth of the time between two (see above). */
const REBUILD_SPACING = 10;
const MIN_REBUILD_MS = 1000;
let spacing = { factor: REBUILD_SPACING, minMs: MIN_REBUILD_MS };

/** Tests rebuild at once ({ factor: 0, minMs: 0 }) or never; applies to every connection. */
export function setRebuildSpacing(to: { factor: number; minMs: number } | null): void {
  spacing = to ?? { factor: REBUILD_SPACING, minMs: MIN_REBUILD_MS };
}

/** What the filters of this process did (bench:ingest prints it). */
export const indexKeyFigures = { builds: 0, buildMs: 0, keys: 0, bytes: 0, unfiltered: 0 };

export function indexKeysOf(raw: BetterSqlite3.Database): IndexKeys {
  const version = raw.prepare('pragma data_version').pluck();
  const page = raw
    .prepare('select key from item_keys where key > ? group by key order by key limit ?')
    .pluck();
  let filter: KeyFilter | undefined;
  let builtAt = 0;
  let pending: number[] = [];

  /** When the last build ended, and how long it took (performance.now(), ms). */
  let builtUntil = 0;
  let buildMs = 0;

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
    builtUntil = performance.now();
    buildMs = builtUntil - t0;
    indexKeyFigures.builds++;
    indexKeyFigures.buildMs += buildMs;
    indexKeyFigures.keys = count;
  };

  return {
    async reading(read) {
      for (;;) {
        if (!filter || version.get() !== builtAt) {
          const since = performance.now() - builtUntil;
          if (filter && since < Math.max(spacing.minMs, spacing.factor * buildMs)) {
            indexKeyFigures.unfiltered++;
            return read(null);
          }
          build();
        }
        for (const key of pending) filter!.add(key);
        pending = [];
        indexKeyFigures.bytes = filter!.bytes;
        // The version this read's filter stands for, kept here: another lookup of this
        // connection may rebuild the filter while this one awaits its queries.
        const at = builtAt;
        const value = await read(filter!);
        if (version.get() === at) return value;
      }
    },
    written(key) {
      if (pending.push(key) <= MAX_PENDING) return;
      if (filter) for (const k of pending) filter.add(k);
      pending = [];
    },
  };
}
