import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker, { type Env } from '../../workers/cloudflare.ts';
import { cronFiredBetween } from '../../src/cron.ts';
import { firedCases, refusedCrons } from '../support/cron-cases.ts';

/** The same cron cases as on Node (test/unit/cron.test.ts), read by croner inside workerd. */
describe('cron dialect in workerd', () => {
  it('names, shortcuts and a seconds field fire as on Node', () => {
    for (const c of firedCases)
      expect(
        cronFiredBetween(c.expr, Date.parse(c.from), Date.parse(c.to), c.timezone),
        JSON.stringify(c),
      ).toBe(c.fired);
  });

  it('a HUB_DIGEST_CRON the hub cannot read is said on every request', async () => {
    for (const [expr] of refusedCrons) {
      const res = await worker.fetch(
        new Request('https://hub.test/healthz') as any,
        { ...(env as unknown as Env), HUB_DIGEST_CRON: expr },
        { waitUntil() {}, passThroughOnException() {} } as any,
      );
      expect(res.status).toBe(500);
      expect(await res.text()).toContain(
        `Configuration error: HUB_DIGEST_CRON is not a cron expression the hub reads: "${expr}"`,
      );
    }
  });
});
