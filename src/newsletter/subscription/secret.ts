import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';
import { randomToken } from '../crypto.ts';

const KEY = 'newsletter_secret';
const cache = new WeakMap<object, Promise<string>>();

/**
 * The key that signs newsletter links: HUB_SECRET (or the admin token), else a random key
 * generated once and kept in the settings table, so links stay valid across restarts and
 * across Node and Workers sharing the same data.
 */
export function newsletterSecret(deps: Deps): Promise<string> {
  if (deps.config.secret) return Promise.resolve(deps.config.secret);
  let p = cache.get(deps.db);
  if (!p) {
    p = (async () => {
      // Insert-if-absent then read back: two processes racing agree on the first writer's key.
      await deps.db.orm
        .insert(settings)
        .values({ key: KEY, value: randomToken(32) })
        .onConflictDoNothing();
      const [row] = await deps.db.orm.select().from(settings).where(eq(settings.key, KEY));
      return row!.value;
    })();
    p.catch(() => cache.delete(deps.db));
    cache.set(deps.db, p);
  }
  return p;
}
