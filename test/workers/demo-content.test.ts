import { describe, expect, it } from 'vitest';
import { buildDemoFederation } from '../../workers/node/demo/content.ts';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { isCalendar } from '../../src/agenda/store-calendar.ts';
import { calendarToParseOutput } from '../../src/agenda/parse-calendar-output.ts';

/** The demo federation's documents read inside workerd: every format, the Latin-1 bytes, the agendas. */
describe('demo federation in workerd', () => {
  const federation = buildDemoFederation('https://demo.example');

  it('parses every member feed with the expected number of stories', async () => {
    const formats = new Set<string>();
    for (const network of federation.networks) {
      const url = network.feeds[0] ?? `${network.site}actualites.atom`;
      const file = federation.files.get(new URL(url).pathname)!;
      const feed = await parseFeed(decodeBody(file.body, file.contentType), url);
      formats.add(feed.format);
      expect(feed.items, network.slug).toHaveLength(
        federation.expected.itemsPerNetwork[network.slug]!,
      );
      expect(
        feed.items.every(
          (i) => i.url?.startsWith('https://demo.example/') && i.published && i.contentHtml,
        ),
      ).toBe(true);
    }
    expect([...formats].sort()).toEqual(['atom', 'json', 'rdf', 'rss']);
  });

  it('decodes the ISO-8859-1 feed', async () => {
    const file = federation.files.get('/urscop-hauts-de-france/rss.xml')!;
    expect(file.contentType).toContain('ISO-8859-1');
    const feed = await parseFeed(
      decodeBody(file.body, file.contentType),
      'https://demo.example/urscop-hauts-de-france/rss.xml',
    );
    expect(feed.items.map((i) => i.title)).toContain(
      'Économie sociale et solidaire : les salariés reprennent leur imprimerie en Scop',
    );
  });

  it('reads the agendas as calendars with every event', () => {
    const uids = [...federation.files]
      .filter(([path]) => path.endsWith('.ics'))
      .flatMap(([, file]) => {
        const text = decodeBody(file.body, file.contentType);
        expect(isCalendar(text)).toBe(true);
        return calendarToParseOutput(text).events.map((e) => e.uid);
      });
    expect(uids.sort()).toEqual([...federation.expected.eventUids].sort());
  });
});
