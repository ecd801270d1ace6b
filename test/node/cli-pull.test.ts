/**
 * The coordinator's path through the real `intercoop` binary: networks.yaml → `networks sync`
 * → `pull` (progress and summary) → `pull --json` (all 304), and `demo --once`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildDemoFederation, demoNetworksYaml } from '../../workers/node/demo/content.ts';

const run = promisify(execFile);
const bin = resolve('bin/intercoop.js');
const dir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
const env = {
  ...process.env,
  HUB_DB: join(dir, 'hub.sqlite'),
  HUB_NETWORKS: join(dir, 'networks.yaml'),
  HUB_ALLOW_PRIVATE_HOSTS: '1',
  HUB_LOG_LEVEL: 'warn',
};
const intercoop = (...args: string[]) =>
  run(process.execPath, [bin, ...args], { env, cwd: dir, timeout: 60_000 });

beforeAll(() => {
  const federation = buildDemoFederation(inject('demoBase'), new Date(inject('demoNow')));
  // One member with a broken feed: the run goes on and says so.
  const yaml = demoNetworksYaml(federation, 'https://hub.test').replace(
    'networks:\n',
    `networks:\n  - slug: reseau-en-panne\n    name: Réseau en panne\n    feeds: [${inject('fixtureBase')}/_pull/error500.xml]\n`,
  );
  writeFileSync(env.HUB_NETWORKS, yaml);
});

describe('intercoop CLI: sync then pull', () => {
  it('syncs the federation file, pulls with progress and a per-source summary, then reports 304s as JSON', async () => {
    const sync = await intercoop('networks', 'sync');
    expect(sync.stdout).toMatch(/13 ajouté/);

    const first = await intercoop('pull');
    expect(first.stderr).toMatch(/^\[1\/17\] /m);
    expect(first.stderr).toMatch(/^\[17\/17\] /m);
    expect(first.stdout).toMatch(
      /✓ animacoop\s+http:\/\/127\.0\.0\.1:\d+\/animacoop\/feed\.xml\n\s+3 nouveau/,
    );
    expect(first.stdout).toMatch(/✗ reseau-en-panne .*error500\.xml\n\s+ERREUR http_error : .*500/);
    expect(first.stdout).toMatch(
      /17 source\(s\) en [\d.]+ s : 16 relevée\(s\), 0 inchangée\(s\), 1 en erreur/,
    );

    const second = await intercoop('pull', '--json');
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({
      trigger: 'cli',
      sources: 17,
      ok: 0,
      not_modified: 16,
      failed: 1,
      new_items: 0,
    });
    expect(
      summary.reports.find((r: { network: string }) => r.network === 'reseau-en-panne'),
    ).toMatchObject({ outcome: 'error', error_kind: 'http_error', http_status: 500 });

    const one = JSON.parse((await intercoop('pull', '--network', 'animacoop', '--json')).stdout);
    expect(one.sources).toBe(2);
    await expect(intercoop('pull', '--network', 'inconnu')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Réseau inconnu : inconnu/),
    });
    await expect(intercoop('pull', '--bogus')).rejects.toMatchObject({ code: 2 });
  }, 120_000);
});

describe('intercoop pull --json', () => {
  it('prints JSON alone on stdout, logs (every level) on stderr, even when sources fail', async () => {
    const own = mkdtempSync(join(tmpdir(), 'hub-cli-json-'));
    const fixtures = inject('fixtureBase');
    // Failures of every kind: HTTP errors, a refused connection, a document that is no feed,
    // a 410, a site with nothing to discover; and a feed that works.
    writeFileSync(
      join(own, 'networks.yaml'),
      `networks:\n  - slug: en-panne\n    name: En panne\n    feeds:\n` +
        `      - ${fixtures}/_pull/error500.xml\n      - ${fixtures}/_pull/busy.xml\n` +
        `      - ${fixtures}/_pull/garbage.xml\n      - ${fixtures}/_pull/gone.xml\n` +
        `      - http://127.0.0.1:1/refused.xml\n      - ${fixtures}/_pull/absent-404.xml\n` +
        `  - slug: en-forme\n    name: En forme\n    feeds: [${fixtures}/_pull/stable/cli-json]\n`,
    );
    // The default log level (info): a failing source is logged.
    const ownEnv = {
      ...env,
      HUB_DB: join(own, 'hub.sqlite'),
      HUB_NETWORKS: join(own, 'networks.yaml'),
      HUB_LOG_LEVEL: 'info',
    };
    const cli = (...args: string[]) =>
      run(process.execPath, [bin, ...args], { env: ownEnv, cwd: own, timeout: 60_000 });
    await cli('networks', 'sync');
    for (const args of [
      ['pull', '--json'],
      ['pull', '--json', '--network', 'en-panne'],
    ]) {
      const { stdout, stderr } = await cli(...args);
      // The whole of stdout is one JSON document.
      const summary = JSON.parse(stdout);
      expect(summary.failed, args.join(' ')).toBeGreaterThanOrEqual(5);
      expect(stdout.trimStart().startsWith('{')).toBe(true);
      // The log lines went to stderr, as JSON, beside the progress lines.
      const logs = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string });
      expect(logs.filter((l) => l.msg === 'source failed').length).toBeGreaterThanOrEqual(5);
      expect(stderr).toMatch(/^\[\d+\/\d+\] en-panne /m);
    }
  }, 120_000);
});

describe('intercoop demo --once', () => {
  let demoDir: string;
  beforeAll(() => {
    demoDir = mkdtempSync(join(tmpdir(), 'hub-demo-'));
  });
  afterAll(() => undefined);

  it('starts the simulated federation, pulls it and prints the summary, offline', async () => {
    const { HUB_DB: _db, HUB_NETWORKS: _n, ...rest } = env;
    const out = await run(process.execPath, [bin, 'demo', '--once'], {
      env: { ...rest, HUB_PORT: '0' },
      cwd: demoDir,
      timeout: 60_000,
    });
    expect(out.stdout).toMatch(/Fédération simulée : http:\/\/127\.0\.0\.1:\d+\/ \(12 réseaux\)/);
    expect(out.stdout).toMatch(
      /16 source\(s\) en [\d.]+ s : 16 relevée\(s\), 0 inchangée\(s\), 0 en erreur/,
    );
  }, 90_000);
});
