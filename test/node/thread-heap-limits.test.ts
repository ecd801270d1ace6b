import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const moduleUrl = new URL('../../workers/node/thread-heap-limits.ts', import.meta.url).href;

/**
 * A process started as bin/intercoop.js starts it (heap flags on Node's command line) starts a
 * thread asking for a 64 MB old generation, and reports the heap limits it finds: the thread's,
 * from inside it, and the main thread's.
 */
function limitsMb(clearFlags: boolean): { thread: number; main: number } {
  const script = `
    import { Worker } from 'node:worker_threads';
    import v8 from 'node:v8';
    if (${clearFlags}) (await import(${JSON.stringify(moduleUrl)})).threadsFollowTheirOwnHeapLimits();
    const code = "require('node:worker_threads').parentPort.postMessage(" +
      "require('node:v8').getHeapStatistics().heap_size_limit)";
    const worker = new Worker(code, {
      eval: true,
      execArgv: [], // CommonJS, not this -e script's --input-type=module
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 },
    });
    worker.on('message', (limit) => {
      const main = v8.getHeapStatistics().heap_size_limit;
      console.log(JSON.stringify({ thread: limit / 2 ** 20, main: main / 2 ** 20 }));
      void worker.terminate();
    });
  `;
  const out = execFileSync(
    process.execPath,
    [
      '--max-semi-space-size=8',
      '--max-old-space-size=512',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('thread heap limits', () => {
  it('a thread gets the heap it asks for, not the main thread’s flags', () => {
    const { thread, main } = limitsMb(true);
    // 64 MB of old generation plus the young generation's few MB.
    expect(thread).toBeGreaterThanOrEqual(64);
    expect(thread).toBeLessThan(100);
    // The main thread keeps the limit it started with.
    expect(main).toBeGreaterThanOrEqual(512);
  });

  it('without clearing the flags, the flags win (why the module exists)', () => {
    const { thread } = limitsMb(false);
    expect(thread).toBeGreaterThanOrEqual(512);
  });
});
