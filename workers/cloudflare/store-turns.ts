/**
 * The store step's turn on Workers: one Durable Object per hub (`idFromName('store')`) through
 * which every queue consumer's store step goes, one after the other.
 *
 * Dedup reads what is stored, decides, then writes: two consumers storing at once would each
 * decide "new story" for a story both relay. A Durable Object is single-threaded and every
 * invocation reaches the same instance, so it orders the stores without a lease row and
 * without polling D1 while waiting: the consumer hands its store step over as an RPC callback;
 * the object runs the callbacks one at a time (each runs back in its consumer, with that
 * invocation's D1 binding) and answers when its callback is done. A consumer that dies
 * mid-store breaks its call, which ends its turn; one that hangs loses it after LEASE_MS.
 */
import { DurableObject } from 'cloudflare:workers';
import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import type { StoreTurns } from '../../src/deps.ts';
import { LEASE_MS } from '../../src/ingest/store-lease.ts';
import type { SubrequestCount } from './subrequests.ts';

/** The object's class (wrangler.toml: durable_objects binding STORE_TURNS, sqlite migration). */
export class StoreTurnObject extends DurableObject {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `store` once every store handed over before it is done; resolves when it is. */
  async inTurn(store: () => Promise<void>): Promise<void> {
    const turn = this.tail.then(() => withDeadline(store(), LEASE_MS));
    this.tail = turn.catch(() => undefined);
    await turn;
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

/**
 * StoreTurns through the hub's store-turn object. The store's value and error stay in the
 * consumer (only completion crosses the RPC boundary), so an IngestError keeps its kind.
 */
export function durableStoreTurns(
  namespace: DurableObjectNamespace,
  count?: SubrequestCount,
): StoreTurns {
  return {
    async run<T>(store: () => Promise<T>): Promise<T> {
      const stub = namespace.get(namespace.idFromName('store')) as unknown as TurnStub;
      const held: { outcome?: { ok: true; value: T } | { ok: false; error: unknown } } = {};
      if (count) count.durableObject++;
      await stub.inTurn(async () => {
        try {
          held.outcome = { ok: true, value: await store() };
        } catch (error) {
          held.outcome = { ok: false, error };
        }
      });
      const done = held.outcome;
      if (!done) throw new Error('the store turn ended before the store ran');
      if (!done.ok) throw done.error;
      return done.value;
    },
  };
}
