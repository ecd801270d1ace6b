import { networks, sources } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { parsedItem } from './store-fixtures.ts';

/**
 * A small federation for the publish tests: three networks (tags, territories), a story relayed
 * by two of them (one item, two networks, two links), tricky text (&, <, ]]>, control chars),
 * enclosures, and `extra` filler stories for paging. Stored through the real store (dedup on).
 */
export async function seedFederation(deps: Deps, extra = 0): Promise<void> {
  await writeHubSettings(deps.db, {
    title: 'Intercoop',
    baseUrl: 'https://hub.example.org',
    language: 'fr',
    timezone: 'Europe/Paris',
  });
  const t = Date.parse('2026-11-20T10:00:00Z');
  const nets = [
    {
      slug: 'animacoop',
      name: 'Animacoop',
      site: 'https://animacoop.example/',
      territory: 'Occitanie',
      tags: ['formation', 'Coopération'],
    },
    {
      slug: 'tiers-lieux',
      name: 'Tiers-Lieux & Cie',
      site: 'https://tiers.example/',
      territory: 'Bretagne',
      tags: ['tiers-lieux'],
    },
    {
      slug: 'scop-ouest',
      name: 'SCOP Ouest',
      site: 'https://scop.example/',
      territory: 'Bretagne',
      tags: ['emploi'],
    },
  ];
  for (const n of nets) {
    await deps.db.orm
      .insert(networks)
      .values({ ...n, description: `Le réseau ${n.name}`, createdAt: t, updatedAt: t })
      .onConflictDoNothing();
  }
  const src = async (slug: string, extraFields: Partial<typeof sources.$inferInsert> = {}) => {
    const url = `https://${slug}.example/feed.xml`;
    const [row] = await deps.db.orm
      .insert(sources)
      .values({ networkSlug: slug, kind: 'feed', url, fetchUrl: url, createdAt: t, ...extraFields })
      .returning();
    return row!;
  };
  const a = await src('animacoop', {
    lastSuccessAt: t - 2 * 3600_000,
    lastFetchAt: t - 2 * 3600_000,
    lastStatus: 200,
  });
  const b = await src('tiers-lieux', {
    lastStatus: 404,
    lastError: 'HTTP 404',
    lastErrorKind: 'http_error',
    errorCount: 3,
    lastFetchAt: t - 600_000,
    lastSuccessAt: t - 86400_000 * 3,
  });
  const c = await src('scop-ouest', {
    status: 'retired',
    lastStatus: 410,
    lastFetchAt: t - 86400_000,
  });
  const shared = {
    title: 'Rencontre régionale des coopératives',
    contentHtml:
      '<p>Une journée pour se rencontrer, échanger et construire ensemble des projets coopératifs sur le territoire.</p>',
    summary: 'Une journée pour se rencontrer, échanger et construire ensemble.',
    published: new Date(t - 3600_000),
  };
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'a-1',
      url: 'https://animacoop.example/rencontre',
      ...shared,
      categories: ['Événement'],
      author: 'Camille',
    }),
    parsedItem({
      guid: 'a-2',
      url: 'https://animacoop.example/podcast?x=1&y=2',
      title: 'Podcast : AT&T <b>pas</b> du HTML ]]> fin',
      summary: 'Résumé avec & et < et \u0001 contrôle',
      contentHtml:
        '<p>Contenu avec ]]&gt; et un <a href="https://animacoop.example/?a=1&amp;b=2">lien</a></p>',
      published: new Date(t - 7200_000),
      categories: ['audio', 'formation'],
      enclosures: [
        { url: 'https://animacoop.example/ep1.mp3', type: 'audio/mpeg', length: 1234567 },
        { url: 'https://animacoop.example/ep1.ogg', type: 'audio/ogg', length: null },
      ],
    }),
  ]);
  await storeFeedItems(deps, b, [
    parsedItem({
      guid: 'b-1',
      url: 'https://tiers.example/relais-rencontre?utm_source=x',
      ...shared,
      published: new Date(t - 1800_000),
    }),
    parsedItem({
      guid: 'b-2',
      url: 'https://tiers.example/atelier',
      title: 'Atelier fablab ouvert à tous',
      contentHtml:
        '<p>Un atelier pour fabriquer ensemble chaque samedi matin dans notre tiers-lieu.</p>',
      published: new Date(t - 5 * 3600_000),
    }),
  ]);
  const fillers = Array.from({ length: extra }, (_, i) =>
    parsedItem({
      guid: `s-${i}`,
      url: `https://scop.example/nouvelle-${i}`,
      title: `Nouvelle numéro ${i} de la SCOP ${['alpha', 'beta', 'gamma', 'delta'][i % 4]} ${i * 7919}`,
      contentHtml: `<p>Texte ${i} ${'mot'.repeat(3)} unique ${i * 104729} sur un sujet différent chaque fois ${i}.</p>`,
      // Some share a publication instant: the cursor must still page through them all.
      published: new Date(t - 10 * 3600_000 - Math.floor(i / 3) * 60_000),
    }),
  );
  if (fillers.length) await storeFeedItems(deps, c, fillers, { dedupe: false });
}
