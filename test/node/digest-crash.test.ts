import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { deliveries, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { addNetwork } from '../support/newsletter-fixtures.ts';

const SUBSCRIBERS = 30;
const KILL_AFTER = 10;

/** Runs `intercoop digest ARGS` in a child process against the test database and SMTP sink. */
function runCli(env: Record<string, string>, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; out: string }> } {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/intercoop.js'), 'digest', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, done: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))) };
}

describe('digest run killed mid-way (child process, real SMTP server)', () => {
  const deps = makeNodeDeps({ HUB_SECRET: 'crash-secret' });
  afterAll(() => deps.close());

  it('a rerun delivers exactly one copy to every subscriber', async () => {
    const sink = await startSmtpSink();
    try {
      await writeHubSettings(deps.db, { title: 'Intercoop', baseUrl: 'https://hub.test', language: 'fr', timezone: 'Europe/Paris' });
      await addNetwork(deps, 'animacoop', 'Animacoop', 'Occitanie', ['formation']);
      const source = await addSource(deps, 'animacoop');
      await storeFeedItems(deps, source, [parsedItem({ guid: 'x1', url: 'https://animacoop.example/x1', title: 'Rencontre régionale', contentHtml: '<p>Une rencontre régionale des coopératives, avec des ateliers et un repas partagé pour toutes et tous.</p>', published: new Date() })]);
      const now = Date.now();
      for (let i = 1; i <= SUBSCRIBERS; i++) {
        await deps.db.orm.insert(subscribers).values({ email: `s${i}@example.org`, choices: { networks: [], tags: [], territories: [] }, tokenSalt: `salt${i}`, confirmedAt: now - 3600_000, updatedAt: now });
      }
      const env = { HUB_DB: join(deps.dir, 'hub.sqlite'), HUB_SMTP_URL: `smtp://127.0.0.1:${sink.port}?rate=0&pool=1`, HUB_SECRET: 'crash-secret', HUB_MAIL_FROM: 'lettre@hub.test' };

      const first = runCli(env, []);
      // The server takes KILL_AFTER messages, then the process dies while the next one is in
      // the SMTP transaction (before the server's answer: that message was not accepted).
      sink.beforeAccept = (_to, count) => {
        if (count < KILL_AFTER) return true;
        first.child.kill('SIGKILL');
        return false;
      };
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(sink.received).toHaveLength(KILL_AFTER);
      const inFlight = await deps.db.orm.select().from(deliveries).where(eq(deliveries.state, 'sending'));
      expect(inFlight.length).toBeGreaterThan(0); // the crash left claimed rows behind

      sink.beforeAccept = null;
      const second = runCli(env, ['--takeover']);
      const resumed = await second.done;
      expect(resumed.code, resumed.out).toBe(0);
      expect(resumed.out).toContain(`${SUBSCRIBERS - KILL_AFTER} sent`);

      for (let i = 1; i <= SUBSCRIBERS; i++) expect(sink.countFor(`s${i}@example.org`), `s${i}`).toBe(1);
      const ids = sink.received.map((r) => r.mail.messageId);
      expect(new Set(ids).size).toBe(SUBSCRIBERS);
      const rows = await deps.db.orm.select().from(deliveries);
      expect(rows.every((r) => r.state === 'sent')).toBe(true);

      // A third run has nothing left to do.
      const third = await runCli(env, []).done;
      expect(third.out).toContain('No subscriber is due');
      expect(sink.received).toHaveLength(SUBSCRIBERS);
    } finally {
      await sink.close();
    }
  });
});
