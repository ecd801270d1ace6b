/**
 * Group commit (workers/node/group-commit.ts): stores that follow each other share one SQLite
 * transaction, and each learns when its writes are committed, which is when a pull reports it.
 * Another connection (as another process would) is the judge of what is committed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { count, eq } from 'drizzle-orm';
import { openSqlite } from '../../workers/node/sqlite.ts';
import type { CommitGroup } from '../../src/db/client.ts';
import { groupCommit } from '../../workers/node/group-commit.ts';
import { pull } from '../../src/ingest/pull.ts';
import { entries, sources, subscribers } from '../../src/db/schema/index.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { requestSubscription } from '../../src/newsletter/subscription/lifecycle.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import {
  addNetwork,
  BASE,
  confirmationPath,
  postSubscribe,
} from '../support/newsletter-fixtures.ts';
import { createApp } from '../../src/app.ts';

const opened: Array<{ close(): void }> = [];
afterEach(() =>
  opened
    .splice(0)
    .reverse()
    .forEach((db) => db.close()),
);

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'hub-group-')), 'hub.sqlite');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A SQLite file with a `marks` table, through the hub's connection, and a second connection to judge. */
function files() {
  const path = freshPath();
  const db = openSqlite(path);
  db.raw.exec('create table marks (k integer primary key)');
  const other = new BetterSqlite3(path);
  opened.push(db, other);
  const insert = db.raw.prepare('insert into marks values (?)');
  const seen = () =>
    (other.prepare('select k from marks order by k').all() as Array<{ k: number }>).map((r) => r.k);
  return { path, db, insert, seen };
}

/**
 * The same, with a group of its own whose idle delay is far above any pause a loaded machine
 * puts between two steps of a test: with IDLE_MS (100 ms), a stalled timer committed early.
 */
function patientFiles() {
  const path = freshPath();
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  raw.exec('create table marks (k integer primary key)');
  const other = new BetterSqlite3(path);
  const group = groupCommit(raw, path, { idleMs: 2000, maxOpenMs: 60_000 });
  opened.push({ close: () => (group.close(), raw.close()) }, other);
  const insert = raw.prepare('insert into marks values (?)');
  const seen = () =>
    (other.prepare('select k from marks order by k').all() as Array<{ k: number }>).map((r) => r.k);
  return { path, group, insert, seen };
}

