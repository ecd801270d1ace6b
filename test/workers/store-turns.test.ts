/**
 * The store-turn Durable Object (workers/cloudflare/store-turns.ts) on workerd: stores of
 * separate invocations never overlap, a turn is kept between one invocation's stores and given
 * back when idle or released, a failed store ends its turn and keeps its error, and waiting
 * costs one call to the object, never a D1 query.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import { durableStoreTurns, IDLE_MS } from '../../workers/cloudflare/store-turns.ts';
import { newSubrequestCount } from '../../workers/cloudflare/subrequests.ts';
import { IngestError } from '../../src/ingest/types.ts';

const namespace = () => (env as unknown as { STORE_TURNS: DurableObjectNamespace }).STORE_TURNS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    const log: Array<[string, number, number]> = [];
    const counts = [newSubrequestCount(), newSubrequestCount(), newSubrequestCount()];
    const turns = counts.map((c) => durableStoreTurns(namespace(), c));
    const done = Promise.all(
      turns.map(async (t, i) => {
        await sleep(i * 20);
        const value = await t.run(timed(log, `s${i}`, 150));
        await t.release();
        return value;
      }),
    );
    expect(await done).toEqual(['s0', 's1', 's2']);
    expect(log.map(([name]) => name)).toEqual(['s0', 's1', 's2']);
    for (let i = 1; i < log.length; i++) expect(log[i]![1]).toBeGreaterThanOrEqual(log[i - 1]![2]);
    // Waiting is one call to the object each, whatever the wait: nothing polls D1.
    expect(counts).toEqual([
      { fetch: 0, d1: 0, durableObject: 1 },
      { fetch: 0, d1: 0, durableObject: 1 },
      { fetch: 0, d1: 0, durableObject: 1 },
    ]);
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
    await sleep(20);
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
