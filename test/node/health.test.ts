import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { makeNodeDeps } from '../support/node-deps.ts';

describe('Node runtime (real SQLite file)', () => {
  const deps = makeNodeDeps();
  afterAll(() => deps.close());

  it('serves /healthz with migrations applied', async () => {
    const res = await createApp(deps).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: true, last_pull: null });
  });
});
