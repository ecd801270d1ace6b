import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createApp } from '../../src/app.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { addSubscriber } from '../support/digest-selection.ts';

/** List-Id (RFC 2919), "1er décembre", and the archive feed's validators and gzip. */
describe('digest: List-Id, French dates, archive.xml validators (real SQLite, real SMTP)', () => {
  let sink: SmtpSink;
  const deps = makeNodeDeps({ HUB_SECRET: 's' });
  const clock = manualClock('2026-12-01T07:00:00Z'); // Tuesday 1 December, 08:00 in Paris
  deps.clock = clock;
  const app = createApp(deps);

  beforeAll(async () => {
    sink = await startSmtpSink();
    deps.mailer = smtpMailer(sink.url, 'Intercoop Réseaux <lettre@hub.test>', deps.db);
    await writeHubSettings(deps.db, {
      title: 'Intercoop Réseaux',
      baseUrl: 'https://hub.test',
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'l1',
        url: 'https://animacoop.example/l1',
        title: 'Rencontre de décembre',
        contentHtml: '<p>La rencontre de décembre des coopératives, à Montpellier.</p>',
        published: new Date('2026-11-30T10:00:00Z'),
      }),
    ]);
    await addSubscriber(deps, 'liste@example.org', {}, clock.now().getTime());
    clock.advance(60_000);
    expect(await runDigests(deps)).toMatchObject({ sent: 1 });
  });
  afterAll(async () => {
    await deps.mailer?.close?.();
    await sink.close();
    await deps.close();
  });

  it('List-Id: only the phrase is encoded, <list.host> stays readable (RFC 2919)', () => {
    const got = sink.received.find((r) => r.to === 'liste@example.org')!;
    const line = /^List-Id: (.*(?:\r\n[ \t].*)*)/m.exec(got.raw)![1]!.replace(/\r\n[ \t]+/g, ' ');
    expect(line).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <newsletter\.hub\.test>$/);
    const word = /^=\?UTF-8\?B\?([^?]+)\?=/.exec(line)![1]!;
    expect(Buffer.from(word, 'base64').toString('utf8')).toBe('Intercoop Réseaux');
    // mailparser reads the list's id from the angle brackets, as filters do.
    expect(got.mail.headers.get('list')).toMatchObject({ id: { id: 'newsletter.hub.test' } });
    expect(got.mail.subject).toBe('Intercoop Réseaux — la lettre du mardi 1er décembre 2026');
  });

  it('archive.xml: ETag and 304 for either representation, gzip when accepted', async () => {
    const plain = await app.request('https://hub.test/newsletter/archive.xml');
    expect(plain.status).toBe(200);
    const body = await plain.text();
    expect(body).toContain('la lettre du mardi 1er décembre 2026');
    const etag = plain.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    expect(plain.headers.get('last-modified')).toBeTruthy();

    const again = await app.request('https://hub.test/newsletter/archive.xml', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const zipped = await app.request('https://hub.test/newsletter/archive.xml', {
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const gzTag = zipped.headers.get('etag')!;
    expect(gzTag).toBe(etag.replace(/"$/, '-gz"'));
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(body);
    for (const tag of [etag, gzTag]) {
      const res = await app.request('https://hub.test/newsletter/archive.xml', {
        headers: { 'accept-encoding': 'gzip', 'if-none-match': tag },
      });
      expect(res.status).toBe(304);
    }

    // A new digest changes the document: the old ETag no longer matches.
    clock.advance(7 * 24 * 3600_000);
    const source = await addSource(deps, 'autre');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'l2',
        url: 'https://autre.example/l2',
        title: 'Nouvelle semaine',
        contentHtml: '<p>Une nouvelle semaine de rencontres entre coopératives.</p>',
      }),
    ]);
    clock.advance(60_000);
    await runDigests(deps);
    const changed = await app.request('https://hub.test/newsletter/archive.xml', {
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
  });
});
