/**
 * The store step's turn on Workers: one Durable Object per hub (`idFromName('store')`) through
 * which every queue consumer's store step goes, one after the other.
 *
 * Dedup reads what is stored, decides, then writes: two consumers storing at once would each
 * decide "new story" for a story both relay. A Durable Object is single-threaded and every
 * invocation reaches the same instance, so it orders the stores without a lease row and
 * without polling D1 while waiting: a consumer asks for the turn with an RPC callback, and the
 * object calls the callbacks one at a time; each one holds the turn, back in its consumer,
 * until that consumer's stores are done (with its own D1 binding), and the object answers
 * when it returns. A consumer that dies mid-store breaks its call, which ends its turn; one
 * that holds it longer than LEASE_MS loses it, as a dead holder's lease row expires.
 */
import { DurableObject } from 'cloudflare:workers';
import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import type { StoreTurns } from '../../src/deps.ts';
import { LEASE_MS } from '../../src/ingest/store-lease.ts';
import type { SubrequestCount } from './subrequests.ts';

/** The object's class (wrangler.toml: durable_objects binding STORE_TURNS, sqlite migration). */
export class StoreTurnObject extends DurableObject {
  private tail: Promise<unknown> = Promise.resolve();
  private open = 0;

  /**
   * Runs `store` once every store handed over before it is done; resolves when it is. Turns go
   * in the order the calls reach the object (calls through separate stubs, as separate
   * invocations make, may reach it in another order than they were sent).
   */
  async inTurn(store: () => Promise<void>): Promise<void> {
    this.open++;
    const turn = this.tail.then(() => withDeadline(store(), LEASE_MS));
    this.tail = turn.catch(() => undefined);
    try {
      await turn;
    } finally {
      this.open--;
    }
  }

  /** Turns asked and not over yet, the one held included: how busy the store step is. */
  pending(): number {
    return this.open;
  }
}

function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`store turn held over ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

interface TurnStub {
  inTurn(store: () => Promise<void>): Promise<void>;
}

/** How long an invocation keeps the turn after a store, for the next one it reads meanwhile. */
export const IDLE_MS = 100;

/**
 * StoreTurns through the hub's store-turn object, for one invocation. Its stores follow each
 * other (a pull reads the next document while one is stored), so the turn is kept between
 * them: one call to the object per burst of stores, not per document — each call is a
 * subrequest. The turn goes back once no store came for IDLE_MS, or at `release()`; with
 * `more` (another document of the invocation is waiting for its turn), not while it says so.
 * The store's value and error stay here (only completion crosses the RPC boundary), so an
 * IngestError keeps its kind.
 */
export function durableStoreTurns(
  namespace: DurableObjectNamespace,
  count?: SubrequestCount,
  more?: () => boolean,
): StoreTurns & { release(): Promise<void> } {
  let turn: { granted: Promise<void>; give: () => void; over: Promise<void> } | null = null;
  let running = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;

  const take = () => {
    const stub = namespace.get(namespace.idFromName('store')) as unknown as TurnStub;
    let give!: () => void;
    const given = new Promise<void>((resolve) => (give = resolve));
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    if (count) count.durableObject++;
    const over = stub.inTurn(async () => {
      grant();
      await given;
    });
    const mine = { granted: Promise.race([granted, over]), give, over };
    // A turn lost (the object's deadline, a broken call) is taken anew by the next store.
    over
      .catch(() => undefined)
      .finally(() => {
        if (turn === mine) turn = null;
      });
    return mine;
  };

  const release = async () => {
    clearTimeout(idle);
    const held = turn;
    turn = null;
    if (!held) return;
    held.give();
    await held.over.catch(() => undefined);
  };

  return {
    async run<T>(store: () => Promise<T>): Promise<T> {
      clearTimeout(idle);
      running++;
      try {
        turn ??= take();
        await turn.granted;
        return await store();
      } finally {
        if (--running === 0 && !more?.()) idle = setTimeout(() => void release(), IDLE_MS);
      }
    },
    release,
  };
}
