/**
 * What a subscriber can choose from: active networks (by name), their tags and territories,
 * sorted the French way. The subscription form and the console's preview offer the same list.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { networks } from '../db/schema/index.ts';
import type { Options } from './pages.tsx';

export async function choiceOptions(db: Database): Promise<Options> {
  const rows = await db.orm.select().from(networks).where(eq(networks.active, true));
  const coll = (a: string, b: string) => a.localeCompare(b, 'fr');
  return {
    networks: rows
      .map((r) => ({ slug: r.slug, name: r.name }))
      .sort((a, b) => coll(a.name, b.name)),
    tags: [...new Set(rows.flatMap((r) => r.tags))].sort(coll),
    territories: [...new Set(rows.flatMap((r) => (r.territory ? [r.territory] : [])))].sort(coll),
  };
}
