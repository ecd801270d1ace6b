/**
 * Calendars read on a reader thread (workers/node/feed-reader-pool.ts): the same events as in
 * line, and a read past its budget stopped for good — the thread terminated and replaced, the
 * source recording "Lecture trop longue" — while the main thread's event loop keeps ticking.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCalendar } from '../../src/agenda/parse-calendar.ts';
import { sources } from '../../src/db/schema/index.ts';
import { refreshInTurn } from '../../src/ingest/refresh.ts';
import { IngestError } from '../../src/ingest/types.ts';
import { feedReaderPool } from '../../workers/node/feed-reader-pool.ts';
import { fixturesDir, startFixtureServer } from '../support/fixture-server.ts';
import { manyEvents } from '../support/hostile-calendars.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock } from '../support/store-fixtures.ts';

const options = { now: new Date('2026-10-01T08:00:00Z'), hubTimezone: 'Europe/Paris' };
const huge = manyEvents(60_000);

/**
 * The share of the time `work` took that this (main) thread's event loop spent running code
 * rather than waiting (performance.eventLoopUtilization): near 1 for a read in line, near 0 for
 * one on another thread. A ratio, unlike the longest gap between timer ticks, which a loaded
 * machine stretches whoever does the reading.
 */
async function mainThreadBusyShare(work: Promise<unknown>): Promise<number> {
  const before = performance.eventLoopUtilization();
  await work.catch(() => {});
  return performance.eventLoopUtilization(before).utilization;
}

describe('calendar reader threads', () => {
  // 600 ms: `huge` takes ~1.6 s to read on a quiet machine (the calendar caps bound it, so it
  // cannot be made much slower) and only longer under load, while a small calendar on a new,
  // cold thread takes 10-80 ms: 150 ms left the small reads a margin of 2-4x, which a loaded
  // CI machine used up (the next document was then stopped too).
  const pool = feedReaderPool(1, { budgetMs: 600 });
  afterAll(() => pool.close());

  it('read a calendar as in line', async () => {
    const text = await readFile(join(fixturesDir, 'agenda/paris-weekly.ics'), 'utf8');
    const slow = feedReaderPool(1);
    try {
      expect(await slow.readCalendar(text, options)).toEqual(parseCalendar(text, options));
    } finally {
      await slow.close();
    }
  });

  it('stop a read past its budget, say so in French, and read the next document on a new thread', async () => {
    const small = await readFile(join(fixturesDir, 'agenda/outlook.ics'), 'utf8');
    await pool.readCalendar(small, options); // the thread is up: what follows is reading time
    const read = pool.readCalendar(huge, options);
    const busy = await mainThreadBusyShare(read);
    const err = await read.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).kind).toBe('read_timeout');
    expect((err as IngestError).message).toMatch(
      /^Lecture trop longue : .*plus de 0,6 s de lecture/,
    );
    // Stopped at its budget: `huge` cannot be read within 0.6 s (~1.6 s on a quiet machine),
    // so read_timeout above is the proof; a read that ignored the budget would end with events.
    expect(busy).toBeLessThan(0.5);
    const text = await readFile(join(fixturesDir, 'agenda/overseas.ics'), 'utf8');
    expect((await pool.readCalendar(text, options)).events.length).toBe(3);
  });

  it('a pull records the overrun on the source, and the next document is read', async () => {
    const server = await startFixtureServer();
    const deps = { ...makeNodeDeps(), clock: manualClock('2026-10-01T08:00:00Z') };
    deps.feedReader = pool;
    try {
      server.route('/huge.ics', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/calendar' }).end(huge);
      });
      const src = await addSource(deps, 'lourd', `${server.base}/huge.ics`);
      const report = await (await refreshInTurn(deps, src)).report;
      expect(report).toMatchObject({ outcome: 'error', errorKind: 'read_timeout' });
      const [row] = await deps.db.orm.select().from(sources).where(eq(sources.id, src.id));
      expect(row!.lastErrorKind).toBe('read_timeout');
      expect(row!.lastError).toMatch(/^Lecture trop longue/);
      const ok = await addSource(deps, 'leger', `${server.base}/agenda/overseas.ics`);
      expect(await (await refreshInTurn(deps, ok)).report).toMatchObject({ outcome: 'ok', new: 3 });
    } finally {
      await server.close();
      await deps.close();
    }
  });
});
