/**
 * `npm start` (= `intercoop serve`) on a fresh machine: migrations applied to a new SQLite
 * file, the federation file synced, a first pull at start-up, pages served; then the croner
 * schedule (HUB_PULL_CRON) keeps pulling what is due through the in-process dispatcher.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { buildDemoFederation, demoNetworksYaml } from '../../workers/node/demo/content.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { parseNetworksFile } from '../../src/federation/networks-file.ts';
import { syncFederation } from '../../src/federation/sync.ts';
import { dispatchDuePulls } from '../../src/ingest/pull.ts';
import { MIN_REFETCH_MS } from '../../src/ingest/backoff.ts';
import { manualClock } from '../support/store-fixtures.ts';
import { pulls, sources } from '../../src/db/schema/index.ts';
import { schedulePulls } from '../../workers/node/pull-schedule.ts';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('intercoop serve', () => {
  it('applies migrations, syncs networks.yaml, pulls at start-up and serves the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-serve-'));
    const federation = buildDemoFederation(inject('demoBase'), new Date(inject('demoNow')));
    writeFileSync(join(dir, 'networks.yaml'), demoNetworksYaml(federation, 'https://hub.test'));
    const child = spawn(process.execPath, [resolve('bin/intercoop.js'), 'serve'], {
      cwd: dir,
      env: {
        ...process.env,
        HUB_DB: join(dir, 'data', 'hub.sqlite'),
        HUB_NETWORKS: join(dir, 'networks.yaml'),
        HUB_PORT: '0',
        HUB_ALLOW_PRIVATE_HOSTS: '1',
        HUB_LOG_LEVEL: 'warn',
      },
    });
    children.push(child);
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const m = out.match(/Intercoop Hub: (http:\/\/\S+?)\/?\n/);
        if (m) resolveUrl(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    let health: { last_pull: { finished_at: string | null; ok: number; sources: number } | null } =
      { last_pull: null };
    for (let i = 0; i < 100 && !health.last_pull?.finished_at; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await (await fetch(`${url}/healthz`)).json();
    }
    expect(health.last_pull).toMatchObject({ sources: 16, ok: 16 });
    const river = await (await fetch(`${url}/`)).text();
    expect(river).toContain('Animacoop');
    const agenda = await fetch(`${url}/agenda.ics`);
    expect(agenda.status).toBe(200);
  }, 60_000);
});

describe('pull schedule (croner → in-process dispatcher)', () => {
  it('pulls due sources at start-up, holds them while in flight, and never overlaps runs', async () => {
    const deps = makeNodeDeps({ HUB_PULL_CRON: '0 0 1 1 *' });
    const clock = manualClock(new Date().toISOString());
    deps.clock = clock;
    try {
      const federation = buildDemoFederation(inject('demoBase'), new Date(inject('demoNow')));
      await syncFederation(
        deps,
        parseNetworksFile(demoNetworksYaml(federation, 'https://hub.test')),
      );
      const schedule = schedulePulls(deps);
      // The start-up tick runs on its own: wait until it has leased every source (an event),
      // not a fixed 50 ms that a loaded machine may not give it. Bounded: if it never leases
      // them, the tick below finds them due and the test fails.
      const now = clock.now().getTime();
      for (let i = 0; i < 500; i++) {
        const active = await deps.db.orm.select().from(sources).where(eq(sources.status, 'active'));
        if (active.every((s) => s.nextFetchAt > now)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // In flight, sources are leased; once pulled, not due before MIN_REFETCH_MS: a tick now finds nothing.
      expect(await dispatchDuePulls(deps)).toBe(0);
      await deps.dispatcher.idle();
      expect(await dispatchDuePulls(deps)).toBe(0);
      schedule.stop();
      const runs = await deps.db.orm.select().from(pulls);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'cron', sources: 16, ok: 16 });
      const pulled = await deps.db.orm.select().from(sources).where(eq(sources.status, 'active'));
      expect(
        pulled.every(
          (s) => s.lastSuccessAt !== null && s.nextFetchAt === s.lastSuccessAt + MIN_REFETCH_MS,
        ),
      ).toBe(true);
      // The next tick after the minimum interval pulls them again: all 304.
      clock.advance(MIN_REFETCH_MS + 1);
      expect(await dispatchDuePulls(deps)).toBe(16);
      const last = (await deps.db.orm.select().from(pulls)).at(-1)!;
      expect(last).toMatchObject({ trigger: 'cron', notModified: 16 });
    } finally {
      await deps.close();
    }
  });

  it('refuses an invalid HUB_PULL_CRON at start-up with a clear message', () => {
    // Settings are read before anything starts (src/env.ts checks both cron settings).
    expect(() => makeNodeDeps({ HUB_PULL_CRON: 'every half hour' })).toThrow(
      /^HUB_PULL_CRON is not a cron expression the hub reads: "every half hour"/,
    );
  });
});
