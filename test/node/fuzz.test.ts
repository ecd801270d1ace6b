/**
 * A short run of `npm run fuzz` inside the suite: the fixture feeds and calendars, mutated
 * for a few seconds from a fixed seed, each read on a thread within the read budget. No hang,
 * no crash (only results or readable refusals).
 */
import { describe, expect, it } from 'vitest';
import { fuzz } from '../support/fuzz/run.ts';

describe('fuzz (short run)', () => {
  it('reads mutated feeds and calendars without a hang past the budget or a crash', async () => {
    const report = await fuzz({ seconds: 5, seed: 14 });
    expect(report.documents).toBeGreaterThan(5);
    expect(report.read + report.refused).toBe(report.documents);
    expect(report.failures).toEqual([]);
  }, 60_000);
});
