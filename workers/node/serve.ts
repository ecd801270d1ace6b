import { serve as honoServe, type ServerType } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import type { NodeDeps } from './deps.ts';

/** Starts the HTTP server; resolves once it listens. */
export function startServer(deps: NodeDeps, port = deps.config.port, hostname = '0.0.0.0'): Promise<{ server: ServerType; port: number }> {
  const app = createApp(deps);
  return new Promise((resolve) => {
    const server = honoServe({ fetch: app.fetch, port, hostname }, (info) => resolve({ server, port: info.port }));
  });
}
