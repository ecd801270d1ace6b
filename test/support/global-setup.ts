import type { TestProject } from 'vitest/node';
import { startFixtureServer } from './fixture-server.ts';
import { pullBehaviours } from './pull-behaviours.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the fixture feed server. */
    fixtureBase: string;
  }
}

/** One fixture server for the whole run, reachable from Node tests and from workerd alike. */
export default async function setup(project: TestProject) {
  const server = await startFixtureServer();
  for (const [path, handler] of pullBehaviours()) server.route(path, handler);
  project.provide('fixtureBase', server.base);
  return async () => server.close();
}