describe('group commit', () => {
  it('stores that follow each other share one commit, seen by others only once it lands', async () => {
    const { group, insert, seen } = patientFiles();
    const first = await group.run(async () => insert.run(1));
    await sleep(50);
    const second = await group.run(async () => insert.run(2));
    expect(seen(), 'nothing committed while stores keep coming').toEqual([]);
    let secondSettled = false;
    void second.committed.then(() => (secondSettled = true));
    await first.committed;
    // Settled by the same commit, the second is told before any other event is handled.
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondSettled, 'one commit settles both').toBe(true);
    expect(seen()).toEqual([1, 2]);
  });

  it('a flush (the end of a pull) commits at once', async () => {
    const { db, insert, seen } = files();
    const { committed } = await db.commitGroup!.run(async () => insert.run(1));
    db.commitGroup!.flush();
    expect(seen()).toEqual([1]);
    await expect(committed).resolves.toBeUndefined();
  });

  it('a write committed at once mid-store (before an email leaves) commits the group, and the store still learns it is committed', async () => {
    const { db, insert, seen } = files();
    const first = await db.commitGroup!.run(async () => insert.run(1));
    const second = await db.commitGroup!.run(async () => {
      insert.run(2);
      await db.durably(async () => undefined);
      expect(seen(), 'the flush took 1 and what 2 had written').toEqual([1, 2]);
      insert.run(3);
    });
    expect(seen(), 'after the flush, the store went on outside any transaction').toEqual([1, 2, 3]);
    await expect(first.committed).resolves.toBeUndefined();
    await expect(second.committed).resolves.toBeUndefined();
  });

  it('a transaction open longer than its bound commits after the store that passes it', async () => {
    const path = freshPath();
    const raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    raw.exec('create table marks (k integer primary key)');
    const other = new BetterSqlite3(path);
    const group = groupCommit(raw, path, { idleMs: 10_000, maxOpenMs: 1000 });
    opened.push({ close: () => (group.close(), raw.close()) }, other);
    const count = () => (other.prepare('select count(*) n from marks').get() as { n: number }).n;
    const works = [];
    // 2 passes the bound by far (a timer is late under load, never early); 1 and 3 take no time.
    for (const [k, ms] of [
      [1, 0],
      [2, 1200],
      [3, 0],
    ] as const) {
      works.push(
        await group.run(
          async () => (raw.prepare('insert into marks values (?)').run(k), await sleep(ms)),
        ),
      );
    }
    // Open 1.2 s at the end of 2: committed with 1; 3 opened the next transaction.
    expect(count()).toBe(2);
    await Promise.all(works.slice(0, 2).map((w) => w.committed));
    group.flush();
    await works[2]!.committed;
    expect(count()).toBe(3);
  });

  it('a transaction SQLite rolled back by itself fails every store in it: none is reported saved', async () => {
    const { db, insert, seen } = files();
    const first = await db.commitGroup!.run(async () => insert.run(1));
    // What SQLite does on a full disk or an I/O error mid-transaction.
    const second = await db.commitGroup!.run(async () => (insert.run(2), db.raw.exec('ROLLBACK')));
    await expect(first.committed).rejects.toThrow(/Transaction annulée par SQLite/);
    await expect(second.committed).rejects.toThrow(/Transaction annulée par SQLite/);
    expect(seen()).toEqual([]);
    // The group goes on with the next store.
    const third = await db.commitGroup!.run(async () => insert.run(3));
    db.commitGroup!.flush();
    await third.committed;
    expect(seen()).toEqual([3]);
  });

  it('waits for another process’s write lock without blocking the thread, then goes on', async () => {
    const { path, db, insert, seen } = files();
    const holder = new BetterSqlite3(path);
    opened.push(holder);
    holder.exec('BEGIN IMMEDIATE');
    // The lock goes only once the event loop has run 10 times: a store blocking the thread
    // while it waits would keep it until SQLite's busy timeout failed the store.
    let ticks = 0;
    const ticker = setInterval(() => ++ticks === 10 && holder.exec('COMMIT'), 10);
    try {
      const { committed } = await db.commitGroup!.run(async () => insert.run(1));
      expect(ticks, 'the event loop ran while the store waited').toBeGreaterThanOrEqual(10);
      db.commitGroup!.flush();
      await committed;
      expect(seen()).toEqual([1]);
      expect(
        db.raw.pragma('busy_timeout', { simple: true }),
        'the connection keeps its own patience',
      ).toBe(5000);
    } finally {
      clearInterval(ticker);
    }
  });

  // Records that do not take the store turn (a 304's validators and health, refresh.ts) call
  // the group at once, several before the first one's BEGIN has settled.
  for (const locked of [false, true])
    it(`writes started together join one transaction${locked ? ' while BEGIN waits for another process' : ''}`, async () => {
      const { path, group, insert, seen } = patientFiles();
      const holder = new BetterSqlite3(path);
      opened.push(holder);
      if (locked) {
        holder.exec('BEGIN IMMEDIATE');
        setTimeout(() => holder.exec('COMMIT'), 100);
      }
      const runs = await Promise.all([1, 2, 3].map((k) => group.run(async () => insert.run(k))));
      expect(seen(), 'none committed alone').toEqual([]);
      let settled = 0;
      for (const r of runs) void r.committed.then(() => settled++);
      await sleep(0);
      expect(settled, 'none reported committed before the transaction commits').toBe(0);
      group.flush();
      await Promise.all(runs.map((r) => r.committed));
      expect(seen()).toEqual([1, 2, 3]);
    });

  it('two connections to one file in one process do not group: each store is committed when it returns', async () => {
    const { path, db, insert, seen } = files();
    const second = openSqlite(path);
    opened.push(second);
    const { committed } = await db.commitGroup!.run(async () => insert.run(1));
    expect(seen()).toEqual([1]);
    await committed;
    // The other connection's write would otherwise wait on a lock this thread holds.
    await second.commitGroup!.run(async () =>
      second.raw.prepare('insert into marks values (2)').run(),
    );
    expect(seen()).toEqual([1, 2]);
  });

  it('a process killed with a transaction open keeps what was committed and loses only what was never reported', async () => {
    const path = freshPath();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/group-commit-child.ts', path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stored = 0;
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          const [word, k] = buffer.slice(0, nl).split(' ');
          buffer = buffer.slice(nl + 1);
          if (word === 'stored') stored = Number(k);
          if (word === 'committed') committed = Math.max(committed, Number(k));
          // Mid-group: a commit has landed and three stores have joined the next transaction
          // (a commit's lines all come before the next store's).
          if (word === 'stored' && committed && stored >= committed + 3) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
      child.on(
        'exit',
        (code, signal) =>
          signal !== 'SIGKILL' && reject(new Error(`child exited (${code}) before the kill`)),
      );
    });
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve),
    );
    const raw = new BetterSqlite3(path);
    opened.push(raw);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const kept = (raw.prepare('select k from marks order by k').all() as Array<{ k: number }>).map(
      (r) => r.k,
    );
    expect(kept.length, 'every reported row is there').toBeGreaterThanOrEqual(committed);
    expect(kept, 'rows are whole commits, from the first on').toEqual(
      Array.from({ length: kept.length }, (_, i) => i + 1),
    );
    expect(kept.length, 'stored but unreported rows went with the open transaction').toBeLessThan(
      stored,
    );
  }, 90_000);
});

