/**
 * One federation, two views: the file (networks.yaml, in git) and the console (the database).
 * The rule: the file is synced at start-up and by `networks sync` only when its content changed
 * since the last sync (its sha-256 is kept here); then the file wins. Console edits made since
 * are remembered so that the console can warn before a changed file overwrites them.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { settings } from '../db/schema/index.ts';
import { sha256 } from '../newsletter/crypto.ts';

const FILE_HASH = 'federation_file_hash';
const CONSOLE_EDITED = 'federation_console_edited_at';

export interface FileState {
  /** sha-256 of the file's text at its last sync, null when never synced from a file. */
  fileHash: string | null;
  /** When the console last changed the federation after that sync (epoch ms), or null. */
  consoleEditedAt: number | null;
}

export async function readFileState(deps: Deps): Promise<FileState> {
  const rows = await deps.db.orm
    .select()
    .from(settings)
    .where(inArray(settings.key, [FILE_HASH, CONSOLE_EDITED]));
  const get = (k: string) => rows.find((r) => r.key === k)?.value ?? null;
  const edited = get(CONSOLE_EDITED);
  return { fileHash: get(FILE_HASH), consoleEditedAt: edited ? Number(edited) : null };
}

export function fileHash(text: string): Promise<string> {
  return sha256(text);
}

/** Whether this file text differs from the one last synced. */
export async function fileChanged(deps: Deps, text: string): Promise<boolean> {
  return (await readFileState(deps)).fileHash !== (await fileHash(text));
}

/** After a file sync: the file's hash kept, console edits now overwritten (forgotten). */
export async function recordFileSync(deps: Deps, text: string): Promise<void> {
  const value = await fileHash(text);
  await deps.db.orm
    .insert(settings)
    .values({ key: FILE_HASH, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
  await deps.db.orm.delete(settings).where(eq(settings.key, CONSOLE_EDITED));
}

/** After a console edit of the federation. */
export async function recordConsoleEdit(deps: Deps): Promise<void> {
  const value = String(deps.clock.now().getTime());
  await deps.db.orm
    .insert(settings)
    .values({ key: CONSOLE_EDITED, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}
