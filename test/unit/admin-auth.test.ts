import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { adminAuth, constantTimeEqual } from '../../src/web/admin-auth.ts';
import type { Deps } from '../../src/deps.ts';
import type { HubEnv } from '../../src/http.ts';

describe('constantTimeEqual', () => {
  it('matches equal strings and rejects others, whatever their length', async () => {
    expect(await constantTimeEqual('s3cret', 's3cret')).toBe(true);
    expect(await constantTimeEqual('s3cret', 's3creT')).toBe(false);
    expect(await constantTimeEqual('s3cret', 's3cret-longer')).toBe(false);
    expect(await constantTimeEqual('', 'x')).toBe(false);
  });
});

describe('adminAuth: the Bearer scheme, case-insensitive (RFC 7235)', () => {
  const app = new Hono<HubEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', { config: { adminToken: 'jeton' } } as Deps);
    await next();
  });
  app.use('*', adminAuth);
  app.get('/x', (c) => c.text('ok'));
  const status = async (authorization: string) =>
    (await app.request('/x', { headers: { authorization } })).status;

  it.each(['Bearer jeton', 'bearer jeton', 'BEARER jeton', 'bEaReR  jeton ', 'Bearer\tjeton'])(
    'accepts %j',
    async (header) => expect(await status(header)).toBe(200),
  );
  it.each(['Bearer jetons', 'Basic jeton', 'Bearerjeton', 'jeton', 'Bearer ', 'Token jeton'])(
    'refuses %j',
    async (header) => expect(await status(header)).toBe(401),
  );
});
