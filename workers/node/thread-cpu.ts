/**
 * CPU time of the calling thread, for figures benchmarks arm (sqlite.ts's batchFigures,
 * group-commit.ts's commitFigures). Linux's
 * /proc gives it per thread; elsewhere 0, and the figures stay at 0.
 */
import { readFileSync } from 'node:fs';

/** The calling thread's CPU time so far (user + system), ms; 0 where /proc has none. */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
  } catch {
    return 0;
  }
}
