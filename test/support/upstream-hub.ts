import { startServer } from '../../workers/node/serve.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { makeNodeDeps } from './node-deps.ts';
import { seedFederation } from './publish-seed.ts';

/** A real Node hub ("Hub Occitanie") serving the publish-seed federation, for hubs of hubs. */
export async function startUpstreamHub(
  fillers = 25,
): Promise<{ base: string; close(): Promise<void> }> {
  const deps = makeNodeDeps();
  await seedFederation(deps, fillers);
  const { server, port } = await startServer(deps, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  await writeHubSettings(deps.db, {
    title: 'Hub Occitanie',
    baseUrl: base,
    language: 'fr',
    timezone: 'Europe/Paris',
  });
  return {
    base,
    close: async () => {
      server.close();
      await deps.close();
    },
  };
}
