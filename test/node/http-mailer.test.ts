import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpMailer } from '../../src/newsletter/http-mailer.ts';

describe('HTTP email API mailer (Workers) against a local HTTP server', () => {
  let server: Server;
  let url = '';
  const got: Array<{ auth: string | undefined; body: any }> = [];
  const statuses: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        const status = statuses.shift() ?? 200;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(status === 200 ? '{"id":"msg_1"}' : '{"message":"nope"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/emails`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts the message with its headers; 429/5xx are temporary, 401/403/422 the configuration', async () => {
    const mailer = httpMailer({ url, key: 'k123', from: 'Intercoop <lettre@hub.test>' });
    const msg = {
      to: 'a@example.org',
      subject: 'S',
      html: '<p>h</p>',
      text: 't',
      headers: { 'List-Unsubscribe': '<https://hub.test/u/x>', 'Message-ID': '<d1.1@hub.test>' },
    };
    expect(await mailer.send(msg)).toEqual({ ok: true, messageId: 'msg_1' });
    expect(got[0]).toEqual({
      auth: 'Bearer k123',
      body: {
        from: 'Intercoop <lettre@hub.test>',
        to: ['a@example.org'],
        subject: 'S',
        html: '<p>h</p>',
        text: 't',
        headers: msg.headers,
      },
    });
    statuses.push(429, 503, 408, 401, 403, 422);
    for (const failure of ['temporary', 'temporary', 'temporary'])
      expect(await mailer.send(msg)).toMatchObject({ ok: false, failure });
    for (const status of [401, 403, 422])
      expect(await mailer.send(msg)).toMatchObject({
        ok: false,
        failure: 'configuration',
        error: `mail API ${status}: {"message":"nope"}`,
      });
    const down = httpMailer({ url: 'http://127.0.0.1:1/emails', key: 'k', from: 'x@hub.test' });
    expect(await down.send(msg)).toMatchObject({ ok: false, failure: 'temporary' });
  });
});