/** The SQLite file's group commit behind Node deps' Database.store. */
const groupOf = (deps: { db: object }) =>
  (deps.db as unknown as { commitGroup: CommitGroup }).commitGroup;

describe('a pull whose group commit is lost', () => {
  it('reports a storage_error and keeps no validators, so the next pull fetches the document again and stores it', async () => {
    const server = await startFixtureServer();
    const deps = makeNodeDeps();
    opened.push({ close: () => void server.close() }, { close: () => void deps.close() });
    const source = await addSource(deps, 'reseau', `${server.base}/parse/rss2.xml`);
    const group = groupOf(deps);
    const run = group.run.bind(group);
    const raw = (deps.db as unknown as { raw: BetterSqlite3.Database }).raw;
    // The store goes through, then SQLite drops the transaction (as on a full disk).
    group.run = (work) =>
      run(async () => {
        const value = await work();
        raw.exec('ROLLBACK');
        return value;
      });
    const lost = await pull(deps, { trigger: 'test', all: true });
    expect(lost.reports[0]).toMatchObject({
      outcome: 'error',
      errorKind: 'storage_error',
      error: expect.stringMatching(/Transaction annulée par SQLite/),
    });
    const [row] = await deps.db.orm.select().from(sources).where(eq(sources.id, source.id));
    expect(row).toMatchObject({ etag: null, lastModified: null, lastErrorKind: 'storage_error' });
    const [stored] = await deps.db.orm.select({ n: count() }).from(entries);
    expect(stored!.n).toBe(0);

    group.run = run;
    const next = await pull(deps, { trigger: 'test', all: true });
    expect(next.reports[0]).toMatchObject({ outcome: 'ok', httpStatus: 200 });
    expect(next.newItems).toBeGreaterThan(0);
    const [again] = await deps.db.orm.select({ n: count() }).from(entries);
    expect(again!.n).toBe(next.newItems);
  });
});

