/**
 * One store (a batch of documents, store-batcher.ts) at a time per database, across processes
 * and Workers invocations.
 *
 * Dedup reads what is stored, decides, then writes. Two stores interleaving (two queue
 * consumers on D1, `intercoop serve`'s schedule and a CLI `pull` on one SQLite file) each
 * decide "new story" before the other writes, and a story relayed by both stays twice; two
 * pulls of one source fail on the (source, guid) unique index. `serialized` orders the stores
 * of one process; this lease, a row of `settings`, orders them between processes.
 *
 * Taking it is one upsert that only overwrites an expired lease (RETURNING says whether it
 * did), releasing it one delete: two small writes per document, no migration, the same SQL on
 * SQLite and D1. A holder that dies mid-store leaves a lease that expires after LEASE_MS.
 *
 * Waiting polls the row, which on D1 costs a subrequest per poll: Workers order their stores
 * through a Durable Object instead (deps.storeTurns, workers/cloudflare/store-turns.ts).
 */
import type { Deps } from '../deps.ts';
import { IngestError } from './types.ts';

const KEY = 'lease:store';
/** Longer than any store (a 10,000-item document on D1 takes seconds, not minutes). */
export const LEASE_MS = 120_000;
/** A waiter outlasts a dead holder's lease, so a crash delays the others but never fails them. */
const WAIT_MS = LEASE_MS + 10_000;
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 100;

/**
 * The two statements, as SQL text run through Database.rows: the connection keeps them prepared,
 * where the query builder built and prepared both anew for every store (~0.3 s of a 1,000-source
 * cold pull's main thread, bench:ingest --profile). The upsert overwrites only an expired lease
 * (its value starts with its expiry in epoch ms); the delete returns the key so that it reads
 * as a query on both runtimes.
 */
const TAKE_SQL =
  'insert into "settings" ("key", "value") values (?, ?) on conflict ("key") do update ' +
  'set "value" = excluded."value" where cast(substr("settings"."value", 1, ' +
  'instr("settings"."value", \' \') - 1) as integer) < ? returning "value"';
const RELEASE_SQL = 'delete from "settings" where "key" = ? and "value" = ? returning "key"';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `store` in its turn: through deps.storeTurns where the runtime has one, else the lease. */
export function storeInTurn<T>(deps: Deps, store: () => Promise<T>): Promise<T> {
  return deps.storeTurns ? deps.storeTurns.run(store) : withStoreLease(deps, store);
}

/**
 * Runs `store` holding the database's store lease (see module doc); callers are already
 * `serialized`, so a process never waits on its own lease. Real time, not deps.clock: the
 * lease orders live processes, whatever time the hub's logic is told it is.
 */
export async function withStoreLease<T>(
  deps: Deps,
  store: () => Promise<T>,
  waitMs = WAIT_MS,
): Promise<T> {
  const lease = await acquire(deps, waitMs);
  try {
    return await store();
  } finally {
    await release(deps, lease).catch((err: unknown) => {
      // Not fatal: the lease expires by itself.
      deps.log.warn('cannot release the store lease', { error: String(err) });
    });
  }
}

async function acquire(deps: Deps, waitMs: number): Promise<string> {
  const started = Date.now();
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    const now = Date.now();
    const value = `${now + LEASE_MS} ${crypto.randomUUID()}`;
    const taken = await deps.db.rows(TAKE_SQL, [KEY, value, now]);
    if (taken.length) return value;
    if (now - started > waitMs) {
      throw new IngestError(
        'storage_error',
        `Base occupée : un autre enregistrement est en cours depuis plus de ${Math.round(waitMs / 1000)} s ; la source sera reprise au prochain passage.`,
      );
    }
    // Jitter, so that waiters do not all ask again at the same instant.
    await sleep(pause * (0.5 + Math.random()));
  }
}

async function release(deps: Deps, value: string): Promise<void> {
  await deps.db.rows(RELEASE_SQL, [KEY, value]);
}
