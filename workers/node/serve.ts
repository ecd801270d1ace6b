import { serve as honoServe, type ServerType } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import { ConfigError } from '../../src/env.ts';
import type { NodeDeps } from './deps.ts';

/**
 * Starts the HTTP server; resolves once it listens. A port already taken (another hub, the
 * demo still running) is a setting to change, said in one line rather than a stack trace.
 */
export function startServer(
  deps: NodeDeps,
  port = deps.config.port,
  hostname = '0.0.0.0',
): Promise<{ server: ServerType; port: number }> {
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = honoServe({ fetch: app.fetch, port, hostname }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(
          new ConfigError(
            `Le port ${port} est déjà utilisé : choisissez-en un autre avec HUB_PORT (port ` +
              `${port} already in use: set HUB_PORT)`,
          ),
        );
      else if (err.code === 'EACCES')
        reject(
          new ConfigError(
            `Le port ${port} n’est pas autorisé : choisissez-en un autre avec HUB_PORT (port ` +
              `${port} not allowed: set HUB_PORT)`,
          ),
        );
      else reject(err);
    });
  });
}
