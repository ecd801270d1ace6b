import type { TestProject } from 'vitest/node';
import { startFixtureServer } from './fixture-server.ts';
import { pullBehaviours } from './pull-behaviours.ts';
import { fetchBehaviours } from './fetch-behaviours.ts';
import { mailApiBehaviours } from './mail-api.ts';
import { federationBehaviours } from './federation-feeds.ts';
import { startDemoFederation } from '../../workers/node/demo/server.ts';
import { startUpstreamHub } from './upstream-hub.ts';
import { historyBehaviours } from './history-pages.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the fixture feed server. */
    fixtureBase: string;
    /** http://127.0.0.1:PORT of the demo federation (`intercoop demo`'s members), built at `demoNow`. */
    demoBase: string;
    demoNow: string;
    /** http://127.0.0.1:PORT of a Node hub with the publish-seed federation (hubs of hubs). */
    upstreamHubBase: string;
  }
}

/** One fixture server for the whole run, reachable from Node tests and from workerd alike. */
export default async function setup(project: TestProject) {
  const server = await startFixtureServer();
  for (const [path, handler] of pullBehaviours()) server.route(path, handler);
  for (const [path, handler] of fetchBehaviours(server.base)) server.route(path, handler);
  for (const [path, handler] of mailApiBehaviours()) server.route(path, handler);
  for (const [path, handler] of federationBehaviours()) server.route(path, handler);
  for (const [path, handler] of historyBehaviours(server.base)) server.route(path, handler);
  project.provide('fixtureBase', server.base);
  const demoNow = new Date();
  demoNow.setUTCHours(0, 0, 0, 0);
  const demo = await startDemoFederation({ port: 0, now: demoNow });
  project.provide('demoBase', demo.url);
  project.provide('demoNow', demoNow.toISOString());
  const upstream = await startUpstreamHub();
  project.provide('upstreamHubBase', upstream.base);
  return async () => {
    await server.close();
    await demo.close();
    await upstream.close();
  };
}
