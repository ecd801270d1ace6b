/**
 * The heap sizes bin/intercoop.js passes to Node (--max-semi-space-size, --max-old-space-size)
 * are V8 flags, and V8 lets a flag win over a thread's own `resourceLimits`: every thread would
 * get the main thread's young generation and old-space limit, not the smaller ones it asks for.
 * The main thread's heap is sized when it starts; clearing the flags afterwards leaves it as it
 * is and lets the threads started from then on follow their limits.
 */
import v8 from 'node:v8';

let cleared = false;

export function threadsFollowTheirOwnHeapLimits(): void {
  if (cleared) return;
  cleared = true;
  // 0 is V8's "not set": the heap is sized from the isolate's constraints.
  v8.setFlagsFromString('--max-semi-space-size=0');
  v8.setFlagsFromString('--max-old-space-size=0');
}
