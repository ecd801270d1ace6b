/**
 * The security headers on Workers: the same middleware, but answers may come from the Cache API
 * (immutable headers) and base_url comes from D1.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { seedFederation } from '../support/publish-seed.ts';

describe('security headers in workerd', () => {
  beforeAll(async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    await seedFederation(deps); // base_url https://hub.example.org
  });

  it('pages: CSP, no framing, nosniff, Referrer-Policy, HSTS', async () => {
    for (const path of ['/', '/networks', '/agenda', '/newsletter', '/networks/inconnu']) {
      const res = await SELF.fetch(`https://hub.test${path}`);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("form-action 'self'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBeTruthy();
      expect(res.headers.get('strict-transport-security'), path).toMatch(/^max-age=/);
    }
  });

  it('a widget answered twice (the second from the edge cache) keeps its own frame-ancestors', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await SELF.fetch('https://hub.test/embed/news?network=animacoop');
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
