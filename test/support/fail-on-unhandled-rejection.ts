import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * Makes the test during which a promise rejection is left unhandled fail, by name. Vitest alone
 * reports such a rejection as an error of the run, beside a test marked passed; a listener that
 * only collects rejections for a last "none left" test misses those of a run filtered with -t.
 * Call once at the top of a test file. Rejections after the file's last test are left to
 * Vitest (the listener is removed in afterAll).
 */
export function failOnUnhandledRejection(): void {
  let seen: unknown[] = [];
  const onUnhandled = (reason: unknown) => void seen.push(reason);
  beforeAll(() => void process.on('unhandledRejection', onUnhandled));
  afterAll(() => void process.off('unhandledRejection', onUnhandled));
  afterEach(async () => {
    // Node reports a rejection unhandled once the microtasks that could handle it have run:
    // one turn of the event loop is enough for those of the test's last step.
    await new Promise((resolve) => setImmediate(resolve));
    const reasons = seen;
    seen = [];
    if (reasons.length > 0)
      throw new AggregateError(reasons, `${reasons.length} promesse(s) rejetée(s) sans gestion`);
  });
}
