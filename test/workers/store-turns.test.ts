/**
 * The store-turn Durable Object (workers/cloudflare/store-turns.ts) on workerd: stores of
 * separate invocations never overlap, a turn is kept between one invocation's stores and given
 * back when idle or released, a failed store ends its turn and keeps its error, and waiting
 * costs one call to the object, never a D1 query.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import {
  durableStoreTurns,
  IDLE_MS,
  type StoreTurnObject,
} from '../../workers/cloudflare/store-turns.ts';
import { newSubrequestCount } from '../../workers/cloudflare/subrequests.ts';
import { IngestError } from '../../src/ingest/types.ts';

const namespace = () => (env as unknown as { STORE_TURNS: DurableObjectNamespace }).STORE_TURNS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const storeObject = () =>
  namespace().get(namespace().idFromName('store')) as unknown as Parameters<
    typeof runInDurableObject
  >[0];

/** Turns asked of the hub's object and not over yet (read inside the object). */
const pending = () =>
  runInDurableObject(storeObject(), (object) => (object as unknown as StoreTurnObject).pending());

/** Waits until `n` turns are at the object: an event, not a delay that load can outrun. */
async function untilPending(n: number) {
  while ((await pending()) < n) await sleep(1);
}

/** A store that notes when it ran. */
function timed(log: Array<[string, number, number]>, name: string, ms: number) {
  return async () => {
    const start = Date.now();
    await sleep(ms);
    log.push([name, start, Date.now()]);
    return name;
  };
}

describe('store turns through the Durable Object (workerd)', () => {
  it('stores of three invocations run one at a time, in the order they asked', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const store = (name: string, work: () => Promise<unknown>) => async () => {
      most = Math.max(most, ++running);
      await work();
      log.push(name);
      running--;
      return name;
    };
    let open!: () => void;
    const s0Holds = new Promise<void>((resolve) => (open = resolve));
    const counts = [newSubrequestCount(), newSubrequestCount(), newSubrequestCount()];
    const turns = counts.map((c) => durableStoreTurns(namespace(), c));
    // s0 keeps the turn until s1 and s2 both wait for it. Each invocation asks only once the
    // one before is known to be at the object: calls through separate stubs are not promised
    // to arrive in the order they were sent, so a fixed delay between them races the machine.
    const runs: Promise<string>[] = [];
    for (const [i, t] of turns.entries()) {
      const work = i === 0 ? () => s0Holds : () => sleep(10);
      runs.push(t.run(store(`s${i}`, work)).finally(() => t.release()));
      await untilPending(i + 1);
    }
    open();
    expect(await Promise.all(runs)).toEqual(['s0', 's1', 's2']);
    expect(log).toEqual(['s0', 's1', 's2']);
    expect(most).toBe(1);
    // Waiting is one call to the object each, whatever the wait: nothing polls D1.
    expect(counts).toEqual([
      { fetch: 0, d1: 0, durableObject: 1 },
      { fetch: 0, d1: 0, durableObject: 1 },
      { fetch: 0, d1: 0, durableObject: 1 },
    ]);
    expect(await pending()).toBe(0);
  });

  it('an invocation keeps its turn between its stores and gives it back when idle; the other waits for it', async () => {
    const log: Array<[string, number, number]> = [];
    const count = newSubrequestCount();
    const a = durableStoreTurns(namespace(), count);
    const b = durableStoreTurns(namespace());
    let started!: () => void;
    const a1Started = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const a1Finishes = new Promise<void>((resolve) => (finish = resolve));
    const a1 = a.run(async () => {
      const start = Date.now();
      started();
      await a1Finishes;
      log.push(['a1', start, Date.now()]);
    });
    await a1Started;
    // a holds the turn: b asks and waits; a's second store comes in a's turn, before b's.
    const b1 = b.run(timed(log, 'b1', 10));
    await untilPending(2);
    await a.run(timed(log, 'a2', 10));
    finish();
    await Promise.all([a1, b1]);
    await b.release();
    expect(log.map(([name]) => name)).toEqual(['a2', 'a1', 'b1']);
    // b got the turn only once a had been idle for IDLE_MS, and a asked the object once.
    expect(log[2]![1] - log[1]![2]).toBeGreaterThanOrEqual(IDLE_MS - 5);
    expect(count.durableObject).toBe(1);
  });

  it('while another document of the invocation waits (`more`), the turn is kept past the idle delay', async () => {
    const log: Array<[string, number, number]> = [];
    const count = newSubrequestCount();
    let waiting = true;
    const a = durableStoreTurns(namespace(), count, () => waiting);
    const b = durableStoreTurns(namespace());
    await a.run(timed(log, 'a1', 10));
    const b1 = b.run(timed(log, 'b1', 10));
    await untilPending(2);
    // Reading the next document takes longer than the idle delay: a keeps the turn.
    await sleep(IDLE_MS * 2);
    waiting = false;
    await a.run(timed(log, 'a2', 10));
    await b1;
    await b.release();
    expect(log.map(([name]) => name)).toEqual(['a1', 'a2', 'b1']);
    expect(count.durableObject).toBe(1);
  });

  it('a failed store ends its turn with its own error (kind kept); the next one goes on', async () => {
    const a = durableStoreTurns(namespace());
    const b = durableStoreTurns(namespace());
    const failed = a.run(async () => {
      throw new IngestError('storage_error', 'Enregistrement impossible : disque plein');
    });
    await expect(failed).rejects.toBeInstanceOf(IngestError);
    await expect(failed).rejects.toMatchObject({ kind: 'storage_error' });
    await a.release();
    expect(await b.run(async () => 'stored')).toBe('stored');
    await b.release();
  });
});
