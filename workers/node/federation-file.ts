/**
 * Loads the federation file (HUB_NETWORKS) into the store at start-up (`serve`, `demo`), but
 * only when its content changed since the last sync: edits made in the console since then are
 * kept. A changed file wins over them (see src/federation/file-state.ts and the README).
 */
import { readFile } from 'node:fs/promises';
import type { Deps } from '../../src/deps.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { fileChanged, readFileState, recordFileSync } from '../../src/federation/file-state.ts';

/** Syncs the file when it exists and changed; a missing or broken file is logged, the hub still serves what it has. */
export async function syncFederationFile(deps: Deps): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(deps.config.networksFile, 'utf8');
  } catch {
    deps.log.warn('no federation file: nothing to sync', { file: deps.config.networksFile });
    return false;
  }
  try {
    if (!(await fileChanged(deps, text))) {
      deps.log.info('federation file unchanged since its last sync: console edits kept', {
        file: deps.config.networksFile,
      });
      return true;
    }
    const federation = parseNetworksFile(text);
    const { consoleEditedAt } = await readFileState(deps);
    if (consoleEditedAt)
      deps.log.warn('federation file changed: it replaces the edits made in the console', {
        file: deps.config.networksFile,
        consoleEditedAt: new Date(consoleEditedAt).toISOString(),
      });
    const report = await syncFederation(deps, federation);
    await recordFileSync(deps, text);
    deps.log.info('federation synced', { file: deps.config.networksFile, ...report });
    return true;
  } catch (err) {
    deps.log.error('federation file not loaded', {
      file: deps.config.networksFile,
      error: (err as Error).message,
    });
    return false;
  }
}

/** The file's text, or null when it cannot be read (for the console's warning). */
export async function readFederationFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}
