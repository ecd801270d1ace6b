import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { seedFederation } from '../support/publish-seed.ts';

const deps = () => {
  const d = workerDeps(env as unknown as Env);
  d.log = { info() {}, warn() {}, error() {} };
  return d;
};

describe('widgets in workerd with D1', () => {
  beforeAll(async () => {
    await seedFederation(deps());
  });

  it('serves the framable news page and the script embed, with validators and 304s', async () => {
    const page = await SELF.fetch('https://hub.test/embed/news?network=tiers-lieux&limit=3');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
    const html = await page.text();
    expect(html).toContain('Atelier fablab ouvert à tous');
    expect(html).not.toContain('Podcast'); // animacoop only
    const script = await SELF.fetch('https://hub.test/embed/news.js?network=tiers-lieux');
    expect(script.headers.get('content-type')).toContain('javascript');
    const body = await script.text();
    expect(body).toContain('attachShadow');
    expect(body).toContain('Atelier fablab');
    const etag = script.headers.get('etag')!;
    const again = await SELF.fetch('https://hub.test/embed/news.js?network=tiers-lieux', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const agenda = await SELF.fetch('https://hub.test/embed/agenda?lang=en');
    expect(await agenda.text()).toContain('No upcoming events.');
    expect((await SELF.fetch('https://hub.test/embed/agenda?limit=99')).status).toBe(400);
  });
});
