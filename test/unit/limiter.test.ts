/**
 * runLimited (src/ingest/limiter.ts): bounded concurrency overall and per key, order kept where
 * the limits allow, each task's key computed once.
 */
import { describe, expect, it } from 'vitest';
import { runLimited } from '../../src/ingest/limiter.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runLimited', () => {
  for (const [concurrency, perKey] of [
    [1, 1],
    [3, 1],
    [8, 2],
    [4, 10],
  ] as const)
    it(`keeps to ${concurrency} at once and ${perKey} per key, every task run once`, async () => {
      // Keys clustered at the start (one busy host), then spread, as a federation's sources are.
      const tasks = Array.from({ length: 60 }, (_, i) => ({ i, key: i < 15 ? 'a' : `h${i % 7}` }));
      const keyCalls = new Map<number, number>();
      let running = 0;
      let most = 0;
      const perKeyNow = new Map<string, number>();
      const started: number[] = [];
      await runLimited(
        tasks,
        (t) => {
          keyCalls.set(t.i, (keyCalls.get(t.i) ?? 0) + 1);
          return t.key;
        },
        { concurrency, perKey },
        async (t) => {
          started.push(t.i);
          running++;
          most = Math.max(most, running);
          perKeyNow.set(t.key, (perKeyNow.get(t.key) ?? 0) + 1);
          expect(perKeyNow.get(t.key)).toBeLessThanOrEqual(perKey);
          await tick();
          perKeyNow.set(t.key, perKeyNow.get(t.key)! - 1);
          running--;
        },
      );
      expect(most).toBeLessThanOrEqual(concurrency);
      expect([...started].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.i));
      expect([...keyCalls.values()].every((n) => n === 1)).toBe(true);
      if (concurrency === 1) expect(started).toEqual(tasks.map((t) => t.i));
    });
});
