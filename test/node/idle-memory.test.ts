/**
 * `serve` compacts V8's heap once it falls idle after work (workers/node/idle-memory.ts): once
 * per burst of work, never while the main thread is busy, never again while it stays idle.
 */
import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { releaseMemoryWhenIdle } from '../../workers/node/idle-memory.ts';

const WINDOW_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Keeps the event loop busy for `ms` in small blocking steps (a burst of work). */
async function work(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const stop = Date.now() + 20;
    while (Date.now() < stop) {
      /* busy */
    }
    await sleep(0);
  }
}

describe('releasing memory when serve is idle', () => {
  it('collects once after start-up, not while busy, once more after the next burst', async () => {
    let collections = 0;
    const watch = releaseMemoryWhenIdle(WINDOW_MS, () => collections++);
    try {
      await sleep(WINDOW_MS * 4);
      expect(collections).toBe(1); // start-up counts as work; idle since: once
      await work(WINDOW_MS * 4);
      expect(collections).toBe(1); // busy windows: none
      await sleep(WINDOW_MS * 4);
      expect(collections).toBe(2);
    } finally {
      watch.stop();
    }
  });

  it('the collection gives back the pages a burst of work left behind', async () => {
    const heap = () => getHeapStatistics().total_heap_size;
    // Objects that live long enough to reach the old generation, then are dropped.
    let kept: unknown[][] = [];
    for (let round = 0; round < 20; round++) {
      kept.push(Array.from({ length: 50_000 }, (_, i) => ({ i, s: `item ${round} ${i}` })));
      await sleep(0);
    }
    const grown = heap();
    kept = [];
    const watch = releaseMemoryWhenIdle(WINDOW_MS);
    let after = grown;
    try {
      await sleep(WINDOW_MS * 3);
      after = heap();
    } finally {
      watch.stop();
    }
    expect(kept).toEqual([]);
    expect(after).toBeLessThan(grown - 20 * 1024 * 1024);
  });
});
