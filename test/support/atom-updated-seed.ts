import type { Deps } from '../../src/deps.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { addSource, manualClock, parsedItem } from './store-fixtures.ts';

/** When the pull below stores everything: one store time for every story. */
export const STORED_AT = '2026-11-20T10:00:00.000Z';

/**
 * Stories of two networks stored by one pull, each with its own dates: an edited story
 * (<updated> after publication), one with a publication date only, one whose <updated> lies
 * in the future (a member's clock ahead), and a relay whose later <updated> is the story's.
 */
export async function seedAtomDates(deps: Deps): Promise<void> {
  await writeHubSettings(deps.db, {
    title: 'Intercoop',
    baseUrl: 'https://hub.example.org',
    language: 'fr',
    timezone: 'Europe/Paris',
  });
  deps.clock = manualClock(STORED_AT);
  const a = await addSource(deps, 'dates-a');
  const b = await addSource(deps, 'dates-b');
  const text = (n: string) =>
    `<p>Le récit ${n} d'une assemblée générale coopérative, de ses votes et de ses suites concrètes.</p>`;
  await storeFeedItems(deps, a, [
    parsedItem({
      guid: 'edited',
      url: 'https://dates-a.example/edited',
      title: 'Un article modifié',
      contentHtml: text('un'),
      published: new Date('2026-11-01T08:00:00Z'),
      updated: new Date('2026-11-05T09:30:00Z'),
    }),
    parsedItem({
      guid: 'plain',
      url: 'https://dates-a.example/plain',
      title: 'Un article sans mise à jour',
      contentHtml: text('deux'),
      published: new Date('2026-10-20T12:00:00Z'),
    }),
    parsedItem({
      guid: 'ahead',
      url: 'https://dates-a.example/ahead',
      title: 'Une horloge en avance',
      contentHtml: text('trois'),
      published: new Date('2026-11-10T08:00:00Z'),
      updated: new Date('2030-01-01T00:00:00Z'),
    }),
  ]);
  await storeFeedItems(deps, b, [
    parsedItem({
      guid: 'relay',
      url: 'https://dates-a.example/edited',
      title: 'Un article modifié',
      contentHtml: text('un'),
      published: new Date('2026-11-02T08:00:00Z'),
      updated: new Date('2026-11-07T10:00:00Z'),
    }),
    parsedItem({
      guid: 'own-b',
      url: 'https://dates-b.example/own',
      title: 'Le seul article de B',
      contentHtml: text('quatre'),
      published: new Date('2026-11-03T08:00:00Z'),
      updated: new Date('2026-11-12T16:00:00Z'),
    }),
  ]);
}

/** What each entry's <updated> must say (its own time, not STORED_AT). */
export const EXPECTED_UPDATED: Record<string, string> = {
  'Un article modifié': '2026-11-07T10:00:00.000Z',
  'Un article sans mise à jour': '2026-10-20T12:00:00.000Z',
  'Une horloge en avance': STORED_AT,
  'Le seul article de B': '2026-11-12T16:00:00.000Z',
};

/** Each network's latest <updated> (<source><updated>), capped by the feed's own. */
export const EXPECTED_SOURCE_UPDATED: Record<string, string> = {
  'dates-a': STORED_AT,
  'dates-b': '2026-11-12T16:00:00.000Z',
};

/** The <updated> of each <entry> and of its <source>, by title. */
export function atomDates(xml: string): Map<string, { updated: string; source: string | null }> {
  const out = new Map<string, { updated: string; source: string | null }>();
  for (const [, entry] of xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)) {
    const source = /<source>([\s\S]*?)<\/source>/.exec(entry!)?.[1] ?? null;
    const own = entry!.replace(/<source>[\s\S]*?<\/source>/, '');
    out.set(/<title[^>]*>([^<]*)<\/title>/.exec(own)![1]!, {
      updated: /<updated>([^<]*)<\/updated>/.exec(own)![1]!,
      source: source ? (/<updated>([^<]*)<\/updated>/.exec(source)?.[1] ?? null) : null,
    });
  }
  return out;
}
