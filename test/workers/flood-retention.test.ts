/**
 * The flood quota and retention on D1: the quota keeps the newest new entries and reports the
 * cut; the retention prune (set-based SQL, no bound lists) deletes old stories with their
 * entries and keys, and old stories are not stored again.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { entries, itemKeys, items } from '../../src/db/schema/index.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { pruneOldStories } from '../../src/ingest/retention.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';

const story = (i: number, published: string) =>
  parsedItem({
    guid: `g-${i}`,
    title: `Annonce ${i} : ${['atelier', 'forum', 'marché', 'chantier'][i % 4]} du réseau`,
    contentHtml: `<p>Texte propre à l’annonce ${i}, long assez pour une empreinte ${'mot '.repeat(i % 9)}.</p>`,
    published: new Date(published),
  });

describe('flood quota and retention in workerd with D1', () => {
  it('keeps the newest new entries up to the quota, and reports the cut', async () => {
    const deps = workerDeps({ ...(env as unknown as Env), HUB_MAX_NEW_PER_PULL: '40' });
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-12-01T00:00:00Z');
    const src = await addSource(deps, 'crue-d1');
    const doc = Array.from({ length: 150 }, (_, i) =>
      story(i, new Date(Date.UTC(2026, 10, 30) - i * 3600_000).toISOString()),
    );
    const result = await storeFeedItems(deps, src, doc);
    expect(result.new).toBe(40);
    expect(result.truncated).toEqual({ kept: 40, total: 150 });
    const stored = await deps.db.orm.select({ guid: entries.guid }).from(entries);
    expect(stored.map((r) => r.guid).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `g-${i}`).sort(),
    );
  });

  it('prunes stories older than N months and does not store them again', async () => {
    const deps = workerDeps({ ...(env as unknown as Env), HUB_RETENTION_MONTHS: '3' });
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-12-01T00:00:00Z');
    const src = await addSource(deps, 'ancien-d1');
    const doc = [
      ...Array.from({ length: 120 }, (_, i) => story(i, '2026-01-15T10:00:00Z')),
      story(500, '2026-11-20T10:00:00Z'),
    ];
    deps.config.retentionMonths = 0;
    await storeFeedItems(deps, src, doc);
    deps.config.retentionMonths = 3;
    const titles = async () => (await deps.db.orm.select().from(items)).map((r) => r.title);
    const before = await titles();
    expect(before.filter((t) => /^Annonce \d+ :/.test(t)).length).toBeGreaterThan(100);
    // The 120 January stories go; November's (this test's and the previous one's) stay.
    expect(await pruneOldStories(deps)).toBe(120);
    const after = await titles();
    expect(after).toContain('Annonce 500 : atelier du réseau');
    expect(after).toHaveLength(before.length - 120);
    const left = await deps.db.orm.select({ guid: entries.guid }).from(entries);
    expect(left.map((e) => e.guid)).toContain('g-500');
    expect(left).toHaveLength(after.length);
    const bands = await deps.db.orm.select().from(itemKeys);
    expect(bands.every((b) => b.publishedAt >= Date.UTC(2026, 8, 1))).toBe(true);
    const again = await storeFeedItems(deps, src, doc);
    expect(again.new).toBe(0);
    expect(await titles()).toHaveLength(after.length);
  });
});
