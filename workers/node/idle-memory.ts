/**
 * `serve` gives memory back when it falls idle. A pull (or start-up) leaves V8's heap sized for
 * the work: a full young generation (16 MB) and old-generation pages kept for the next burst.
 * V8 collects an idle heap by itself (its memory reducer), but late and not always: bench:idle
 * found the same process at 124 or 151 MB 40 s after a pull, depending on whether it had run.
 * Here, once the main thread has been almost idle for a whole window after a window of work,
 * one full collection brings the heap back to what is alive and gives the emptied pages back.
 * It costs tens of milliseconds, once per burst of work, when nothing else is waiting.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long the main thread must stay quiet before the heap is compacted. */
export const IDLE_WINDOW_MS = 15_000;
/** Share of a window the event loop may be busy and still count as idle (serving a page or two). */
const IDLE_UTILIZATION = 0.01;

/**
 * V8's full collection, without starting the process with --expose-gc (which would put a `gc`
 * global in every module's reach): the flag set now exposes it to contexts created after.
 * Called without options: Node 20's V8 then collects at once, and at rest (a low allocation
 * rate) the collection also shrinks the young generation; given options, it did not
 * (bench:idle, test/node/idle-memory.test.ts).
 */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}

export interface IdleMemory {
  stop(): void;
}

/**
 * Starts watching the main thread; the timer never keeps the process alive. `collect` is V8's
 * (tests count the calls with one of their own).
 */
export function releaseMemoryWhenIdle(
  windowMs = IDLE_WINDOW_MS,
  collect: () => void = fullCollection(),
): IdleMemory {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  // Start-up itself is a burst of work (modules, migrations, the federation file).
  let worked = true;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (busy > IDLE_UTILIZATION) {
      worked = true;
      return;
    }
    if (!worked) return;
    worked = false;
    collect();
    // Its own work must not count as the next window's activity.
    last = performance.eventLoopUtilization();
  }, windowMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
