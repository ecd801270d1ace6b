/**
 * The mailer's configuration error, when the mail server or API refused the hub itself (revoked
 * key, unverified sender, failed SMTP login). Kept in the database so that /healthz shows it
 * whichever process or Worker invocation met it, until a message goes out again.
 */
import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema/index.ts';
import type { Deps } from '../../deps.ts';

const KEY = 'mail_error';

export interface MailError {
  /** The server's or API's answer, as the mailer reported it. */
  error: string;
  /** When it was last met (epoch ms). */
  at: number;
}

export async function recordMailError(deps: Deps, error: string, at: number): Promise<void> {
  const value = JSON.stringify({ error: error.slice(0, 500), at } satisfies MailError);
  await deps.db.orm
    .insert(settings)
    .values({ key: KEY, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}

/** A message went out: the configuration works again. */
export async function clearMailError(deps: Deps): Promise<void> {
  await deps.db.orm.delete(settings).where(eq(settings.key, KEY));
}

export async function readMailError(deps: Pick<Deps, 'db'>): Promise<MailError | null> {
  const [row] = await deps.db.orm.select().from(settings).where(eq(settings.key, KEY));
  if (!row) return null;
  try {
    return JSON.parse(row.value) as MailError;
  } catch {
    return null;
  }
}
