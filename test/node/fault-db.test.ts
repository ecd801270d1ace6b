/**
 * Faults during a pull, with real processes, a real SQLite file and real member servers:
 * - the database locked by another process (BEGIN EXCLUSIVE) for less, then for more than the
 *   busy timeout: the pull waits, or the sources it could not store get a recorded
 *   'storage_error'; nothing stored before is lost; the next pull completes;
 * - the pulling process killed (SIGKILL) mid-pull: the file is intact, what was stored is there,
 *   a new pull completes every source;
 * - a member server dying mid-response: that source's error is recorded, the others are fine;
 * - two processes pulling the same file at once: their stores take turns (store-lease.ts), so
 *   none fails on a unique index and a story relayed by two sources is kept once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import { count, eq, inArray } from 'drizzle-orm';
import { entries, items, pulls, sources } from '../../src/db/schema/index.ts';
import { pull } from '../../src/ingest/pull.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import type { Deps } from '../../src/deps.ts';
import { renderSource, validators } from '../../bench/ingest/federation.ts';
import { feedUrl, spawnFederation } from '../../bench/ingest/server.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';

const ITEMS = 12;
const root = fileURLToPath(new URL('../..', import.meta.url));

type Fixture = Awaited<ReturnType<typeof startFixtureServer>>;

/** Serves member `i` of the bench federation at /m/<i>.xml with validators; `delayMs` before answering. */
function serveMember(
  server: Fixture,
  i: number,
  total: number,
  options: { delayMs?: number } = {},
): string {
  const path = `/m/${i}.xml`;
  const now = Date.UTC(2026, 10, 20);
  server.route(path, async (req, res) => {
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const { etag, lastModified } = validators(i, ITEMS);
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    const feed = renderSource(() => server.base, i, ITEMS, total, now);
    res
      .writeHead(200, { 'content-type': feed.contentType, etag, 'last-modified': lastModified })
      .end(feed.body);
  });
  return `${server.base}${path}`;
}

function yamlFor(networks: Array<{ slug: string; feeds: string[] }>): string {
  return `hub:\n  title: Intercoop\n  base_url: https://hub.test\nnetworks:\n${networks.map((n) => `  - slug: ${n.slug}\n    name: ${n.slug}\n    feeds: [${n.feeds.join(', ')}]\n`).join('')}`;
}

async function entryCount(deps: Deps, sourceIds?: number[]): Promise<number> {
  const q = deps.db.orm.select({ n: count() }).from(entries);
  const [row] = await (sourceIds ? q.where(inArray(entries.sourceId, sourceIds)) : q);
  return row!.n;
}

/** A line of test/support/pull-child.ts: "done <sourceId> <outcome> <new>" for a finished source. */
function doneReport(line: string): { sourceId: number; outcome: string; new: number } | null {
  const [word, id, outcome, n] = line.split(' ');
  return word === 'done' ? { sourceId: Number(id), outcome: outcome!, new: Number(n) } : null;
}

/** Every stored entry and story, to compare before and after a fault. */
async function snapshot(deps: Deps) {
  const e = await deps.db.orm
    .select({ id: entries.id, itemId: entries.itemId, hash: entries.contentHash })
    .from(entries)
    .orderBy(entries.id);
  const it = await deps.db.orm
    .select({ id: items.id, title: items.title })
    .from(items)
    .orderBy(items.id);
  return { entries: e, items: it };
}

/**
 * The bench federation served by another process (bench/ingest/server.ts): a hub process whose
 * event loop waits on a lock must not also be the one serving the members.
 */
async function federationProcess(
  args: string[],
): Promise<{ urlOf(i: number): string; close(): void }> {
  const { child, ports } = await spawnFederation(args);
  return { urlOf: (i) => feedUrl(ports, i), close: () => void child.kill() };
}

/**
 * Another process that holds BEGIN EXCLUSIVE on the file when told to, and releases it when
 * told to; resolves once that process is up.
 */
