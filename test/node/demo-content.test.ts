import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFederation, type RunningFederation } from '../../workers/node/demo/server.ts';
import { decodeBody } from '../../src/ingest/decode.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';

/** The simulated federation must be valid for independent readers too (feedparser, icalendar), not just for us. */
let running: RunningFederation;
beforeAll(async () => {
  running = await startDemoFederation({ port: 0 });
});
afterAll(() => running.close());

describe('demo federation content', () => {
  it('serves every member feed in its format, readable by our parser', async () => {
    const formats = new Set<string>();
    for (const network of running.federation.networks) {
      for (const url of network.feeds) {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        const feed = await parseFeed(
          decodeBody(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type')),
          url,
        );
        formats.add(feed.format);
        expect(feed.items).toHaveLength(running.federation.expected.itemsPerNetwork[network.slug]!);
        for (const item of feed.items) {
          expect(item.published!.getTime()).toBeLessThanOrEqual(Date.now());
          expect(item.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        }
      }
    }
    expect([...formats].sort()).toEqual(['atom', 'json', 'rdf', 'rss']);
  });

  it('serves the Latin-1 feed as real ISO-8859-1 bytes with its charset', async () => {
    const url = running.federation.networks.find((n) => n.format === 'latin1')!.feeds[0]!;
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=ISO-8859-1');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const feed = await parseFeed(decodeBody(bytes, res.headers.get('content-type')), url);
    expect(feed.items.map((i) => i.title)).toContain(
      'Économie sociale et solidaire : les salariés reprennent leur imprimerie en Scop',
    );
  });

  it('has one site-only network whose page links its feed, and 304s on revalidation', async () => {
    const site = running.federation.networks.find((n) => n.feeds.length === 0)!;
    const res = await fetch(site.site);
    expect(await res.text()).toMatch(
      /<link rel="alternate" type="application\/atom\+xml"[^>]+href="actualites\.atom">/,
    );
    const again = await fetch(site.site, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('passes feedparser (no bozo, XML feeds) and icalendar with recurring_ical_events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-content-'));
    const docs: string[] = [];
    const calendars: string[] = [];
    let i = 0;
    for (const [path, file] of running.federation.files) {
      // feedparser 6.0 (Debian) has no JSON Feed reader: XML formats here, JSON Feeds in the first test.
      if (file.contentType.startsWith('text/html') || file.contentType.includes('json')) continue;
      const name = join(dir, `${i++}`);
      writeFileSync(name, file.body);
      (path.endsWith('.ics') ? calendars : docs).push(name);
    }
    const script = `
import sys, json, datetime, feedparser, icalendar, recurring_ical_events
n = int(sys.argv[1]); out = {"feeds": [], "events": []}
for p in sys.argv[2:2+n]:
    d = feedparser.parse(p)
    out["feeds"].append({"bozo": bool(d.bozo), "err": str(d.get("bozo_exception", "")), "version": d.version, "items": len(d.entries)})
start = datetime.datetime.now(datetime.timezone.utc); end = start + datetime.timedelta(days=60)
for p in sys.argv[2+n:]:
    cal = icalendar.Calendar.from_ical(open(p, "rb").read())
    for e in recurring_ical_events.of(cal).between(start, end):
        out["events"].append(str(e.get("UID")))
print(json.dumps(out))`;
    const out = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script, String(docs.length), ...docs, ...calendars], {
        encoding: 'utf8',
      }),
    ) as {
      feeds: Array<{ bozo: boolean; err: string; version: string; items: number }>;
      events: string[];
    };
    expect(out.feeds.filter((f) => f.bozo)).toEqual([]);
    expect(new Set(out.feeds.map((f) => f.version))).toEqual(new Set(['rss20', 'rss10', 'atom10']));
    // The weekly permanence recurs: several occurrences within 60 days, plus the three single events.
    expect(
      out.events.filter((uid) => uid.startsWith('permanence-cooperative@')).length,
    ).toBeGreaterThanOrEqual(8);
    expect(new Set(out.events)).toEqual(new Set(running.federation.expected.eventUids));
  });
});

describe('prepareDemo', () => {
  it('starts the federation, writes its networks.yaml and the hub settings in the data directory', async () => {
    const { prepareDemo } = await import('../../workers/node/demo/prepare.ts');
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const dataDir = mkdtempSync(join(tmpdir(), 'demo-prepare-'));
    const demo = await prepareDemo({ dataDir, hubPort: 0, federationPort: 0, env: {} });
    try {
      expect(demo.config).toMatchObject({
        dbPath: join(dataDir, 'hub.sqlite'),
        networksFile: join(dataDir, 'networks.yaml'),
        allowPrivateHosts: true,
        port: demo.hubPort,
        baseUrl: demo.hubUrl,
      });
      const file = parse(readFileSync(demo.networksFile, 'utf8')) as {
        hub: { base_url: string; timezone: string };
        networks: Array<{ slug: string; site: string; feeds?: string[]; agendas?: string[] }>;
      };
      expect(file.hub).toMatchObject({ base_url: demo.hubUrl, timezone: 'Europe/Paris' });
      expect(file.networks).toHaveLength(12);
      expect(file.networks.filter((n) => !n.feeds)).toHaveLength(1);
      for (const url of file.networks.flatMap((n) => [
        n.site,
        ...(n.feeds ?? []),
        ...(n.agendas ?? []),
      ])) {
        expect((await fetch(url)).status, url).toBe(200);
      }
    } finally {
      await demo.federation.close();
    }
  });

  it('keeps a HUB_DB given by the user', async () => {
    const { prepareDemo } = await import('../../workers/node/demo/prepare.ts');
    const dataDir = mkdtempSync(join(tmpdir(), 'demo-prepare-'));
    const demo = await prepareDemo({
      dataDir,
      hubPort: 0,
      federationPort: 0,
      env: { HUB_DB: join(dataDir, 'mine.sqlite') },
    });
    await demo.federation.close();
    expect(demo.config.dbPath).toBe(join(dataDir, 'mine.sqlite'));
  });
});
