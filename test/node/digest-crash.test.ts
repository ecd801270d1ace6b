import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { deliveries, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { addNetwork } from '../support/newsletter-fixtures.ts';

const SUBSCRIBERS = 30;
const KILL_AFTER = 10;

/** Runs `intercoop digest ARGS` in a child process against the test database and SMTP sink. */
function runCli(
  env: Record<string, string>,
  args: string[],
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; out: string }>;
} {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, '../../bin/intercoop.js'), 'digest', ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    done: new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, out })),
    ),
  };
}

describe('digest run killed mid-way (child process, real SMTP server)', () => {
  const deps = makeNodeDeps({ HUB_SECRET: 'crash-secret' });
  afterAll(() => deps.close());

  it('a rerun delivers exactly one copy to every subscriber', async () => {
    const sink = await startSmtpSink();
    try {
      await writeHubSettings(deps.db, {
        title: 'Intercoop',
        baseUrl: 'https://hub.test',
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
          contentHtml:
            '<p>Une rencontre régionale des coopératives, avec des ateliers et un repas partagé pour toutes et tous.</p>',
          published: new Date(),
        }),
      ]);
      const now = Date.now();
      for (let i = 1; i <= SUBSCRIBERS; i++) {
        await deps.db.orm.insert(subscribers).values({
          email: `s${i}@example.org`,
          choices: { networks: [], tags: [], territories: [] },
          tokenSalt: `salt${i}`,
          confirmedAt: now - 3600_000,
          updatedAt: now,
        });
      }
      const env = {
        HUB_DB: join(deps.dir, 'hub.sqlite'),
        HUB_SMTP_URL: `smtp://127.0.0.1:${sink.port}?rate=0&pool=1`,
        HUB_SECRET: 'crash-secret',
        HUB_MAIL_FROM: 'lettre@hub.test',
      };

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
      const inFlight = await deps.db.orm
        .select()
        .from(deliveries)
        .where(eq(deliveries.state, 'sending'));
      expect(inFlight.length).toBeGreaterThan(0); // the crash left claimed rows behind

      sink.beforeAccept = null;
      const second = runCli(env, ['--takeover']);
      const resumed = await second.done;
      expect(resumed.code, resumed.out).toBe(0);
      expect(resumed.out).toContain(`${SUBSCRIBERS - KILL_AFTER} envoyée(s)`);

      for (let i = 1; i <= SUBSCRIBERS; i++)
        expect(sink.countFor(`s${i}@example.org`), `s${i}`).toBe(1);
      const ids = sink.received.map((r) => r.mail.messageId);
      expect(new Set(ids).size).toBe(SUBSCRIBERS);
      const rows = await deps.db.orm.select().from(deliveries);
      expect(rows.every((r) => r.state === 'sent')).toBe(true);

      // A third run has nothing left to do.
      const third = await runCli(env, []).done;
      expect(third.out).toContain('Aucun abonné n’est dû');
      expect(sink.received).toHaveLength(SUBSCRIBERS);
    } finally {
      await sink.close();
    }
  });

  it('killed right after the server accepted a message: the re-send, if any, carries the same Message-ID', async () => {
    const deps2 = makeNodeDeps({ HUB_SECRET: 'crash-secret' });
    const sink = await startSmtpSink();
    try {
      await writeHubSettings(deps2.db, {
        title: 'Intercoop',
        baseUrl: 'https://hub.test',
        language: 'fr',
        timezone: 'Europe/Paris',
      });
      await addNetwork(deps2, 'animacoop', 'Animacoop', 'Occitanie', []);
      const source = await addSource(deps2, 'animacoop');
      await storeFeedItems(deps2, source, [
        parsedItem({
          guid: 'y1',
          url: 'https://animacoop.example/y1',
          title: 'Fête de la coopération',
          contentHtml:
            '<p>La fête annuelle de la coopération, avec concerts, ateliers et marché de producteurs.</p>',
          published: new Date(),
        }),
      ]);
      const now = Date.now();
      for (let i = 1; i <= 12; i++)
        await deps2.db.orm.insert(subscribers).values({
          email: `w${i}@example.org`,
          choices: { networks: [], tags: [], territories: [] },
          tokenSalt: `t${i}`,
          confirmedAt: now - 3600_000,
          updatedAt: now,
        });
      const env = {
        HUB_DB: join(deps2.dir, 'hub.sqlite'),
        HUB_SMTP_URL: `smtp://127.0.0.1:${sink.port}?rate=0&pool=1`,
        HUB_SECRET: 'crash-secret',
        HUB_MAIL_FROM: 'lettre@hub.test',
      };
      const first = runCli(env, []);
      // Accept the 5th message (250 OK goes out), then kill at once: the ledger may not have
      // recorded it. That is the documented at-least-once window.
      sink.beforeAccept = (_to, count) => {
        if (count === 4) setImmediate(() => first.child.kill('SIGKILL'));
        return count <= 4;
      };
      expect((await first.done).signal).toBe('SIGKILL');
      sink.beforeAccept = null;
      expect((await runCli(env, ['--takeover']).done).code).toBe(0);
      for (let i = 1; i <= 12; i++) {
        const copies = sink.received.filter((r) => r.to === `w${i}@example.org`);
        expect(copies.length, `w${i}`).toBeGreaterThanOrEqual(1);
        expect(copies.length, `w${i}`).toBeLessThanOrEqual(2);
        expect(new Set(copies.map((c) => c.mail.messageId)).size).toBe(1); // a duplicate is identifiable
      }
      expect(new Set(sink.received.map((r) => r.mail.messageId)).size).toBe(12);
    } finally {
      await sink.close();
      await deps2.close();
    }
  });
});
