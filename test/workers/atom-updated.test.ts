import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { silentLogger } from '../../src/deps.ts';
import {
  atomDates,
  EXPECTED_SOURCE_UPDATED,
  EXPECTED_UPDATED,
  seedAtomDates,
} from '../support/atom-updated-seed.ts';

describe('Atom <updated> is each story’s own, in workerd with D1', () => {
  beforeAll(() => seedAtomDates({ ...workerDeps(env as unknown as Env), log: silentLogger }));

  it('gives each entry its own update time and each <source> its network’s', async () => {
    const dates = atomDates(await (await SELF.fetch('https://hub.test/feed.atom')).text());
    expect(dates.size).toBe(4);
    for (const [title, d] of dates)
      expect(Date.parse(d.updated), title).toBe(Date.parse(EXPECTED_UPDATED[title]!));
    expect(dates.get('Le seul article de B')!.source).toBe(EXPECTED_SOURCE_UPDATED['dates-b']);
    expect(dates.get('Une horloge en avance')!.source).toBe(EXPECTED_SOURCE_UPDATED['dates-a']);
  });
});
