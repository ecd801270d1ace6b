/**
 * The fuzz run: mutates the fixture feeds and calendars (test/fixtures) for a while and reads
 * each result on a thread, as a pull would. A read still running after the read budget is a
 * hang; anything thrown that is not a readable IngestError is a crash. Both are kept (the
 * document is written to `saveDir`) and reported; the run is replayable from its seed.
 */
import { readdirSync, readFileSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { READ_BUDGET_MS } from '../../../src/ingest/read-budget.ts';
import { fixturesDir } from '../fixture-server.ts';
import { mutate, rng } from './mutate.ts';
import type { ReadOutcome } from './read-one.ts';

export interface FuzzOptions {
  seconds: number;
  seed: number;
  budgetMs?: number;
  /** Where failing documents are written (none when absent). */
  saveDir?: string;
}

export interface FuzzFailure {
  kind: 'hang' | 'crash';
  fixture: string;
  index: number;
  message: string;
  file: string | null;
}

export interface FuzzReport {
  seed: number;
  documents: number;
  read: number;
  refused: number;
  failures: FuzzFailure[];
  slowestMs: number;
}

const KINDS = /\.(xml|rdf|json|ics|html)$/;

function fixtures(dir = fixturesDir): Array<{ name: string; bytes: Uint8Array }> {
  const out: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...fixtures(path));
    else if (KINDS.test(entry))
      out.push({ name: path.slice(fixturesDir.length + 1), bytes: readFileSync(path) });
  }
  return out;
}

/** A reading thread that can be stopped when it hangs. */
class Reader {
  private worker!: Worker;
  ready!: Promise<void>;
  constructor() {
    this.start();
  }
  private start() {
    const script = new URL('./worker-dev.mjs', import.meta.url);
    this.worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: 384 } });
    this.ready = new Promise((resolve) => this.worker.once('message', () => resolve()));
  }
  /** The outcome, or 'hang' after `budgetMs` (the thread is then replaced). */
  async read(bytes: Uint8Array, budgetMs: number): Promise<ReadOutcome | 'hang'> {
    await this.ready;
    return new Promise((resolve) => {
      const done = (outcome: ReadOutcome | 'hang') => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        resolve(outcome);
      };
      const onMessage = (m: ReadOutcome) => done(m);
      const onError = (err: Error) => {
        this.start();
        done({ kind: 'crash', message: `thread died: ${err.message}` });
      };
      const timer = setTimeout(() => {
        void this.worker.terminate();
        this.start();
        done('hang');
      }, budgetMs);
      this.worker.on('message', onMessage);
      this.worker.once('error', onError);
      this.worker.postMessage(bytes);
    });
  }
  close() {
    return this.worker.terminate();
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const docs = fixtures();
  const random = rng(options.seed);
  const budgetMs = options.budgetMs ?? READ_BUDGET_MS;
  const report: FuzzReport = {
    seed: options.seed,
    documents: 0,
    read: 0,
    refused: 0,
    failures: [],
    slowestMs: 0,
  };
  const reader = new Reader();
  await reader.ready; // the run's time is reading time, not the thread's start
  const until = Date.now() + options.seconds * 1000;
  try {
    while (Date.now() < until) {
      const doc = docs[Math.floor(random() * docs.length)]!;
      const other = docs[Math.floor(random() * docs.length)]!;
      const bytes = mutate(doc.bytes, other.bytes, random);
      const index = report.documents++;
      const started = performance.now();
      const outcome = await reader.read(bytes, budgetMs);
      report.slowestMs = Math.max(report.slowestMs, performance.now() - started);
      if (outcome !== 'hang' && outcome.kind === 'read') report.read++;
      else if (outcome !== 'hang' && outcome.kind === 'refused') report.refused++;
      else {
        let file: string | null = null;
        if (options.saveDir) {
          mkdirSync(options.saveDir, { recursive: true });
          file = join(options.saveDir, `${options.seed}-${index}-${doc.name.replace(/\//g, '_')}`);
          writeFileSync(file, bytes);
        }
        report.failures.push({
          kind: outcome === 'hang' ? 'hang' : 'crash',
          fixture: doc.name,
          index,
          message: outcome === 'hang' ? `still reading after ${budgetMs} ms` : outcome.message,
          file,
        });
      }
    }
  } finally {
    await reader.close();
  }
  return report;
}
