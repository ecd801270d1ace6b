/** Seeds an agenda (networks with territories and tags, the fixture calendars) for the publishing tests. */
import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.ts';
import { networks } from '../../src/db/schema/index.ts';
import { storeCalendar } from '../../src/agenda/store-calendar.ts';
import { addSource } from './store-fixtures.ts';
import type { Load } from './agenda-scenarios.ts';

/** "Now" of the seeded agenda: the weekly series runs across both DST changes after it. */
export const AGENDA_NOW = '2026-10-01T08:00:00Z';

export async function seedAgenda(deps: Deps, load: Load): Promise<void> {
  const plan: [string, string, string, string[], string][] = [
    ['animacoop', 'Animacoop', 'Auvergne-Rhône-Alpes', ['animation'], 'paris-weekly.ics'],
    ['outremer', 'Coopératives d’Outre-mer', 'Outre-mer', ['outre-mer'], 'overseas.ics'],
    ['pilotage', 'Comité Pilotage', 'National', ['gouvernance'], 'outlook.ics'],
    ['relais-ouest', 'Relais Ouest', 'Pays de la Loire', ['relais'], 'relay.ics'],
  ];
  for (const [slug, name, territory, tags, file] of plan) {
    const src = await addSource(deps, slug, `https://${slug}.example/seed/agenda.ics`);
    await deps.db.orm
      .update(networks)
      .set({ name, territory, tags })
      .where(eq(networks.slug, slug));
    await storeCalendar(deps, src, await load(file));
  }
}
