/**
 * The subscription form's limits, attacked over real HTTP (Node server, real SMTP): rotating
 * the headers a client controls (X-Forwarded-For, CF-Connecting-IP, X-Real-IP…) never buys more
 * requests; behind HUB_TRUST_PROXY proxies only the proxies' own entry counts; sub-addresses
 * (`victim+1@…`) share their mailbox's count; addresses with control characters, source routes
 * or over 254 characters are refused with a French message, and no mail leaves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../workers/node/serve.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A hub on 127.0.0.1 with a real SMTP sink; `post` sends the form with the given headers. */
async function hub(env: Record<string, string> = {}): Promise<{
  sink: SmtpSink;
  post(email: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
}> {
  const deps = makeNodeDeps({ HUB_SECRET: 's', ...env });
  const sink = await startSmtpSink();
  deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
  const { server, port } = await startServer(deps, 0, '127.0.0.1');
  cleanups.push(async () => {
    await new Promise((r) => server.close(r));
    await deps.close();
    await sink.close();
  });
  return {
    sink,
    async post(email, headers = {}) {
      const res = await fetch(`http://127.0.0.1:${port}/newsletter/subscribe`, {
        method: 'POST',
        body: new URLSearchParams({ email }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
      return { status: res.status, text: await res.text() };
    },
  };
}

const statuses = async (n: number, send: (i: number) => Promise<{ status: number }>) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send(i)).status);
  return out;
};
const FIVE_THEN_LIMITED = [200, 200, 200, 200, 200, 429, 429];

describe('per-client limit on Node', () => {
  it('without HUB_TRUST_PROXY, rotating any client header changes nothing: the socket counts', async () => {
    const h = await hub();
    const spoofs = (i: number) => ({
      'x-forwarded-for': `198.51.100.${i}`,
      'cf-connecting-ip': `203.0.113.${i}`,
      'x-real-ip': `192.0.2.${i}`,
      'true-client-ip': `192.0.2.${100 + i}`,
      forwarded: `for=192.0.2.${200 + i}`,
    });
    expect(await statuses(7, (i) => h.post(`person${i}@example.org`, spoofs(i)))).toEqual(
      FIVE_THEN_LIMITED,
    );
    expect(h.sink.received).toHaveLength(5);
  });

  it('HUB_TRUST_PROXY=1: the proxy’s entry (the last) counts, whatever the client wrote before it', async () => {
    const h = await hub({ HUB_TRUST_PROXY: '1' });
    const fromA = (i: number) => ({
      'x-forwarded-for': `10.0.0.${i}, 198.51.100.${i}, 203.0.113.1`,
      'cf-connecting-ip': `203.0.113.${50 + i}`,
    });
    expect(await statuses(7, (i) => h.post(`a${i}@example.org`, fromA(i)))).toEqual(
      FIVE_THEN_LIMITED,
    );
    // Another client behind the same proxy has its own count.
    expect((await h.post('b@example.org', { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    // Garbage where an address should be falls back to the socket, which has its own count.
    expect((await h.post('c@example.org', { 'x-forwarded-for': 'not-an-ip' })).status).toBe(200);
  });

  it('HUB_TRUST_PROXY=2: the outer proxy’s entry counts, whichever of its addresses it used', async () => {
    const h = await hub({ HUB_TRUST_PROXY: '2' });
    // Client-written entry, then the outer proxy's (the client), then the inner one's (a pool).
    const two = (i: number) => ({
      'x-forwarded-for': `198.51.100.${i}, 203.0.113.7, 10.0.0.${i}`,
    });
    expect(await statuses(7, (i) => h.post(`d${i}@example.org`, two(i)))).toEqual(
      FIVE_THEN_LIMITED,
    );
  });

  it('an IPv6 client is counted by its /64: new addresses in it buy nothing', async () => {
    const h = await hub({ HUB_TRUST_PROXY: '1' });
    const v6 = (i: number) => ({ 'x-forwarded-for': `2001:db8:1:2:${i.toString(16)}::${i + 1}` });
    expect(await statuses(7, (i) => h.post(`e${i}@example.org`, v6(i)))).toEqual(FIVE_THEN_LIMITED);
    expect((await h.post('f@example.org', { 'x-forwarded-for': '2001:db8:1:3::1' })).status).toBe(
      200,
    );
  });
});

describe('per-address limit on a normalised key', () => {
  it('victim+1@, victim+2@, VICTIM@ are one mailbox: 3 messages a day at most', async () => {
    const h = await hub({ HUB_TRUST_PROXY: '1' });
    const sent = await statuses(10, (i) =>
      h.post(i % 3 === 2 ? 'VICTIM@Example.org' : `victim+${i}@example.org`, {
        'x-forwarded-for': `198.51.100.${i}`,
      }),
    );
    expect(sent).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    expect(h.sink.received).toHaveLength(3);
    // Another mailbox is not affected.
    expect((await h.post('other@example.org', { 'x-forwarded-for': '198.51.100.99' })).status).toBe(
      200,
    );
  });
});

describe('hostile addresses are refused with a French message, and nothing is sent', () => {
  it.each([
    ['NUL', 'victim@example.org\u0000@evil.example', 'caractère invisible'],
    ['NUL at the end', 'victim@example.org\u0000', 'caractère invisible'],
    ['CR LF', 'vic\r\ntim@example.org', 'caractère invisible'],
    ['bidi override', 'vic\u202Etim@example.org', 'caractère invisible'],
    ['zero-width space', 'vic\u200Btim@example.org', 'caractère invisible'],
    ['percent route', 'victim%evil.example@example.org', '« % » ou « ! »'],
    ['bang path', 'evil.example!victim@example.org', '« % » ou « ! »'],
    [
      '260 characters',
      `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`,
      '254 caractères',
    ],
    ['no domain', 'victim@', 'ne semble pas valide'],
  ])('%s', async (_name, email, message) => {
    const h = await hub();
    const res = await h.post(email);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(h.sink.received).toHaveLength(0);
  });
});
