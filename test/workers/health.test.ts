import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('Workers runtime (workerd + D1)', () => {
  it('serves /healthz from D1 with migrations applied', async () => {
    const res = await SELF.fetch('https://hub.test/healthz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; database: boolean; last_pull: unknown };
    expect(body).toMatchObject({ ok: true, database: true, last_pull: null });
  });

  it('answers unknown routes with a clear 404: a page for people, JSON under /api', async () => {
    const res = await SELF.fetch('https://hub.test/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<!DOCTYPE html>');
    const api = await SELF.fetch('https://hub.test/api/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: 'not_found' });
  });
});
