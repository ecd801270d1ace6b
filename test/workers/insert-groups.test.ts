import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { networks, sources } from '../../src/db/schema/index.ts';
import { insertGroups } from '../../src/db/client.ts';

describe('insertGroups on D1 (100 bound values per statement)', () => {
  it('counts what drizzle binds, defaults included, whatever fields the rows set', async () => {
    const deps = workerDeps(env as unknown as Env);
    const now = Date.now();
    await deps.db.orm
      .insert(networks)
      .values({ slug: 'groups', name: 'Groups', createdAt: now, updatedAt: now });
    const url = (i: number) => `https://groups.example/${i}.xml`;
    // Four fields written, nine bound (status, counters and next fetch have defaults).
    const few = Array.from({ length: 300 }, (_, i) => ({
      networkSlug: 'groups',
      kind: 'feed' as const,
      url: url(i),
      fetchUrl: url(i),
      createdAt: now,
    }));
    // Every column set but the id: eighteen bound.
    const all = Array.from({ length: 300 }, (_, i) => ({
      ...few[i]!,
      url: url(300 + i),
      title: 't',
      status: 'active' as const,
      etag: '"e"',
      lastModified: 'x',
      redirectUrl: null,
      redirectCount: 0,
      lastStatus: 200,
      lastError: null,
      lastErrorKind: null,
      errorCount: 0,
      lastFetchAt: now,
      lastSuccessAt: now,
      nextFetchAt: 0,
    }));
    for (const rows of [few, all, [...few.slice(0, 10), ...all.slice(0, 10)]]) {
      const groups = insertGroups(deps.db, sources, rows);
      for (const g of groups)
        expect(deps.db.orm.insert(sources).values(g).toSQL().params.length).toBeLessThanOrEqual(
          100,
        );
      expect(groups.flat()).toEqual(rows);
    }
    await deps.db.batch(
      [...insertGroups(deps.db, sources, few), ...insertGroups(deps.db, sources, all)].map((g) =>
        deps.db.orm.insert(sources).values(g),
      ),
    );
    const [n] = await deps.db.orm
      .select({ n: sql<number>`count(*)` })
      .from(sources)
      .where(eq(sources.networkSlug, 'groups'));
    expect(n!.n).toBe(600);
  });
});
