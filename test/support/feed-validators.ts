/**
 * The by-the-book checks of the republished feeds, with real validators: jing + the RFC 4287
 * RELAX NG grammar (Atom), Debian's python3-feedparser (bozo), newsboat, and ajv with the
 * JSON Feed 1.1 schema.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const fixtures = fileURLToPath(new URL('../fixtures/publish/', import.meta.url));

/** jing's verdict: '' when valid, else its messages. */
export function jingAtom(xml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-jing-'));
  const file = join(dir, 'feed.atom');
  writeFileSync(file, xml);
  const r = spawnSync('jing', ['-c', join(fixtures, 'atom.rnc'), file], { encoding: 'utf8' });
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}` || `jing exited ${r.status}`;
}

export interface FeedparserResult {
  bozo: number;
  exception: string | null;
  version: string;
  links: { rel: string; href: string }[];
  entries: {
    id: string;
    title: string;
    link: string;
    tags: string[];
    source: { href?: string; title?: string; updated?: string } | null;
    enclosures: { href: string; type: string }[];
    published: string | null;
    updated: string | null;
  }[];
}

const FEEDPARSER = `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
out = {
  "bozo": int(d.bozo), "exception": str(d.get("bozo_exception")) if d.bozo else None, "version": d.version,
  "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in d.feed.get("links", [])],
  "entries": [{
    "id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
    "tags": [t.get("term") for t in e.get("tags", [])],
    "source": {k: v for k, v in [("href", e.source.get("href")), ("title", e.source.get("title")), ("updated", e.source.get("updated"))] if k != "updated" or v} if e.get("source") else None,
    "enclosures": [{"href": x.get("href"), "type": x.get("type")} for x in e.get("enclosures", [])],
    "published": e.get("published"), "updated": e.get("updated"),
  } for e in d.entries],
}
print(json.dumps(out))
`;

/** Parses a feed with Debian's feedparser (the reference for "parses without bozo"). */
export function feedparser(body: string): FeedparserResult {
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', FEEDPARSER], { input: body, encoding: 'utf8' }),
  ) as FeedparserResult;
}

/**
 * Loads `url` in newsboat (reload, no UI) and returns the titles it stored. Asynchronous: the
 * server under test usually runs in this very process.
 */
export async function newsboatTitles(url: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-newsboat-'));
  writeFileSync(join(dir, 'urls'), `${url}\n`);
  writeFileSync(join(dir, 'config'), 'download-timeout 10\n');
  await promisify(execFile)(
    'newsboat',
    [
      '-u',
      join(dir, 'urls'),
      '-C',
      join(dir, 'config'),
      '-c',
      join(dir, 'cache.db'),
      '-x',
      'reload',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
      timeout: 30_000,
    },
  );
  const db = new Database(join(dir, 'cache.db'), { readonly: true });
  try {
    return (db.prepare('select title from rss_item order by id').all() as { title: string }[]).map(
      (x) => x.title,
    );
  } finally {
    db.close();
  }
}

let validateJson: (((data: unknown) => boolean) & { errors?: unknown }) | null = null;

/** Errors of a JSON Feed against the JSON Feed 1.1 schema, [] when valid. */
export function jsonFeedErrors(doc: unknown): unknown[] {
  if (!validateJson) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    const addFormats =
      (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
      addFormatsModule;
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    validateJson = ajv.compile(
      JSON.parse(readFileSync(join(fixtures, 'jsonfeed-1.1.schema.json'), 'utf8')),
    );
  }
  return validateJson(doc) ? [] : ((validateJson.errors as unknown[]) ?? ['invalid']);
}
