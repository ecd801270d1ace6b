import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FixtureHandler } from './fixture-server.ts';

/**
 * Member-server behaviours for the pull suite, served by the global fixture server under
 * /_pull/… so that Node tests and workerd tests (which cannot start servers) see the same.
 * Stateful ones are keyed by a token in the path: each test uses its own.
 */
export function pullBehaviours(): Map<string, FixtureHandler> {
  const hits = new Map<string, number>();
  const count = (key: string) => {
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    return n;
  };
  const routes = new Map<string, FixtureHandler>();
  const prefix = (
    path: string,
    handler: (req: IncomingMessage, res: ServerResponse, rest: string) => void,
  ) =>
    routes.set(path, (req, res) =>
      handler(req, res, new URL(req.url ?? '/', 'http://x').pathname.slice(path.length)),
    );

  // A feed that changes once: v1 on the first request, v2 (item "a" edited, "c" added) after.
  prefix('/_pull/edit/', (req, res, token) => {
    const version = count(`edit:${token}`) === 1 ? 1 : 2;
    serveFeed(
      req,
      res,
      feed(
        token,
        version === 1
          ? [item('a', 'Première version'), item('b', 'Deuxième')]
          : [item('a', 'Première version corrigée'), item('b', 'Deuxième'), item('c', 'Troisième')],
      ),
      `"v${version}"`,
    );
  });
  // A stable feed with validators (304 on re-pull); /_pull/stable/<token>/<n>.xml for many distinct sources.
  prefix('/_pull/stable/', (req, res, token) =>
    serveFeed(
      req,
      res,
      feed(token, [item('1', `Atelier ${token}`), item('2', `Réunion ${token}`)]),
      `"s-${token}"`,
    ),
  );
  // Three fetches ending at the same permanent redirect, the feed living at /_pull/stable/<token>.
  prefix(
    '/_pull/moved/',
    (_req, res, token) => void res.writeHead(301, { location: `/_pull/stable/${token}` }).end(),
  );
  // /_pull/big/<token>/<n>: a feed of n distinct items (the parser keeps at most 10,000).
  prefix('/_pull/big/', (req, res, rest) => {
    const [token, n] = rest.split('/');
    const items = Array.from({ length: Number(n) || 0 }, (_, i) =>
      item(String(i), `Compte rendu n°${i} de l’assemblée ${token}`),
    );
    serveFeed(req, res, feed(token!, items), `"big-${token}-${n}"`);
  });
  // 9 items of 170,000 unclosed <b> each (4.6 MB): htmlparser2 alone took minutes on them.
  prefix('/_pull/nested/', (req, res, token) => {
    const nested = '<b>'.repeat(170_000);
    const items = Array.from(
      { length: 9 },
      (_, i) =>
        `<item><title>Imbriqué ${i}</title><link>https://${token}.example/n/${i}</link><description><![CDATA[${nested}texte ${i}]]></description></item>`,
    );
    serveFeed(
      req,
      res,
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Imbriqué</title>${items.join('')}</channel></rss>`,
      `"nested-${token}"`,
    );
  });
  routes.set(
    '/_pull/gone.xml',
    (_req, res) => void res.writeHead(410, { 'content-type': 'text/plain' }).end('gone'),
  );
  routes.set(
    '/_pull/error500.xml',
    (_req, res) => void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'),
  );
  routes.set(
    '/_pull/busy.xml',
    (_req, res) =>
      void res.writeHead(503, { 'retry-after': '7200', 'content-type': 'text/plain' }).end('busy'),
  );
  routes.set('/_pull/garbage.xml', (_req, res) => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    res.writeHead(200, { 'content-type': 'application/xml' }).end(bytes);
  });
  // A site known by its home page only: the feed is found through <link rel="alternate">.
  prefix(
    '/_pull/site/',
    (_req, res, token) =>
      void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html lang="fr"><head><title>Site ${token}</title><link rel="alternate" type="application/rss+xml" title="Actualités" href="/_pull/stable/site-${token}"></head><body><h1>Bienvenue</h1></body></html>`,
        ),
  );
  return routes;
}

function item(id: string, title: string) {
  return { id, title };
}

function feed(token: string, items: Array<{ id: string; title: string }>): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Réseau ${token}</title><link>https://${token}.example/</link><description>Actualités</description>
${items.map((i) => `<item><title>${i.title}</title><link>https://${encodeURIComponent(token)}.example/actu/${i.id}</link><guid>${token}-${i.id}</guid><pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate><description>${i.title} : le texte de l’article ${i.id} du réseau ${token}, assez long pour être lu.</description></item>`).join('\n')}
</channel></rss>`;
}

function serveFeed(req: IncomingMessage, res: ServerResponse, body: string, etag: string): void {
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
}
