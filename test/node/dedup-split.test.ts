import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import { entries, items } from '../../src/db/schema/index.ts';
import { itemProvenance } from '../../src/news/stories.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { itemsCommand } from '../../workers/node/items-cli.ts';
import { splitEntry } from '../../src/ingest/dedupe/split.ts';
import { indexKeyNumbers } from '../../src/ingest/dedupe/fingerprint.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import {
  addSource,
  holdStoreLease,
  manualClock,
  parsedItem,
  storeLeaseRows,
} from '../support/store-fixtures.ts';

const text = `<p>Les coopératives d'habitants du territoire se réunissent pour un forum ouvert consacré au logement abordable, aux baux solidaires et aux montages juridiques qui permettent de sortir le foncier de la spéculation.</p>`;

describe('provenance, explanation and split (Node, real SQLite)', () => {
  const deps = makeNodeDeps({ HUB_ADMIN_TOKEN: 'secret-token' });
  deps.clock = manualClock('2026-04-10T12:00:00Z');
  afterAll(() => deps.close());
  const auth = { authorization: 'Bearer secret-token' };

  it('exposes networks and links of a merged story, explains and splits it; the split survives re-pulls', async () => {
    const a = await addSource(deps, 'habitat-coop');
    const b = await addSource(deps, 'relais-ess');
    const original = [
      parsedItem({
        guid: 'https://habitat-coop.example/forum',
        url: 'https://habitat-coop.example/forum',
        title: 'Forum « Habiter autrement »',
        contentHtml: text,
        published: new Date('2026-04-01T09:00:00Z'),
      }),
    ];
    const relay = [
      parsedItem({
        guid: 'relais-ess-forum-habiter',
        url: 'https://habitat-coop.example/forum/?utm_medium=email&mc_cid=abc',
        title: '[Relais] Forum "Habiter autrement"',
        contentHtml: `<p>Relayé depuis Habitat Coop</p>${text}`,
        published: new Date('2026-04-02T09:00:00Z'),
      }),
    ];
    await storeFeedItems(deps, a, original);
    await storeFeedItems(deps, b, relay);
    const rows = await deps.db.orm.select().from(entries);
    expect(new Set(rows.map((r) => r.itemId)).size).toBe(1);
    const itemId = rows[0]!.itemId;
    const prov = (await itemProvenance(deps, [itemId])).get(itemId)!;
    expect(prov.networks).toEqual(['habitat-coop', 'relais-ess']);
    expect(prov.links).toEqual(['https://habitat-coop.example/forum']);

    const lines: string[] = [];
    expect(await itemsCommand(deps, ['show', itemId], 'fr', (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain(
      'canonical_url — même URL canonique — same canonical URL https://habitat-coop.example/forum',
    );

    const relayEntry = rows.find((r) => r.sourceId === b.id)!;
    const app = createApp(deps);
    const shownApi = await app.request(`/api/admin/items/${itemId}`, { headers: auth });
    expect(shownApi.status).toBe(200);
    const explained = (await shownApi.json()) as {
      entries: Array<{ id: number; mergeReason: string }>;
    };
    expect(explained.entries.map((e) => e.mergeReason)).toEqual(['first', 'canonical_url']);
    expect((await app.request('/api/admin/items/nope', { headers: auth })).status).toBe(404);
    expect(
      (await app.request(`/api/admin/entries/${relayEntry.id}/split`, { method: 'POST' })).status,
    ).toBe(401);
    expect(
      (await app.request(`/api/admin/entries/abc/split`, { method: 'POST', headers: auth })).status,
    ).toBe(400);
    expect(
      (await app.request(`/api/admin/entries/999999/split`, { method: 'POST', headers: auth }))
        .status,
    ).toBe(404);
    const res = await app.request(`/api/admin/entries/${relayEntry.id}/split`, {
      method: 'POST',
      headers: auth,
    });
    expect(res.status).toBe(200);
    const split = (await res.json()) as { from_item_id: string; to_item_id: string };
    expect(split.from_item_id).toBe(itemId);
    // A second split of the now lonely entry is refused clearly.
    expect(
      (
        await app.request(`/api/admin/entries/${relayEntry.id}/split`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
    ).toBe(409);

    // Re-pull unchanged, then edited, then under a regenerated guid: still apart.
    await storeFeedItems(deps, b, relay);
    await storeFeedItems(deps, b, [
      { ...relay[0]!, contentHtml: `${relay[0]!.contentHtml}<p>Mise à jour.</p>` },
    ]);
    await storeFeedItems(deps, b, [{ ...relay[0]!, guid: 'relais-ess-forum-habiter-v2' }]);
    await storeFeedItems(deps, a, original);
    const after = await deps.db.orm.select().from(entries);
    const bItems = new Set(after.filter((r) => r.sourceId === b.id).map((r) => r.itemId));
    expect(bItems).toEqual(new Set([split.to_item_id]));
    expect(after.filter((r) => r.itemId === itemId).map((r) => r.sourceId)).toEqual([a.id]);
    const [moved] = await deps.db.orm.select().from(entries).where(eq(entries.id, relayEntry.id));
    expect(moved!.mergeReason).toBe('manual');
    const [left] = await deps.db.orm.select().from(items).where(eq(items.id, itemId));
    expect(left!.title).toBe('Forum « Habiter autrement »');

    const shown: string[] = [];
    await itemsCommand(deps, ['show', split.to_item_id], 'fr', (l) => shown.push(l));
    expect(shown.join('\n')).toMatch(/séparation #\d+ : .*gardée à part aux relèves suivantes/);
    expect(
      await itemsCommand(
        deps,
        ['split', 'x'],
        'fr',
        () => {},
        () => {},
      ),
    ).toBe(2);
  });

  it("a split of a story's first entry leaves the story every index key it had", async () => {
    const a = await addSource(deps, 'habitat-coop-2');
    const b = await addSource(deps, 'relais-ess-2');
    // A story of its own (not the first test's text): its index rows point at its first entry.
    const own =
      '<p>Une épicerie associative ouvre ses portes dans le quartier de la gare, avec des ' +
      'produits locaux vendus à prix coûtant aux adhérents et un atelier cuisine le jeudi.</p>';
    const story = (guid: string, url: string, html: string) =>
      parsedItem({
        guid,
        url,
        title: 'Forum « Habiter ensemble »',
        contentHtml: html,
        published: new Date('2026-04-03T09:00:00Z'),
      });
    await storeFeedItems(deps, a, [
      story('https://habitat-coop.example/ensemble', 'https://habitat-coop.example/ensemble', own),
    ]);
    await storeFeedItems(deps, b, [
      story(
        'relais-ess-ensemble',
        'https://habitat-coop.example/ensemble?utm_source=lettre',
        `<p>Relayé depuis Habitat Coop</p>${own}`,
      ),
    ]);
    const [first, relay] = await deps.db.orm
      .select()
      .from(entries)
      .where(eq(entries.title, 'Forum « Habiter ensemble »'))
      .orderBy(entries.id);
    expect(relay!.itemId).toBe(first!.itemId);
    // The keys a lookup finds a story by: index rows through the entry they point at.
    const keysOf = async (itemId: string) =>
      (
        await deps.db.rows(
          `select distinct k.key from item_keys k join entries e on e.id = k.entry_id
           where e.item_id = ? order by k.key`,
          [itemId],
        )
      ).map((r) => r[0]);
    const before = await keysOf(first!.itemId);
    expect(before.length).toBeGreaterThan(0);
    const split = await splitEntry(deps, first!.id);
    expect(await keysOf(first!.itemId)).toEqual(before);
    expect(await keysOf(split.toItemId)).toEqual(
      [...new Set(indexKeyNumbers(first!))].sort((x, y) => x - y),
    );
  });

  it('a split waits while another process holds the store lease, then goes through', async () => {
    const a = await addSource(deps, 'lease-origine');
    const b = await addSource(deps, 'lease-relais');
    const body = `<p>Un atelier ouvert sur la rénovation énergétique des copropriétés, les aides disponibles et les artisans du territoire, avec des témoignages de syndics bénévoles.</p>`;
    await storeFeedItems(deps, a, [
      parsedItem({
        guid: 'https://origine.example/atelier',
        url: 'https://origine.example/atelier',
        title: 'Atelier rénovation',
        contentHtml: body,
      }),
    ]);
    await storeFeedItems(deps, b, [
      parsedItem({
        guid: 'relais-atelier',
        url: 'https://origine.example/atelier?utm_source=x',
        title: '[Relais] Atelier rénovation',
        contentHtml: body,
      }),
    ]);
    const relayEntry = (
      await deps.db.orm.select().from(entries).where(eq(entries.sourceId, b.id))
    )[0]!;
    const expires = Date.now() + 400;
    await holdStoreLease(deps, expires, 'other-process');
    const lines: string[] = [];
    expect(
      await itemsCommand(deps, ['split', String(relayEntry.id)], 'fr', (l) => lines.push(l)),
    ).toBe(0);
    expect(Date.now()).toBeGreaterThanOrEqual(expires);
    const [moved] = await deps.db.orm.select().from(entries).where(eq(entries.id, relayEntry.id));
    expect(moved!.itemId).not.toBe(relayEntry.itemId);
    expect(await storeLeaseRows(deps)).toEqual([]);
  });
});
