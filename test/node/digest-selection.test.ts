import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { addSubscriber, BUSY_BASE, seedBusyFederation } from '../support/digest-selection.ts';

/**
 * Each subscriber's stories are selected by their choices (not "the 300 newest of the
 * federation, then filtered"), and the 40-story cap is said with a link to the river filtered
 * the same way. Real SQLite, real SMTP server.
 */
describe('digest: stories selected per subscriber; the cap is said', () => {
  let sink: SmtpSink;
  const deps = makeNodeDeps({ HUB_SECRET: 's' });
  const clock = manualClock('2026-11-16T07:00:00Z');
  deps.clock = clock;
  const now = clock.now().getTime();
  const mail = (to: string) => sink.received.find((r) => r.to === to)?.mail;

  beforeAll(async () => {
    sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test', deps.db);
    await seedBusyFederation(deps, { busy: 400, quiet: 30, now: now - 60_000 });
    await addSubscriber(deps, 'petit@example.org', { networks: ['petit'] }, now);
    await addSubscriber(deps, 'bretagne@example.org', { territories: ['bretagne'] }, now);
    await addSubscriber(deps, 'habitat@example.org', { tags: ['habitat partage'] }, now);
    await addSubscriber(deps, 'gros@example.org', { networks: ['gros'] }, now);
    await addSubscriber(deps, 'tout@example.org', {}, now);
    const summary = await runDigests(deps);
    expect(summary).toMatchObject({ sent: 5, skipped: 0, failedPerm: 0, failedTemp: 0 });
  });
  afterAll(async () => {
    await deps.mailer?.close?.();
    await sink.close();
    await deps.close();
  });

  it('a subscriber of a quiet network gets its 30 stories, however busy the others were (network, territory, tag)', () => {
    for (const to of ['petit@example.org', 'bretagne@example.org', 'habitat@example.org']) {
      const m = mail(to)!;
      expect(m, to).toBeTruthy();
      expect(m.text).toContain('30 nouveaux articles des réseaux.');
      expect(m.text!.match(/^\* Atelier numéro /gm)).toHaveLength(30);
      expect(m.text).not.toContain('Chantier');
      expect(m.text).not.toMatch(/autres? articles?/);
    }
  });

  it('past 40 stories: "et N autres articles" and a link to the river filtered by the choices, in both parts', async () => {
    const m = mail('gros@example.org')!;
    expect(m.text).toContain('40 nouveaux articles des réseaux.');
    expect(m.text!.match(/^\* Chantier numéro /gm)).toHaveLength(40);
    // The 40 newest: 399 down to 360.
    expect(m.text).toContain('Chantier numéro 399 ');
    expect(m.text).not.toContain('Chantier numéro 359 ');
    expect(m.text).toContain(`… et 360 autres articles\u202f: ${BUSY_BASE}/?network=gros`);
    expect(m.html).toMatch(
      new RegExp(`<a href="${BUSY_BASE}/\\?network=gros"[^>]*>et 360 autres articles</a>`),
    );
    // The link is the river with the same filter: the stories left out are there.
    const river = await createApp(deps).request(`${BUSY_BASE}/?network=gros`);
    expect(river.status).toBe(200);
    const page = await river.text();
    expect(page).toContain('Chantier numéro 399 ');
    expect(page).not.toContain('Atelier numéro');

    const all = mail('tout@example.org')!;
    expect(all.text).toContain(`… et 390 autres articles\u202f: ${BUSY_BASE}/\n`);
  });

  it('the public archive keeps 300 and says how many more', async () => {
    const app = createApp(deps);
    const list = await (await app.request(`${BUSY_BASE}/newsletter/archive`)).text();
    const issue = /href="(\/newsletter\/archive\/\d+)"/.exec(list)![1]!;
    const html = await (await app.request(`${BUSY_BASE}${issue}`)).text();
    expect(html).toContain('et 130 autres articles');
    const rss = await (await app.request(`${BUSY_BASE}/newsletter/archive.xml`)).text();
    expect(rss).toContain('et 130 autres articles');
  });
});
