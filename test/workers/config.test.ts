import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker, { type Env } from '../../workers/cloudflare.ts';

/** A Worker has no start-up: a bad setting must be said plainly, not as a bare 500. */
describe('Workers: settings checked on every invocation', () => {
  const call = (extra: Record<string, string>) =>
    worker.fetch(
      new Request('https://hub.test/healthz') as any,
      { ...(env as unknown as Env), ...extra },
      { waitUntil() {}, passThroughOnException() {} } as any,
    );

  it('a mail API key without HUB_MAIL_FROM answers 500 with the reason', async () => {
    const res = await call({ HUB_MAIL_API_KEY: 're_123' });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^Configuration error: HUB_MAIL_FROM is required/);
    const ok = await call({ HUB_MAIL_API_KEY: 're_123', HUB_MAIL_FROM: 'lettre@hub.test' });
    expect(ok.status).toBe(200);
  });
});