function lockFromAnotherProcess(dbPath: string): Promise<LockHolder> {
  // Loaded before it is told to lock, and told when to release: a loaded machine's slow process
  // start or pipe cannot move the lock before the pull, or its release before the pull's wait.
  const code = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    process.stdout.write('ready\\n');
    require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
      if (line === 'lock') { db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); }
      else setTimeout(() => {
        db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); process.exit(0);
      }, Number(line));
    });
  `;
  const child = spawn(process.execPath, ['-e', code, dbPath], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const released = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const listen = (d: Buffer) => {
        if (!d.toString().includes(word)) return;
        child.stdout!.off('data', listen);
        resolve();
      };
      child.stdout!.on('data', listen);
      child.once('exit', (code) =>
        reject(new Error(`lock holder exited (${code}) before ${word}`)),
      );
    });
  return said('ready').then(() => ({
    child,
    released,
    lock: () => (child.stdin!.write('lock\n'), said('locked')),
    releaseIn: (ms: number) => void child.stdin!.write(`${ms}\n`),
  }));
}

interface LockHolder {
  child: ChildProcess;
  released: Promise<void>;
  /** Takes the write lock; resolves once it is held. */
  lock(): Promise<void>;
  /** Releases it `ms` after this call (later on a loaded machine, never sooner). */
  releaseIn(ms: number): void;
}

describe('the database locked by another process during a pull', () => {
  const deps = makeNodeDeps();
  let server: Awaited<ReturnType<typeof federationProcess>>;
  const feeds: string[] = [];

  beforeAll(async () => {
    // Six members on six hosts; the last three answer after a second: the lock lands while their fetches are in flight.
    server = await federationProcess([
      '--sources',
      '6',
      '--items',
      String(ITEMS),
      '--hosts',
      '6',
      '--slow-from',
      '3',
      '--delay-ms',
      '1000',
    ]);
    for (let i = 0; i < 6; i++) feeds.push(server.urlOf(i));
    await syncFederation(
      deps,
      parseNetworksFile(yamlFor([{ slug: 'anciens', feeds: feeds.slice(0, 3) }])),
    );
    const first = await pull(deps, { trigger: 'test', all: true });
    expect(first.failed).toBe(0);
    expect(await entryCount(deps)).toBe(3 * ITEMS);
    await syncFederation(
      deps,
      parseNetworksFile(
        yamlFor([
          { slug: 'anciens', feeds: feeds.slice(0, 3) },
          { slug: 'nouveaux', feeds: feeds.slice(3) },
        ]),
      ),
    );
  });
  afterAll(async () => {
    server?.close();
    await deps.close();
  });

  it('locked for less than the busy timeout: the pull waits and completes', async () => {
    const before = await snapshot(deps);
    const lock = await lockFromAnotherProcess(deps.config.dbPath);
    await lock.lock();
    const started = Date.now();
    lock.releaseIn(1500);
    const summary = await pull(deps, { trigger: 'test', network: 'anciens', all: true });
    expect(Date.now() - started, 'the pull waited for the lock').toBeGreaterThanOrEqual(1000);
    await lock.released;
    expect(summary.failed, JSON.stringify(summary.reports.map((r) => r.error))).toBe(0);
    expect(summary.notModified).toBe(3);
    expect(await snapshot(deps)).toEqual(before);
  });

  it('locked mid-pull for longer than the busy timeout: a recorded storage_error, nothing lost, the next pull completes', async () => {
    const before = await snapshot(deps);
    const finishedAt: number[] = [];
    const lock = await lockFromAnotherProcess(deps.config.dbPath);
    const pulling = pull(deps, {
      trigger: 'test',
      network: 'nouveaux',
      all: true,
      onProgress: () => finishedAt.push(Date.now()),
    });
    await lock.lock();
    const lockedAt = Date.now();
    // Held past the busy timeout (5 s) of stores that start waiting up to 4 s after it.
    lock.releaseIn(9_000);
    const summary = await pulling;
    await lock.released;
    expect(
      finishedAt.every((t) => t > lockedAt),
      'the lock was held before any source finished',
    ).toBe(true);

    const failed = summary.reports.filter((r) => r.outcome === 'error');
    expect(failed.length, 'at least the first store hit the lock').toBeGreaterThan(0);
    for (const r of failed) expect(r.errorKind, r.error ?? '').toBe('storage_error');
    // Recorded on the source, and the validators not saved (else the next pull would get a 304 and never store the items).
    const rows = await deps.db.orm
      .select()
      .from(sources)
      .where(
        inArray(
          sources.id,
          failed.map((r) => r.sourceId),
        ),
      );
    for (const row of rows) {
      expect(row.lastErrorKind).toBe('storage_error');
      expect(row.errorCount).toBe(1);
      expect(row.etag).toBeNull();
    }
    // All or nothing per document: no half-stored feed.
    expect(
      await entryCount(
        deps,
        failed.map((r) => r.sourceId),
      ),
    ).toBe(0);
    await expectKept(before);

    const next = await pull(deps, { trigger: 'test', all: true });
    expect(next.failed, JSON.stringify(next.reports.map((r) => r.error))).toBe(0);
    expect(await entryCount(deps)).toBe(6 * ITEMS);
    const [healthy] = await deps.db.orm
      .select({ n: count() })
      .from(sources)
      .where(eq(sources.errorCount, 0));
    expect(healthy!.n).toBe(6);
  }, 60_000);

  it('locked before the pull starts, for longer than the busy timeout: the run fails cleanly, nothing lost, the next one completes', async () => {
    const before = await snapshot(deps);
    const lock = await lockFromAnotherProcess(deps.config.dbPath);
    await lock.lock();
    // Past the busy timeout (5 s) of a pull that starts waiting up to 2 s from now.
    lock.releaseIn(7_000);
    // Either the run itself cannot start (it must record itself first) and says the database is
    // locked, or it runs and records a storage_error on what it could not store.
    const outcome = await pull(deps, { trigger: 'test', all: true }).then(
      (summary) => ({ summary, error: null }),
      (error: Error) => ({ summary: null, error }),
    );
    await lock.released;
    if (outcome.error) expect(outcome.error.message).toMatch(/locked|verrouill/i);
    else
      for (const r of outcome.summary!.reports.filter((x) => x.outcome === 'error'))
        expect(r.errorKind).toBe('storage_error');
    await expectKept(before);
    const next = await pull(deps, { trigger: 'test', all: true });
    expect(next.failed).toBe(0);
    expect(next.notModified).toBe(6);
  }, 60_000);

  /** Every entry stored before is still there, unchanged. */
  async function expectKept(before: Awaited<ReturnType<typeof snapshot>>) {
    const after = await snapshot(deps);
    const kept = new Map(after.entries.map((e) => [e.id, e]));
    for (const e of before.entries) expect(kept.get(e.id)).toEqual(e);
    const stories = new Set(after.items.map((i) => i.id));
    for (const i of before.items) expect(stories.has(i.id)).toBe(true);
  }
});

describe('the pulling process killed mid-pull (SIGKILL)', () => {
  const deps = makeNodeDeps();
  let server: Fixture;
  // More members than a store batch holds (store-batcher.ts MAX_DOCUMENTS): the first batch's
  // sources report together, the kill lands while the next ones are fetched.
  const N = 24;

  beforeAll(async () => {
    server = await startFixtureServer();
    // Slow members: the child fetches one at a time, so the kill lands mid-pull.
    const feeds = Array.from({ length: N }, (_, i) => serveMember(server, i, N, { delayMs: 250 }));
    await syncFederation(
      deps,
      parseNetworksFile(yamlFor(feeds.map((f, i) => ({ slug: `membre-${i}`, feeds: [f] })))),
    );
  });
  afterAll(async () => {
    await server?.close();
    await deps.close();
  });

  it('the file stays intact, what was stored is there, and a new pull completes every source', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/pull-child.ts', deps.config.dbPath],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const done: Array<{ sourceId: number; outcome: string; new: number }> = [];
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          const report = doneReport(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (report) done.push(report);
          // A batch's reports may arrive in one chunk: all of them count as stored.
          if (done.length >= 3) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL'
          ? resolve()
          : reject(new Error(`child exited ${code} before the kill: ${stderr}`)),
      );
    });
    await new Promise((r) => child.once('exit', r).exitCode !== null && r(null));
    expect(child.signalCode).toBe('SIGKILL');
    expect(
      done.every((d) => d.outcome === 'ok' && d.new === ITEMS),
      JSON.stringify(done),
    ).toBe(true);

    // Reopen the file from another connection: integrity, then what the killed process stored.
    const raw = new BetterSqlite3(deps.config.dbPath);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }
    expect(
      await entryCount(
        deps,
        done.map((d) => d.sourceId),
      ),
    ).toBe(done.length * ITEMS);
    const total = await entryCount(deps);
    expect(total, 'the kill came before the end').toBeLessThan(N * ITEMS);
    const [crashed] = await deps.db.orm.select().from(pulls).where(eq(pulls.trigger, 'fault-test'));
    expect(crashed!.finishedAt, 'the killed run never finished').toBeNull();

    const next = await pull(deps, { trigger: 'test', all: true });
    expect(next.failed, JSON.stringify(next.reports.map((r) => r.error))).toBe(0);
    expect(next.sources).toBe(N);
    expect(await entryCount(deps)).toBe(N * ITEMS);
  }, 60_000);
});

describe('a member server dying mid-response', () => {
  const deps = makeNodeDeps({ HUB_FETCH_TIMEOUT_MS: '5000' });
  let server: Fixture;
  const N = 4;

  beforeAll(async () => {
    server = await startFixtureServer();
    const feeds = Array.from({ length: N }, (_, i) => serveMember(server, i, N));
    const now = Date.UTC(2026, 10, 20);
    const half = (res: ServerResponse, body: string, headers: Record<string, string | number>) => {
      res.writeHead(200, headers);
      res.write(body.slice(0, Math.floor(body.length / 2)));
      // The process serving it dies: the connection is cut, no end of body.
      setTimeout(() => res.socket?.destroy(), 50);
    };
    server.route('/dies/length.xml', (_req, res) => {
      const feed = renderSource(() => server.base, 10, ITEMS, N, now);
      half(res, feed.body, {
        'content-type': feed.contentType,
        'content-length': Buffer.byteLength(feed.body),
      });
    });
    server.route('/dies/chunked.xml', (_req, res) => {
      const feed = renderSource(() => server.base, 11, ITEMS, N, now);
      half(res, feed.body, { 'content-type': feed.contentType });
    });
    await syncFederation(
      deps,
      parseNetworksFile(
        yamlFor([
          ...feeds.map((f, i) => ({ slug: `membre-${i}`, feeds: [f] })),
          {
            slug: 'mourant',
            feeds: [`${server.base}/dies/length.xml`, `${server.base}/dies/chunked.xml`],
          },
        ]),
      ),
    );
  });
  afterAll(async () => {
    await server?.close();
    await deps.close();
  });

  it('records that source’s error (with Content-Length and chunked), stores nothing of the half document, the others are fine', async () => {
    const summary = await pull(deps, { trigger: 'test', all: true });
    const dying = summary.reports.filter((r) => r.networkSlug === 'mourant');
    expect(dying).toHaveLength(2);
    for (const r of dying) {
      expect(r.outcome, `${r.url}: ${r.error}`).toBe('error');
      expect(r.errorKind).not.toBeNull();
      expect(r.error!.length).toBeGreaterThan(10);
    }
    const rows = await deps.db.orm.select().from(sources).where(eq(sources.networkSlug, 'mourant'));
    for (const row of rows) {
      expect(row.lastErrorKind, row.url).not.toBeNull();
      expect(row.errorCount).toBe(1);
      expect(row.etag).toBeNull();
    }
    expect(
      await entryCount(
        deps,
        rows.map((r) => r.id),
      ),
      'half a feed is not stored as if it were the feed',
    ).toBe(0);
    const others = summary.reports.filter((r) => r.networkSlug !== 'mourant');
    expect(others.map((r) => r.outcome)).toEqual(Array(N).fill('ok'));
    expect(await entryCount(deps)).toBe(N * ITEMS);
  });
});

/** Runs test/support/pull-child.ts on `dbPath` to its end: one report per pulled source. */
async function pullInChild(
  dbPath: string,
): Promise<Array<{ sourceId: number; outcome: string; new: number }>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/pull-child.ts', dbPath], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`pull child exited ${code}: ${stderr}`);
  return stdout.split('\n').flatMap((l) => doneReport(l) ?? []);
}

describe('two processes pulling one file at once (serve’s schedule and a CLI pull)', () => {
  const deps = makeNodeDeps();
  let server: Fixture;
  const STORIES = 1000;

  beforeAll(async () => {
    server = await startFixtureServer();
    // Two networks relay one big feed: each process stores both sources, each story twice.
    const now = Date.UTC(2026, 10, 20);
    server.route('/relayed.xml', (_req, res) => {
      const feed = renderSource(() => server.base, 0, STORIES, 1, now);
      res.writeHead(200, { 'content-type': feed.contentType }).end(feed.body);
    });
    const url = `${server.base}/relayed.xml`;
    await syncFederation(
      deps,
      parseNetworksFile(
        yamlFor([
          { slug: 'relais-a', feeds: [url] },
          { slug: 'relais-b', feeds: [url] },
        ]),
      ),
    );
  });
  afterAll(async () => {
    await server?.close();
    await deps.close();
  });

  it('no store fails and every story is kept once, with both relays', async () => {
    const reports = (
      await Promise.all([pullInChild(deps.config.dbPath), pullInChild(deps.config.dbPath)])
    ).flat();
    expect(
      reports.filter((r) => r.outcome !== 'ok'),
      JSON.stringify(reports),
    ).toEqual([]);
    const ids = (await deps.db.orm.select({ id: sources.id }).from(sources)).map((s) => s.id);
    // Each source's entries were new to exactly one of the two processes.
    for (const id of ids)
      expect(reports.filter((r) => r.sourceId === id).reduce((n, r) => n + r.new, 0)).toBe(STORIES);
    const stored = await deps.db.orm
      .select({ sourceId: entries.sourceId, guidHash: entries.guidHash, itemId: entries.itemId })
      .from(entries);
    expect(stored).toHaveLength(2 * STORIES);
    const [a, b] = ids.map(
      (id) => new Map(stored.filter((e) => e.sourceId === id).map((e) => [e.guidHash, e.itemId])),
    );
    expect([...a!].filter(([guid, item]) => b!.get(guid) !== item)).toEqual([]);
    // Two processes that each start tsx and read 1,000 stories: ~10 s alone, far more on a
    // loaded 2-core machine.
  }, 120_000);
});
