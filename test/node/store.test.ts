import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type BetterSqlite3 from 'better-sqlite3';
import { entries, items, texts } from '../../src/db/schema/index.ts';
import { itemWithText, textOfItem } from '../../src/db/texts.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import type { SourceRow } from '../../src/db/schema/sources.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';
import { expectRepullCheckByUniqueIndex } from '../support/repull-check-scenario.ts';

const body = (n: number) =>
  `<p>La coopérative ${n} ouvre un atelier de réparation de vélos chaque samedi matin dans le quartier, avec des bénévoles formés et des outils partagés entre les habitants qui le souhaitent.</p><p>Inscriptions auprès de l'accueil, participation libre et consciente.</p>`;

describe('storeFeedItems (Node, real SQLite)', () => {
  const deps = makeNodeDeps();
  const raw = (deps.db as unknown as { raw: BetterSqlite3.Database }).raw;
  const clock = manualClock('2026-03-10T12:00:00Z');
  deps.clock = clock;
  let a: SourceRow;
  let b: SourceRow;
  afterAll(() => deps.close());
  beforeEach(async () => {
    a ??= await addSource(deps, 'animacoop');
    b ??= await addSource(deps, 'relais-coop');
  });
  const totalChanges = () => (raw.prepare('select total_changes() as n').get() as { n: number }).n;

  it('stores new items, then an unchanged re-pull writes nothing', async () => {
    const doc = [
      parsedItem({
        guid: 'https://animacoop.example/a1',
        url: 'https://animacoop.example/a1',
        title: 'Atelier vélo',
        contentHtml: body(1),
        published: new Date('2026-03-01T10:00:00Z'),
      }),
      parsedItem({ url: 'https://animacoop.example/a2', title: 'Sans guid', contentHtml: body(2) }),
      parsedItem({
        title: 'Ni guid ni lien',
        summary: 'Un texte court',
        published: new Date('2026-03-02T10:00:00Z'),
      }),
    ];
    expect(await storeFeedItems(deps, a, doc)).toEqual({ new: 3, updated: 0, unchanged: 0 });
    const before = totalChanges();
    clock.advance(3_600_000);
    expect(await storeFeedItems(deps, a, doc)).toEqual({ new: 0, updated: 0, unchanged: 3 });
    expect(totalChanges()).toBe(before);
    const rows = await deps.db.orm.select().from(entries).where(eq(entries.sourceId, a.id));
    expect(rows).toHaveLength(3);
    // missing date → first seen
    expect(rows.find((r) => r.title === 'Sans guid')!.publishedAt).toBe(
      new Date('2026-03-10T12:00:00Z').getTime(),
    );
  });

  it('the re-pull check reads a guid through the unique index of its source', async () => {
    await expectRepullCheckByUniqueIndex(deps, a);
  });

  it('clamps future-dated items to first seen', async () => {
    await storeFeedItems(deps, a, [
      parsedItem({
        guid: 'future-item-guid-1',
        title: 'Venu du futur',
        contentHtml: body(3),
        published: new Date('2030-01-01T00:00:00Z'),
      }),
    ]);
    const [row] = await deps.db.orm
      .select()
      .from(entries)
      .where(eq(entries.guid, 'future-item-guid-1'));
    expect(row!.publishedAt).toBe(clock.now().getTime());
  });

  it('updates an edited item in place (same guid, new content), not a duplicate', async () => {
    const guid = 'tag:animacoop.example,2026:edit';
    await storeFeedItems(deps, a, [
      parsedItem({
        guid,
        title: 'Version 1 du billet',
        contentHtml: body(4),
        published: new Date('2026-03-05T10:00:00Z'),
      }),
    ]);
    const [first] = await deps.db.orm.select().from(entries).where(eq(entries.guid, guid));
    clock.advance(60_000);
    const res = await storeFeedItems(deps, a, [
      parsedItem({
        guid,
        title: 'Version 2 du billet',
        contentHtml: body(4) + '<p>Ajout.</p>',
        published: new Date('2026-03-05T10:00:00Z'),
      }),
    ]);
    expect(res).toEqual({ new: 0, updated: 1, unchanged: 0 });
    const rows = await deps.db.orm.select().from(entries).where(eq(entries.guid, guid));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(first!.id);
    const [item] = await deps.db.orm
      .select(itemWithText)
      .from(items)
      .leftJoin(texts, textOfItem)
      .where(eq(items.id, first!.itemId));
    expect(item!.title).toBe('Version 2 du billet');
    expect(item!.contentHtml).toContain('Ajout.');
    expect(item!.updatedAt).toBe(clock.now().getTime());
  });

  it('merges a relay under a tracking URL and a near-duplicate under another URL', async () => {
    const original = parsedItem({
      guid: 'https://animacoop.example/2026/03/repair-cafe',
      url: 'https://animacoop.example/2026/03/repair-cafe',
      title: 'Le Repair Café rouvre ses portes !',
      contentHtml: body(5),
      published: new Date('2026-03-06T08:00:00Z'),
    });
    await storeFeedItems(deps, a, [original]);
    const relayUrl = parsedItem({
      guid: 'relais-coop-9876',
      url: 'http://www.animacoop.example/2026/03/repair-cafe/?utm_source=relais&fbclid=xyz#top',
      title: '[Relais] Le Repair Café rouvre ses portes',
      contentHtml: `<p>Relayé depuis Animacoop</p>${body(5)}`,
      published: new Date('2026-03-07T08:00:00Z'),
    });
    const relayNear = parsedItem({
      guid: 'relais-coop-9877',
      url: 'https://relais-coop.example/actu/repair-cafe',
      title: 'Le Repair Café rouvre ses portes',
      contentHtml: `<p>Relayé depuis Animacoop : </p>${body(5)}`,
      published: new Date('2026-03-07T09:00:00Z'),
    });
    await storeFeedItems(deps, b, [relayUrl]);
    const c = await addSource(deps, 'tiers-lieux');
    await storeFeedItems(deps, c, [relayNear]);
    const rows = await deps.db.orm.select().from(entries).where(eq(entries.title, original.title!));
    const all = await deps.db.orm.select().from(entries);
    const mine = all.filter((r) => r.itemId === rows[0]!.itemId);
    expect(mine.map((r) => r.mergeReason).sort()).toEqual([
      'canonical_url',
      'first',
      'near_duplicate',
    ]);
    const [item] = await deps.db.orm.select().from(items).where(eq(items.id, rows[0]!.itemId));
    expect(item!.publishedAt).toBe(new Date('2026-03-06T08:00:00Z').getTime());
    expect(item!.title).toBe(original.title); // the original wins over the relays
  });

  it('keeps serial titles apart even with the same template text', async () => {
    const tpl = body(6);
    await storeFeedItems(deps, a, [
      parsedItem({
        guid: 'https://animacoop.example/lettre-12',
        url: 'https://animacoop.example/lettre-12',
        title: "Lettre d'information n°12",
        contentHtml: tpl,
        published: new Date('2026-03-01T08:00:00Z'),
      }),
    ]);
    await storeFeedItems(deps, b, [
      parsedItem({
        guid: 'https://relais-coop.example/lettre-13',
        url: 'https://relais-coop.example/lettre-13',
        title: "Lettre d'information n°13",
        contentHtml: tpl,
        published: new Date('2026-03-08T08:00:00Z'),
      }),
    ]);
    const rows = (await deps.db.orm.select().from(entries)).filter((r) =>
      r.title.startsWith("Lettre d'information"),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.itemId).not.toBe(rows[1]!.itemId);
  });

  it('never bridges two episodes of a series through a third entry that resembles both', async () => {
    const tpl = body(7) + body(8);
    const c = await addSource(deps, 'revue-coop');
    await storeFeedItems(deps, a, [
      parsedItem({
        guid: 'https://animacoop.example/lettre-20',
        url: 'https://animacoop.example/lettre-20',
        title: "Lettre d'information n°20",
        contentHtml: tpl,
        published: new Date('2026-03-02T08:00:00Z'),
      }),
    ]);
    await storeFeedItems(deps, c, [
      parsedItem({
        guid: 'https://revue-coop.example/revue',
        url: 'https://revue-coop.example/revue',
        title: 'La revue de la semaine',
        contentHtml: tpl,
        published: new Date('2026-03-03T08:00:00Z'),
      }),
    ]);
    await storeFeedItems(deps, b, [
      parsedItem({
        guid: 'https://relais-coop.example/lettre-21',
        url: 'https://relais-coop.example/lettre-21',
        title: "Lettre d'information n°21",
        contentHtml: tpl,
        published: new Date('2026-03-04T08:00:00Z'),
      }),
    ]);
    const rows = await deps.db.orm.select().from(entries);
    const itemOf = (title: string) => rows.find((r) => r.title === title)!.itemId;
    expect(itemOf('La revue de la semaine')).toBe(itemOf("Lettre d'information n°20"));
    expect(itemOf("Lettre d'information n°21")).not.toBe(itemOf("Lettre d'information n°20"));
  });
});
