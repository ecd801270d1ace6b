import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker, { type Env } from '../../workers/cloudflare.ts';
import { pullCronWarning } from '../../workers/cloudflare/pull-cron-check.ts';

/** The warnings a scheduled invocation logs, with HUB_PULL_CRON as given. */
async function warningsFor(cron: string, pullCron: string | undefined): Promise<string[]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ cron, scheduledTime: Date.now() }) as any,
    { ...(env as unknown as Env), HUB_PULL_CRON: pullCron },
    ctx as any,
  );
  await waitOnExecutionContext(ctx);
  return warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('HUB_PULL_CRON'));
}

describe('HUB_PULL_CRON on Workers (the schedule is [triggers])', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says so when the pull trigger that fired is not HUB_PULL_CRON', async () => {
    const [line] = await warningsFor('*/15 * * * *', '*/30 * * * *');
    expect(JSON.parse(line!)).toMatchObject({ level: 'warn', fired: '*/15 * * * *' });
    expect(line).toContain('has no effect on Workers');
    expect(line).toContain('[triggers]');
  });

  it('stays quiet when they agree, when it is unset, and on the digest trigger', async () => {
    expect(await warningsFor('*/30 * * * *', '*/30  *  * * *')).toEqual([]);
    expect(await warningsFor('*/15 * * * *', undefined)).toEqual([]);
    expect(await warningsFor('5 * * * *', '0 * * * *')).toEqual([]);
  });

  it('compares the fields, not the spacing', () => {
    expect(pullCronWarning(' 0  * * * * ', '0 * * * *')).toBeNull();
    expect(pullCronWarning('', '0 * * * *')).toBeNull();
    expect(pullCronWarning(undefined, '0 * * * *')).toBeNull();
    expect(pullCronWarning('0 8 * * mon', '0 8 * * 1')).toMatch(/"0 8 \* \* mon"/);
  });

  it('wrangler.toml as shipped agrees with itself', async () => {
    // env carries wrangler.toml's [vars]; its first trigger is the pull schedule.
    expect(
      await warningsFor('*/30 * * * *', (env as unknown as Env).HUB_PULL_CRON as string),
    ).toEqual([]);
  });
});
