import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { runNewsDedupScenarios } from '../support/news-dedup-scenarios.ts';

describe('news dedup in workerd with D1', () => {
  it('merges a story posted twice by one network and excerpt relays (both orders), keeps near-misses apart, records why in words', async () => {
    await runNewsDedupScenarios(workerDeps(env as unknown as Env));
  });
});
