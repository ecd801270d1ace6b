/**
 * Stored links that kept a private feed's password (db/credentials-repair.ts), on whatever
 * database the deps hold: test/node/credentials-repair.test.ts on a SQLite file,
 * test/workers/credentials-repair.test.ts on D1 in workerd.
 *
 * The rows are written as the hub wrote them before 9063c68: the private feeds read against
 * their address with its user-info (what the read step did then), stored by the real store, and
 * a digest archived from them. Shapes: RSS (relative link, description with a link and an image,
 * relative enclosure), Atom (relative alternate and enclosure links, HTML content), JSON Feed
 * (relative url, content, attachment); a password with percent-encoded characters, and a token
 * alone as user-info.
 */
import { eq, inArray, like } from 'drizzle-orm';
import { expect } from 'vitest';
import { createApp } from '../../src/app.ts';
import { repairStoredCredentials } from '../../src/db/credentials-repair.ts';
import { digests, entries, items, settings, sources, texts } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import { parseFeed } from '../../src/ingest/parse-feed.ts';
import { pullSources } from '../../src/ingest/pull.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { publicUrl } from '../../src/public-url.ts';
import { addSource } from './store-fixtures.ts';

const PASSWORD = 's3cr3t-PaSS';
const ENCODED = 'p%40ss%3Aw0rd';
const TOKEN = 'tok3n-4bcdef';
/** Every form a secret could take in a body or a row. */
const SECRETS = [PASSWORD, ENCODED, 'p@ss:w0rd', TOKEN, 'membre:', 'agent:'];

