import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../workers/node/serve.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';

describe('subscription rate limit over real HTTP (Node server)', () => {
  const deps = makeNodeDeps({ HUB_SECRET: 's' });
  afterAll(() => deps.close());

  it('limits per client: behind a local proxy, per X-Forwarded-For client, not one limit for all', async () => {
    const sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    const { server, port } = await startServer(deps, 0, '127.0.0.1');
    try {
      const post = (email: string, xff?: string) =>
        fetch(`http://127.0.0.1:${port}/newsletter/subscribe`, {
          method: 'POST',
          body: new URLSearchParams({ email }),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(xff ? { 'x-forwarded-for': xff } : {}),
          },
        }).then((r) => r.status);
      const fromA = [];
      for (let i = 0; i < 6; i++)
        fromA.push(await post(`a${i}@example.org`, `spoofed, 198.51.100.${i}, 203.0.113.1`));
      expect(fromA).toEqual([200, 200, 200, 200, 200, 429]);
      expect(await post('b@example.org', '203.0.113.2')).toBe(200);
      expect(sink.received).toHaveLength(6);
    } finally {
      await new Promise((r) => server.close(r));
      await deps.mailer?.close?.();
      await sink.close();
    }
  });
});
