import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FixtureHandler } from './fixture-server.ts';

/**
 * A Resend-compatible HTTP email API, served by the global fixture server under /_mail/<box>/
 * so that Node tests and workerd tests (which cannot start servers) post to the same real
 * server. Each test uses its own box:
 * - `POST /_mail/<box>/emails`: the API itself; answers 200 `{"id"}` unless a planned answer
 *   says otherwise;
 * - `PUT /_mail/<box>/plan`: `{ "all"?: Answer, "to"?: { [address]: Answer[] } }`: `all` answers
 *   every message from now on; `to` queues answers per recipient (each used once);
 * - `GET /_mail/<box>/received`: the JSON bodies of the messages answered 2xx, in order;
 * - `GET /_mail/<box>/posts`: how many POSTs arrived, whatever the answer.
 */
export interface Answer {
  status: number;
  body?: unknown;
}

interface Box {
  received: unknown[];
  posts: number;
  all: Answer | null;
  to: Map<string, Answer[]>;
}

export function mailApiBehaviours(): Map<string, FixtureHandler> {
  const boxes = new Map<string, Box>();
  const box = (name: string) => {
    let b = boxes.get(name);
    if (!b) boxes.set(name, (b = { received: [], posts: 0, all: null, to: new Map() }));
    return b;
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const [, name, action] =
      /^\/_mail\/([^/]+)\/([a-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname) ?? [];
    if (!name) return void res.writeHead(404).end();
    const b = box(name);
    const raw = await readBody(req);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (action === 'plan' && req.method === 'PUT') {
      const plan = JSON.parse(raw) as { all?: Answer; to?: Record<string, Answer[]> };
      if (plan.all !== undefined) b.all = plan.all;
      for (const [to, answers] of Object.entries(plan.to ?? {}))
        b.to.set(to.toLowerCase(), [...(b.to.get(to.toLowerCase()) ?? []), ...answers]);
      return json(200, { ok: true });
    }
    if (action === 'received') return json(200, b.received);
    if (action === 'posts') return json(200, { posts: b.posts });
    if (action !== 'emails' || req.method !== 'POST') return void res.writeHead(405).end();
    b.posts++;
    const message = JSON.parse(raw) as { to: string[] };
    const planned = b.to.get(String(message.to[0]).toLowerCase())?.shift() ?? b.all;
    if (planned && (planned.status < 200 || planned.status > 299))
      return json(planned.status, planned.body ?? { message: `status ${planned.status}` });
    b.received.push(message);
    return json(200, { id: `msg_${b.received.length}` });
  };
  return new Map([['/_mail/', handler]]);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => resolve(raw));
    req.on('error', reject);
  });
}
