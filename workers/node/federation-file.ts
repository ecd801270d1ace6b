/**
 * Loads the federation file (HUB_NETWORKS) into the store: what `serve` and `demo` do at
 * start-up so that editing networks.yaml and restarting is enough.
 */
import { readFile } from 'node:fs/promises';
import type { Deps } from '../../src/deps.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';

/** Syncs the file when it exists; a missing or broken file is logged, the hub still serves what it has. */
export async function syncFederationFile(deps: Deps): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(deps.config.networksFile, 'utf8');
  } catch {
    deps.log.warn('no federation file: nothing to sync', { file: deps.config.networksFile });
    return false;
  }
  try {
    const report = await syncFederation(deps, parseNetworksFile(text));
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
