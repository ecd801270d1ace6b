/**
 * The feed parser (rss-parser, with xml2js) are loaded when a document is parsed, not
 * when `intercoop serve` starts (issue 19: idle memory). `serve` parses on its reading threads,
 * so its main thread at rest never needs them. Checked in the real command, through a preload
 * that reports the packages the process has loaded (test/support/report-loaded-packages.mjs).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// sax is not among them: xml-js, which serve's feed output uses, loads it too.
const PARSERS = ['rss-parser', 'xml2js'];
const preload = pathToFileURL(resolve('test/support/report-loaded-packages.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'hub-lazy-parsers-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function intercoop(args: string[], reportFile: string): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', preload, resolve('bin/intercoop.js'), ...args],
    {
      cwd: dir,
      env: {
        ...process.env,
        LOADED_PACKAGES_FILE: reportFile,
        HUB_DB: join(dir, 'hub.sqlite'),
        HUB_NETWORKS: join(dir, 'networks.yaml'),
        HUB_PORT: '0',
        HUB_LOG_LEVEL: 'warn',
      },
    },
  );
  children.push(child);
  return child;
}

async function loadedPackages(file: string): Promise<string[]> {
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(readFileSync(file, 'utf8')) as string[];
}

describe('feed parsers are loaded on first parse', () => {
  it('serve on an empty federation has not loaded them once started', async () => {
    writeFileSync(
      join(dir, 'networks.yaml'),
      'hub:\n  title: Intercoop\n  base_url: http://127.0.0.1:8787\nnetworks: []\n',
    );
    const report = join(dir, 'serve.json');
    const child = intercoop(['serve'], report);
    await new Promise<void>((started, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        if (out.includes('Intercoop Hub:')) started();
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    child.kill('SIGUSR2');
    const loaded = await loadedPackages(report);
    expect(loaded).toContain('better-sqlite3'); // the report sees what serve does load
    for (const name of PARSERS) expect(loaded).not.toContain(name);
  }, 60_000);

  it('intercoop parse loads them when it parses a feed', async () => {
    const report = join(dir, 'parse.json');
    const child = intercoop(['parse', resolve('test/fixtures/parse/rss2.xml')], report);
    const code = await new Promise((exited) => child.once('exit', exited));
    expect(code).toBe(0);
    const loaded = await loadedPackages(report);
    for (const name of PARSERS) expect(loaded).toContain(name);
  }, 60_000);
});
