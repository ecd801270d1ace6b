/**
 * A member publishing a 12,000-item feed: the hub keeps the first 10,000 (the parser's cap),
 * stores them in one pull without starving the other members' fetches, and a re-pull of it
 * costs a 304. Node only: the figure that matters is the embedded SQLite's.
 */
import { describe, expect, inject, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { entries, networks, sources } from '../../src/db/schema/index.ts';
import { pull } from '../../src/ingest/pull.ts';
import { makeNodeDeps } from '../support/node-deps.ts';

describe('a 10,000-item feed in a pull', () => {
  it('is stored (capped at 10,000) while the other members are pulled normally', async () => {
    // The parser's cap is what this test is about: the per-pull flood quota
    // (HUB_MAX_NEW_PER_PULL, default 300, tested in flood-quota.test.ts) is lifted.
    const deps = makeNodeDeps({ HUB_MAX_NEW_PER_PULL: '100000' });
    const base = inject('fixtureBase');
    try {
      const now = Date.now();
      await deps.db.orm.insert(networks).values([
        { slug: 'big', name: 'Big', createdAt: now, updatedAt: now },
        { slug: 'small', name: 'Small', createdAt: now, updatedAt: now },
      ]);
      const bigUrl = `${base}/_pull/big/assemblee/12000`;
      const [big] = await deps.db.orm
        .insert(sources)
        .values({ networkSlug: 'big', kind: 'feed', url: bigUrl, fetchUrl: bigUrl, createdAt: now })
        .returning();
      const smallUrls = Array.from({ length: 6 }, (_, i) => `${base}/_pull/stable/petit-${i}`);
      await deps.db.orm.insert(sources).values(
        smallUrls.map((url) => ({
          networkSlug: 'small',
          kind: 'feed' as const,
          url,
          fetchUrl: url,
          createdAt: now,
        })),
      );

      const started = Date.now();
      const summary = await pull(deps, { trigger: 'test', all: true });
      const seconds = (Date.now() - started) / 1000;
      expect(summary.failed).toBe(0);
      expect(summary.reports.find((r) => r.sourceId === big!.id)).toMatchObject({
        outcome: 'ok',
        new: 10_000,
      });
      expect(
        summary.reports
          .filter((r) => r.networkSlug === 'small')
          .every((r) => r.outcome === 'ok' && r.new === 2),
      ).toBe(true);
      const [{ n }] = (await deps.db.orm
        .select({ n: count() })
        .from(entries)
        .where(eq(entries.sourceId, big!.id))) as [{ n: number }];
      expect(n).toBe(10_000);
      console.log(`10,000-item feed stored in ${seconds.toFixed(1)} s`);

      const again = await pull(deps, { trigger: 'test', network: 'big', all: true });
      expect(again.reports[0]!.error).toBeNull();
      expect(again.reports[0]).toMatchObject({ outcome: 'not_modified' });
    } finally {
      await deps.close();
    }
  }, 120_000);
});
