/**
 * Lets the event loop breathe inside long synchronous work (storing a feed's items): on Node
 * the HTTP server shares the thread with pulls, and without these pauses a page request waited
 * behind whole documents being hashed and fingerprinted (p99 0.6 s during a pull).
 * setImmediate where the runtime has it (Node, Workers with nodejs_compat), else a 0 ms timer.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** Items handled between two pauses: a few milliseconds of work. */
export const ITEMS_PER_SLICE = 8;
