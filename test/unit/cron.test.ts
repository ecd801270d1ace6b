import { describe, expect, it } from 'vitest';
import { checkCronSetting, CronError, cronFiredBetween, parseCron } from '../../src/cron.ts';
import { loadConfig } from '../../src/env.ts';
import { firedCases, refusedCrons } from '../support/cron-cases.ts';

const at = (iso: string) => new Date(iso).getTime();

describe('digest cron in the hub time zone', () => {
  it('Monday 08:00 Paris is 07:00 UTC in winter and 06:00 UTC in summer', () => {
    expect(
      cronFiredBetween(
        '0 8 * * 1',
        at('2026-11-16T06:00:00Z'),
        at('2026-11-16T07:00:00Z'),
        'Europe/Paris',
      ),
    ).toBe(true);
    expect(
      cronFiredBetween(
        '0 8 * * 1',
        at('2026-11-16T05:00:00Z'),
        at('2026-11-16T06:00:00Z'),
        'Europe/Paris',
      ),
    ).toBe(false);
    expect(
      cronFiredBetween(
        '0 8 * * 1',
        at('2026-06-15T05:00:00Z'),
        at('2026-06-15T06:00:00Z'),
        'Europe/Paris',
      ),
    ).toBe(true);
    expect(
      cronFiredBetween(
        '0 8 * * 1',
        at('2026-06-16T05:00:00Z'),
        at('2026-06-16T06:00:00Z'),
        'Europe/Paris',
      ),
    ).toBe(false); // Tuesday
  });
  it('steps, ranges, lists, Sunday as 7, and the window is (from, to]', () => {
    expect(
      cronFiredBetween(
        '*/15 9-17 * * 1-5',
        at('2026-11-16T09:10:00Z'),
        at('2026-11-16T09:15:00Z'),
        'UTC',
      ),
    ).toBe(true);
    expect(
      cronFiredBetween(
        '*/15 9-17 * * 1-5',
        at('2026-11-16T08:10:00Z'),
        at('2026-11-16T08:59:00Z'),
        'UTC',
      ),
    ).toBe(false);
    expect(
      cronFiredBetween('30 6 * * 7', at('2026-11-22T06:29:00Z'), at('2026-11-22T06:30:00Z'), 'UTC'),
    ).toBe(true);
    expect(
      cronFiredBetween('30 6 * * 7', at('2026-11-22T06:30:00Z'), at('2026-11-22T07:30:00Z'), 'UTC'),
    ).toBe(false);
    expect(
      cronFiredBetween(
        '0 8 1,15 * *',
        at('2026-12-15T07:30:00Z'),
        at('2026-12-15T08:00:00Z'),
        'UTC',
      ),
    ).toBe(true);
    expect(
      cronFiredBetween(
        '0 20 * * *',
        at('2026-11-16T08:30:00Z'),
        at('2026-11-16T09:30:00Z'),
        'Indian/Reunion',
      ),
    ).toBe(false);
    expect(
      cronFiredBetween(
        '0 13 * * *',
        at('2026-11-16T08:30:00Z'),
        at('2026-11-16T09:30:00Z'),
        'Indian/Reunion',
      ),
    ).toBe(true);
  });
  it('rejects malformed expressions', () => {
    expect(() => parseCron('0 8 * *')).toThrow(CronError);
    expect(() => parseCron('61 8 * * *')).toThrow(CronError);
    expect(() => parseCron('a b c d e')).toThrow(CronError);
  });
  it('names, shortcuts and a seconds field read alike on both runtimes (same cases in workerd)', () => {
    for (const c of firedCases)
      expect(cronFiredBetween(c.expr, at(c.from), at(c.to), c.timezone), JSON.stringify(c)).toBe(
        c.fired,
      );
  });
  it('HUB_DIGEST_CRON and HUB_PULL_CRON are checked at start-up with a clear message', () => {
    for (const [expr, reason] of refusedCrons) {
      expect(() => checkCronSetting('HUB_DIGEST_CRON', expr)).toThrow(reason);
      expect(() => loadConfig({ HUB_DIGEST_CRON: expr })).toThrow(
        new RegExp(`^HUB_DIGEST_CRON is not a cron expression the hub reads: "${literal(expr)}"`),
      );
      expect(() => loadConfig({ HUB_PULL_CRON: expr })).toThrow(/^HUB_PULL_CRON is not a cron/);
    }
    for (const expr of ['0 8 * * mon', '@weekly', '0 0 8 * * 1'])
      expect(loadConfig({ HUB_DIGEST_CRON: expr }).digestCron).toBe(expr);
  });
});

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
