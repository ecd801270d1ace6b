/**
 * Loads a federation file into the store the way `intercoop networks sync` does (parse, then
 * syncFederation), for the benches and the fault tests.
 */
import type { Deps } from '../../src/deps.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation, type SyncReport } from '../../src/federation/sync.ts';

export async function loadFederation(deps: Deps, yamlText: string): Promise<SyncReport> {
  return syncFederation(deps, parseNetworksFile(yamlText));
}
