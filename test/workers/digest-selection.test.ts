import { env, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { digestTick } from '../../src/newsletter/digest/scheduled.ts';
import { httpMailer } from '../../src/newsletter/http-mailer.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { addSubscriber, BUSY_BASE, seedBusyFederation } from '../support/digest-selection.ts';

const base = inject('fixtureBase');

/** The same selection on D1 (window function, JSON lists), mailed through a real HTTP API. */
describe('digest on workerd + D1: stories selected per subscriber; the cap is said', () => {
  it('a quiet network’s follower gets its stories; a busy one’s gets 40 and "et N autres articles"', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    const clock = manualClock('2026-11-16T07:05:00Z');
    deps.clock = clock;
    const now = clock.now().getTime();
    const box = `select-${Math.random().toString(36).slice(2, 8)}`;
    deps.mailer = httpMailer({ url: `${base}/_mail/${box}/emails`, key: 'k', from: 'l@hub.test' });
    await seedBusyFederation(deps, { busy: 320, quiet: 12, now: now - 60_000 });
    await addSubscriber(deps, 'petit@example.org', { networks: ['petit'] }, now);
    await addSubscriber(deps, 'habitat@example.org', { tags: ['Habitat partagé'] }, now);
    await addSubscriber(deps, 'gros@example.org', { networks: ['gros'] }, now);
    const summary = await digestTick(deps, now);
    expect(summary).toMatchObject({ sent: 3, skipped: 0, failedPerm: 0 });
    const got = (await (await fetch(`${base}/_mail/${box}/received`)).json()) as Array<{
      to: string[];
      text: string;
      html: string;
    }>;
    const to = (a: string) => got.find((m) => m.to[0] === a)!;
    for (const a of ['petit@example.org', 'habitat@example.org']) {
      expect(to(a).text.match(/^\* Atelier numéro /gm)).toHaveLength(12);
      expect(to(a).text).not.toContain('Chantier');
    }
    const gros = to('gros@example.org');
    expect(gros.text.match(/^\* Chantier numéro /gm)).toHaveLength(40);
    expect(gros.text).toContain(`… et 280 autres articles\u202f: ${BUSY_BASE}/?network=gros`);
    expect(gros.html).toContain(`href="${BUSY_BASE}/?network=gros"`);
    const river = await SELF.fetch(`${BUSY_BASE}/?network=gros`);
    expect(await river.text()).toContain('Chantier numéro 319 ');
  }, 60_000);
});
