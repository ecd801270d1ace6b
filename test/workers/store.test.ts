import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { entries, items } from '../../src/db/schema/index.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { itemProvenance } from '../../src/news/stories.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';
import { expectRepullCheckByUniqueIndex } from '../support/repull-check-scenario.ts';

const text = (n: number) =>
  `<p>Le réseau ${n} organise une journée portes ouvertes dans ses ateliers partagés : menuiserie, couture, réparation d'appareils électroménagers et initiation à la soudure, avec un repas partagé à midi.</p>`;

describe('storeFeedItems in workerd with D1', () => {
  it('stores, skips unchanged re-pulls, updates edits, merges relays with provenance, honours splits', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-05-10T12:00:00Z');
    const a = await addSource(deps, 'ateliers-coop');
    const b = await addSource(deps, 'relais-ouest');

    // Enough items to need several chunked inserts and IN lists (D1: 100 bound parameters).
    const doc = Array.from({ length: 120 }, (_, i) =>
      parsedItem({
        guid: `https://ateliers-coop.example/p/${i}`,
        url: `https://ateliers-coop.example/p/${i}`,
        title: `Billet ${i} : les ateliers partagés`,
        contentHtml: text(i),
        published: new Date(Date.UTC(2026, 4, 1, 0, i)),
      }),
    );
    expect(await storeFeedItems(deps, a, doc)).toEqual({ new: 120, updated: 0, unchanged: 0 });
    const before = await deps.db.orm
      .select({ id: items.id, updatedAt: items.updatedAt })
      .from(items);
    expect(await storeFeedItems(deps, a, doc)).toEqual({ new: 0, updated: 0, unchanged: 120 });
    const after = await deps.db.orm
      .select({ id: items.id, updatedAt: items.updatedAt })
      .from(items);
    expect(after).toEqual(before);

    const edited = [{ ...doc[0]!, title: 'Billet 0 : les ateliers partagés (mis à jour)' }];
    expect(await storeFeedItems(deps, a, edited)).toEqual({ new: 0, updated: 1, unchanged: 0 });
    expect(
      (await deps.db.orm.select().from(entries).where(eq(entries.guid, doc[0]!.guid!))).length,
    ).toBe(1);

    const relays = [
      parsedItem({
        guid: 'relais-ouest-1',
        url: `http://www.ateliers-coop.example/p/5/?utm_source=newsletter#haut`,
        title: '[Relais] Billet 5 : les ateliers partagés',
        contentHtml: text(5),
        published: new Date('2026-05-02T00:00:00Z'),
      }),
      parsedItem({
        guid: 'relais-ouest-2',
        url: 'https://relais-ouest.example/actu/billet-7',
        title: 'Billet 7 : les ateliers partagés !',
        contentHtml: `<p>Relayé depuis Ateliers Coop</p>${text(7)}`,
        published: new Date('2026-05-02T00:00:00Z'),
      }),
      parsedItem({
        guid: 'relais-ouest-3',
        url: 'https://relais-ouest.example/actu/billet-8',
        title: 'Billet 121 : les ateliers partagés',
        contentHtml: text(8),
        published: new Date('2026-05-02T00:00:00Z'),
      }),
    ];
    expect(await storeFeedItems(deps, b, relays)).toEqual({ new: 3, updated: 0, unchanged: 0 });
    const relayRows = await deps.db.orm.select().from(entries).where(eq(entries.sourceId, b.id));
    const reasons = Object.fromEntries(relayRows.map((r) => [r.guid, r.mergeReason]));
    expect(reasons).toEqual({
      'relais-ouest-1': 'canonical_url',
      'relais-ouest-2': 'near_duplicate',
      'relais-ouest-3': 'first',
    });
    const merged = relayRows.find((r) => r.guid === 'relais-ouest-2')!;
    const prov = (await itemProvenance(deps, [merged.itemId])).get(merged.itemId)!;
    expect(prov.networks).toEqual(['ateliers-coop', 'relais-ouest']);
    expect(prov.links).toEqual([
      'https://ateliers-coop.example/p/7',
      'https://relais-ouest.example/actu/billet-7',
    ]);

    const res = await SELF.fetch(`https://hub.test/api/admin/entries/${merged.id}/split`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token' },
    });
    expect(res.status).toBe(200);
    const { to_item_id } = (await res.json()) as { to_item_id: string };
    await storeFeedItems(deps, b, [
      { ...relays[1]!, contentHtml: `${relays[1]!.contentHtml}<p>Complément.</p>` },
    ]);
    const [moved] = await deps.db.orm.select().from(entries).where(eq(entries.id, merged.id));
    expect(moved!.itemId).toBe(to_item_id);
  });

  it('the re-pull check reads a guid through the unique index of its source', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    deps.clock = manualClock('2026-05-10T12:00:00Z');
    const a = await addSource(deps, 'verif-guid');
    await expectRepullCheckByUniqueIndex(deps, a);
  });
});
