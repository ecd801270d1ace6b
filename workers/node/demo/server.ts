import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildDemoFederation, type DemoFederation } from './content.ts';

export interface RunningFederation {
  federation: DemoFederation;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the simulated federation on 127.0.0.1 like ordinary member sites would:
 * content types with charsets, ETag and Last-Modified (so re-pulls get 304), 404 otherwise.
 * Tries `port` (8788 by default) and falls back to a free port when it is taken.
 */
export async function startDemoFederation(
  options: { port?: number; now?: Date } = {},
): Promise<RunningFederation> {
  let federation: DemoFederation | null = null;
  const startedAt = new Date(
    Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000,
  ).toUTCString();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = federation?.files.get(path) ?? federation?.files.get(`${path}/`);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(file ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(file ? 'méthode non permise' : 'page introuvable');
      return;
    }
    const etag = `"${createHash('sha1').update(file.body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === startedAt) {
      res.writeHead(304, { etag, 'last-modified': startedAt }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': file.contentType,
      'content-length': file.body.length,
      etag,
      'last-modified': startedAt,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  const port = await listen(server, options.port ?? 8788).catch(() => listen(server, 0));
  const url = `http://127.0.0.1:${port}`;
  federation = buildDemoFederation(url, options.now);
  return {
    federation,
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}