describe('writes an email or a person relies on, made while a pull holds a group transaction', () => {
  /** Node deps with a real SMTP server, a second connection to judge what is committed, and a store holding the group open. */
  async function setup() {
    const sink = await startSmtpSink();
    const deps = makeNodeDeps({ HUB_SECRET: 'group-commit-secret' });
    deps.mailer = smtpMailer(sink.url, 'Intercoop <lettre@hub.test>', deps.db);
    const other = new BetterSqlite3(deps.config.dbPath);
    opened.push({ close: () => void sink.close() }, { close: () => void deps.close() }, other);
    const holdGroup = async () => {
      let finish!: () => void;
      const store = groupOf(deps).run(() => new Promise<void>((resolve) => (finish = resolve)));
      return async () => (finish(), await (await store).committed);
    };
    return { sink, deps, other, holdGroup };
  }

  it('a digest delivery is claimed, then marked sent, in committed writes around each SMTP transaction', async () => {
    const { sink, deps, other, holdGroup } = await setup();
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: BASE,
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    await addNetwork(deps, 'animacoop', 'Animacoop', 'Occitanie', ['formation']);
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: 'x1',
        url: 'https://animacoop.example/x1',
        title: 'Rencontre régionale',
        contentHtml: '<p>Une rencontre régionale des coopératives, avec des ateliers.</p>',
        published: new Date(),
      }),
    ]);
    for (const i of [1, 2]) {
      await deps.db.orm.insert(subscribers).values({
        email: `s${i}@example.org`,
        choices: { networks: [], tags: [], territories: [] },
        tokenSalt: `salt${i}`,
        confirmedAt: Date.now() - 3600_000,
        updatedAt: Date.now(),
      });
    }
    const states: string[] = [];
    sink.beforeAccept = () => {
      states.push(
        (
          other
            .prepare('select group_concat(state) s from (select state from deliveries order by id)')
            .get() as { s: string }
        ).s,
      );
    };
    const release = await holdGroup();
    const run = await runDigests(deps, { concurrency: 1 });
    await release();
    expect(run.sent).toBe(2);
    expect(states, 'as another process sees the ledger when each message is accepted').toEqual([
      'sending,pending',
      'sent,sending',
    ]);
  });

  it('a person told that a change is done can rely on it: confirmation link (GET) and unsubscription (POST)', async () => {
    const { sink, deps, other, holdGroup } = await setup();
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: BASE,
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    const app = createApp(deps);
    const status = () =>
      (
        other
          .prepare(`select status from subscribers where email = 'dominique@example.org'`)
          .get() as { status: string } | undefined
      )?.status;
    // Each step with a store holding the group's transaction open (a commit closes it).
    expect((await postSubscribe(app, { email: 'dominique@example.org' })).status).toBe(200);
    let release = await holdGroup();
    const confirmed = await app.request(
      `${BASE}${confirmationPath(sink, 'dominique@example.org')}`,
    );
    expect(confirmed.status).toBe(200);
    expect(status(), 'subscribed, as another process sees it, when the page says so').toBe(
      'active',
    );
    await release();
    const token = /\/newsletter\/preferences\/([A-Za-z0-9._-]+)/.exec(await confirmed.text())![1]!;
    release = await holdGroup();
    const left = await app.request(`${BASE}/newsletter/unsubscribe/${token}`, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(left.status).toBe(200);
    expect(status(), 'unsubscribed when the page says so').toBe('unsubscribed');
    await release();
  });

  it('a subscription request is committed before its confirmation email leaves (the link works)', async () => {
    const { sink, deps, other, holdGroup } = await setup();
    let pendingAtSend = -1;
    sink.beforeAccept = () => {
      pendingAtSend = (
        other.prepare('select count(*) n from pending_subscriptions').get() as { n: number }
      ).n;
    };
    // A store in progress keeps the group's transaction open for as long as the request takes.
    const release = await holdGroup();
    const outcome = await requestSubscription(deps, {
      email: 'camille@example.org',
      choices: { networks: [], tags: [], territories: [] },
      frequency: 'weekly',
      lang: 'fr',
      ip: '203.0.113.9',
    });
    await release();
    expect(outcome).toEqual({ ok: true });
    expect(sink.received).toHaveLength(1);
    expect(pendingAtSend, 'the request was committed before its email left').toBe(1);
  });
});
