import { expect } from 'vitest';

/**
 * Checks that some work grows linearly with its input, by the ratio of its CPU time at two
 * sizes (n and FACTOR·n) rather than a wall-clock bound. A bound in milliseconds is either too
 * tight for a loaded machine (CI on 2 busy cores) or too loose to see a parser go quadratic;
 * the ratio is measured on the same machine at the same moment, so the machine's speed
 * cancels out, and CPU time does not count the time the process waited for a core.
 * Linear work gives a ratio near FACTOR (8); quadratic work gives FACTOR² (64); the limit
 * (2.5 × FACTOR) leaves room for the garbage collector and caches on the larger input.
 * Each size keeps its fastest run (noise only ever adds time); the larger size is run again
 * only when its first run is just over the limit.
 */
export const FACTOR = 8;
const LIMIT = 2.5 * FACTOR;

export async function expectLinearWork(
  label: string,
  run: (scale: number) => unknown,
  tries = 3,
): Promise<void> {
  let small = Number.POSITIVE_INFINITY;
  // The first run also warms the code up (JIT): the fastest of three is the one kept.
  for (let i = 0; i < 3; i++) small = Math.min(small, await cpuMicros(() => run(1)));
  let large = await cpuMicros(() => run(FACTOR));
  // Run again only just over the limit: a quadratic ratio (~FACTOR²) is not noise, and each
  // of its runs is long.
  for (let i = 1; i < tries && large / small >= LIMIT && large / small < 2 * LIMIT; i++)
    large = Math.min(large, await cpuMicros(() => run(FACTOR)));
  expect(
    large / small,
    `${label}: CPU time ×${(large / small).toFixed(1)} for an input ×${FACTOR} ` +
      `(${(small / 1000).toFixed(1)} ms → ${(large / 1000).toFixed(1)} ms)`,
  ).toBeLessThan(LIMIT);
}

/**
 * CPU time (user + system, all threads of the process) of one call of `run`, in microseconds:
 * calls are repeated until they add up to 20 ms, so that a fast run is not measured at the
 * resolution of the clock.
 */
async function cpuMicros(run: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  let calls = 0;
  let used = 0;
  do {
    await run();
    calls++;
    const spent = process.cpuUsage(before);
    used = spent.user + spent.system;
  } while (used < 20_000);
  return used / calls;
}