const rss = (slug: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lettre interne</title><link>/</link>
<item><title>Compte rendu du conseil ${slug}</title><link>/posts/conseil</link><guid>conseil</guid>
<description>&lt;p&gt;Voir &lt;a href="/docs/cr.pdf"&gt;le document&lt;/a&gt;
 et &lt;img src="images/photo.jpg"&gt;&lt;/p&gt;</description>
<enclosure url="audio/cr.mp3" type="audio/mpeg" length="10"/>
<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

const atom = (slug: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Interne</title><id>urn:interne</id>
<updated>2026-11-29T10:00:00Z</updated>
<entry><title>Budget participatif ${slug}</title><id>urn:budget</id>
<link rel="alternate" href="articles/budget.html"/>
<link rel="enclosure" href="/fichiers/budget.ods" length="5"
 type="application/vnd.oasis.opendocument.spreadsheet"/>
<updated>2026-11-29T10:00:00Z</updated>
<content type="html">&lt;p&gt;Tableau &lt;a href="../tableau"&gt;ici&lt;/a&gt;,
 &lt;img src="/img/graph.png" alt="graphe"&gt;&lt;/p&gt;</content></entry></feed>`;

const jsonFeed = (slug: string) =>
  JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Jetons',
    items: [
      {
        id: 'agenda-interne',
        url: '/agenda/interne',
        title: `Agenda interne ${slug}`,
        content_html: '<p>Le <a href="/agenda/interne.ics">calendrier</a> du réseau.</p>',
        date_published: '2026-11-28T08:00:00Z',
        attachments: [{ url: 'pieces/ordre-du-jour.pdf', mime_type: 'application/pdf' }],
      },
    ],
  });

/** The private sources of `slug`, with what each serves, and the host its links point at. */
const feeds = (slug: string) => [
  { url: `https://membre:${PASSWORD}@${slug}.example/feed.xml`, text: rss(slug) },
  { url: `https://agent:${ENCODED}@${slug}-atom.example/atom.xml`, text: atom(slug) },
  { url: `https://${TOKEN}@${slug}-jetons.example/feed.json`, text: jsonFeed(slug) },
];

/**
 * Stores the private feeds of a new network `slug` as the hub did before 9063c68, and archives a
 * digest of them; returns the digest's id.
 */
export async function storeAsBefore(deps: Deps, slug: string): Promise<number> {
  for (const { url, text } of feeds(slug)) {
    const source = await addSource(deps, slug, url);
    // What the read step did then: the links resolved against the address as declared.
    const feed = await parseFeed(text, url);
    await storeFeedItems(deps, source, feed.items);
  }
  const stored = await deps.db.orm
    .select({ id: items.id, title: items.title, url: items.url, at: items.publishedAt })
    .from(items)
    .innerJoin(entries, eq(entries.itemId, items.id))
    .where(eq(entries.networkSlug, slug));
  expect(stored).toHaveLength(3);
  const edition = {
    groups: [
      {
        key: slug,
        title: slug,
        stories: stored.map((s) => ({
          id: s.id,
          title: s.title,
          url: s.url,
          summary: `Lien : ${s.url}`,
          publishedAt: s.at,
          networks: [slug],
          categories: [],
        })),
      },
    ],
    events: [],
    storyCount: 3,
  };
  const now = deps.clock.now().getTime();
  const [digest] = await deps.db.orm
    .insert(digests)
    .values({
      status: 'done',
      windowStart: now - 7 * 86_400_000,
      windowEnd: now,
      edition,
      storyCount: 3,
      createdAt: now,
      finishedAt: now,
    })
    .returning({ id: digests.id });
  return digest!.id;
}

/** The public routes that show `slug`'s stories and the digest `digest`. */
const routes = (slug: string, digest: number) => [
  '/',
  `/?network=${slug}`,
  '/feed.xml',
  '/feed.atom',
  '/feed.json',
  `/networks/${slug}/feed.xml`,
  `/networks/${slug}/feed.atom`,
  `/networks/${slug}/feed.json`,
  `/embed/news?network=${slug}`,
  `/embed/news.js?network=${slug}`,
  '/newsletter/archive',
  `/newsletter/archive/${digest}`,
  '/newsletter/archive.xml',
];

/**
 * The secrets each public route shows (`path: secret`), as rendered now: without the response
 * cache, whose copies follow the store version within its own delay (1 s on Node, the edge TTL
 * on Workers), a finished pull included.
 */
export async function publicLeaks(deps: Deps, slug: string, digest: number): Promise<string[]> {
  const app = createApp({ ...deps, responseCache: undefined });
  const found: string[] = [];
  for (const path of routes(slug, digest)) {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    const body = await res.text();
    for (const secret of SECRETS) if (body.includes(secret)) found.push(`${path}: ${secret}`);
  }
  return found;
}

/** The secrets still in the rows of the tables the repair goes through. */
export async function storedLeaks(deps: Deps): Promise<string[]> {
  const orm = deps.db.orm;
  const rows = [
    ...(await orm.select().from(entries)).map((r) => [r.url, r.canonicalUrl, r.enclosures]),
    ...(await orm.select().from(items)).map((r) => [r.url, r.canonicalUrl, r.enclosures]),
    ...(await orm.select().from(texts)).map((r) => [r.summary, r.contentHtml]),
    ...(await orm.select().from(digests)).map((r) => [r.edition]),
  ];
  const text = JSON.stringify(rows);
  return SECRETS.filter((s) => text.includes(s));
}

/** The repair's marks, forgotten: the database as one the repair never went through. */
export async function forgetRepair(deps: Deps) {
  await deps.db.orm
    .delete(settings)
    .where(inArray(settings.key, ['credentials-repaired', 'credentials-repair-at']));
}

/** The links still lead where they did, to the host without the password. */
async function expectLinksKept(deps: Deps, slug: string, digest: number) {
  const app = createApp({ ...deps, responseCache: undefined });
  const feed = (await (await app.request(`/networks/${slug}/feed.json`)).json()) as {
    items: Array<{ url: string; content_html: string; attachments?: Array<{ url: string }> }>;
  };
  const byUrl = new Map(feed.items.map((i) => [i.url, i]));
  const rssItem = byUrl.get(`https://${slug}.example/posts/conseil`)!;
  expect(rssItem.content_html).toContain(`https://${slug}.example/docs/cr.pdf`);
  expect(rssItem.content_html).toContain(`https://${slug}.example/posts/images/photo.jpg`);
  expect(rssItem.attachments?.[0]?.url).toBe(`https://${slug}.example/posts/audio/cr.mp3`);
  const atomItem = byUrl.get(`https://${slug}-atom.example/articles/budget.html`)!;
  expect(atomItem.content_html).toContain(`https://${slug}-atom.example/tableau`);
  expect(atomItem.content_html).toContain(`https://${slug}-atom.example/img/graph.png`);
  expect(atomItem.attachments?.[0]?.url).toBe(`https://${slug}-atom.example/fichiers/budget.ods`);
  const jsonItem = byUrl.get(`https://${slug}-jetons.example/agenda/interne`)!;
  expect(jsonItem.content_html).toContain(`https://${slug}-jetons.example/agenda/interne.ics`);
  expect(jsonItem.attachments?.[0]?.url).toBe(
    `https://${slug}-jetons.example/agenda/pieces/ordre-du-jour.pdf`,
  );
  const issue = await (await app.request(`/newsletter/archive/${digest}`)).text();
  expect(issue).toContain(`https://${slug}.example/posts/conseil`);
}

/**
 * A database holding links with a private feed's password: every public route shows it; after
 * a pull (any pull: the repair runs at the end of each), none does, the rows hold it no more,
 * the links lead where they did, and the feeds read again store no second story.
 */
export async function pullRepairsStoredLinks(deps: Deps, slug: string) {
  await forgetRepair(deps);
  const digest = await storeAsBefore(deps, slug);
  // The test's premise: the rows as stored then put the password on public pages.
  const before = await publicLeaks(deps, slug, digest);
  expect(before.some((l) => l.startsWith(`/networks/${slug}/feed.json: ${PASSWORD}`))).toBe(true);
  expect(before.some((l) => l.includes(ENCODED))).toBe(true);
  expect(before.some((l) => l.includes(TOKEN))).toBe(true);
  expect(before.some((l) => l.startsWith(`/newsletter/archive/${digest}:`))).toBe(true);

  await pullSources(deps, [], 'test');
  expect(await publicLeaks(deps, slug, digest)).toEqual([]);
  expect(await storedLeaks(deps)).toEqual([]);
  await expectLinksKept(deps, slug, digest);
  // Done: the next pull only reads the mark.
  expect(await repairStoredCredentials(deps)).toBeNull();

  // The same feeds read as the hub reads them now: the same stories, no new one.
  const count = async () =>
    (await deps.db.orm.select().from(entries).where(eq(entries.networkSlug, slug))).length;
  for (const { url, text } of feeds(slug)) {
    const [source] = await deps.db.orm.select().from(sources).where(eq(sources.url, url));
    const feed = await parseFeed(text, publicUrl(url));
    const stored = await storeFeedItems(deps, source!, feed.items);
    expect(stored.new).toBe(0);
  }
  expect(await count()).toBe(3);
}

/**
 * The repair in bounded slices: a run that stops after one slice leaves its position, the next
 * goes on from there; each rewrites only rows that hold user-info, and the last marks it done.
 */
export async function repairGoesOnSliceBySlice(deps: Deps, slug: string) {
  await forgetRepair(deps);
  const digest = await storeAsBefore(deps, slug);
  expect(await storedLeaks(deps)).not.toEqual([]);
  let runs = 0;
  let rewritten = 0;
  for (;;) {
    const done = await repairStoredCredentials(deps, { rows: 2, steps: 1 });
    if (done === null) break;
    rewritten += done;
    expect(done).toBeLessThanOrEqual(2);
    expect(++runs).toBeLessThan(2_000);
  }
  // Three entries, three stories, three texts, one digest: each rewritten once, nothing else.
  expect(rewritten).toBe(10);
  expect(runs).toBeGreaterThan(5);
  expect(await publicLeaks(deps, slug, digest)).toEqual([]);
  expect(await storedLeaks(deps)).toEqual([]);
  const marks = await deps.db.orm
    .select({ key: settings.key })
    .from(settings)
    .where(like(settings.key, 'credentials-%'));
  expect(marks.map((m) => m.key)).toEqual(['credentials-repaired']);
}

/**
 * A hub none of whose sources was ever declared with user-info (a new hub, or one without
 * private feeds) marks the repair done at once, without going through its stored rows.
 */
export async function repairSkipsHubWithoutPrivateFeeds(deps: Deps, slug: string) {
  await forgetRepair(deps);
  const url = `https://${slug}.example/feed.xml`;
  for (const { text } of feeds(slug)) {
    const source = await addSource(deps, slug, url.replace('feed', `feed-${text.length}`));
    await storeFeedItems(deps, source, (await parseFeed(text, url)).items);
  }
  const stored = await deps.db.orm
    .select({ id: entries.id })
    .from(entries)
    .where(eq(entries.networkSlug, slug));
  expect(stored).toHaveLength(3);
  // Slices of one row, one per run: going through the rows would take several runs.
  expect(await repairStoredCredentials(deps, { rows: 1, steps: 1 })).toBe(0);
  const marks = await deps.db.orm
    .select({ key: settings.key })
    .from(settings)
    .where(like(settings.key, 'credentials-%'));
  expect(marks.map((m) => m.key)).toEqual(['credentials-repaired']);
  expect(await repairStoredCredentials(deps, { rows: 1, steps: 1 })).toBeNull();
}
