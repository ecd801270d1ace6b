import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import { deliveries, subscribers } from '../../src/db/schema/index.ts';
import { writeHubSettings } from '../../src/db/hub-settings.ts';
import { storeFeedItems } from '../../src/ingest/store-feed.ts';
import { runDigests } from '../../src/newsletter/digest/send.ts';
import { httpMailer } from '../../src/newsletter/http-mailer.ts';
import type { Logger, Mailer } from '../../src/deps.ts';
import { smtpMailer } from '../../workers/node/smtp-mailer.ts';
import { makeNodeDeps } from '../support/node-deps.ts';
import { addSource, manualClock, parsedItem } from '../support/store-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { BASE } from '../support/newsletter-fixtures.ts';

const fixtureBase = inject('fixtureBase');

/**
 * Configuration errors (the mail server or API refuses the hub itself) stop the run and mark
 * nobody; only recipient-specific rejections bounce. Real SMTP server (smtp-server, with a
 * login) and a real HTTP email API (the fixture server's /_mail/ boxes).
 */
describe('digest: configuration errors stop the run, recipient errors bounce', () => {
  let sink: SmtpSink;
  let run = 0;
  const logged: Array<{ level: string; msg: string; data?: Record<string, unknown> }> = [];
  const log: Logger = {
    info: (msg, data) => logged.push({ level: 'info', msg, data }),
    warn: (msg, data) => logged.push({ level: 'warn', msg, data }),
    error: (msg, data) => logged.push({ level: 'error', msg, data }),
  };

  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: 'hub', pass: 'right' } });
  });
  afterAll(() => sink.close());

  /** A fresh hub with one story and `emails` due, mailing through `mailer`. */
  async function hub(emails: string[]) {
    const deps = makeNodeDeps({ HUB_SECRET: 's' });
    deps.log = log;
    const clock = manualClock('2026-11-16T07:00:00Z');
    deps.clock = clock;
    await writeHubSettings(deps.db, {
      title: 'Intercoop',
      baseUrl: BASE,
      language: 'fr',
      timezone: 'Europe/Paris',
    });
    const source = await addSource(deps, 'animacoop');
    await storeFeedItems(deps, source, [
      parsedItem({
        guid: `e${++run}`,
        url: `https://animacoop.example/e${run}`,
        title: 'Assemblée des coopératives',
        contentHtml: '<p>Assemblée des coopératives de la région, ouverte à toutes et tous.</p>',
        published: new Date('2026-11-15T10:00:00Z'),
      }),
    ]);
    for (const email of emails)
      await deps.db.orm.insert(subscribers).values({
        email,
        choices: { networks: [], tags: [], territories: [] },
        tokenSalt: 'x',
        confirmedAt: clock.now().getTime() - 3600_000,
        updatedAt: clock.now().getTime(),
      });
    clock.advance(60_000);
    return { deps, clock, app: createApp(deps) };
  }

  const states = async (deps: Awaited<ReturnType<typeof hub>>['deps']) => ({
    subscribers: (await deps.db.orm.select().from(subscribers)).map((s) => s.status),
    deliveries: (await deps.db.orm.select().from(deliveries)).map((d) => [d.state, d.attempts]),
  });

  /** Runs once with `bad`: the run stops, nobody is marked, /healthz says why; then `good` sends all. */
  async function stopsThenResumes(bad: Mailer, good: Mailer, expected: RegExp) {
    const emails = ['a@example.org', 'b@example.org', 'c@example.org'];
    const { deps, app } = await hub(emails);
    try {
      logged.length = 0;
      deps.mailer = bad;
      const first = await runDigests(deps, { concurrency: 1 });
      expect(first).toMatchObject({ sent: 0, failedTemp: 0, failedPerm: 0, remaining: 3 });
      expect(first.configurationError).toMatch(expected);
      expect(await states(deps)).toEqual({
        subscribers: ['active', 'active', 'active'],
        deliveries: [
          ['pending', 0],
          ['pending', 0],
          ['pending', 0],
        ],
      });
      const health = (await (await app.request('/healthz')).json()) as any;
      expect(health.ok).toBe(false);
      expect(health.mail).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 'error',
          msg: expect.stringContaining('digest run stopped'),
          data: { error: expect.stringMatching(expected) },
        }),
      );

      deps.mailer = good;
      const second = await runDigests(deps, { startNew: false });
      expect(second).toMatchObject({ sent: 3, remaining: 0, configurationError: null });
      expect(((await (await app.request('/healthz')).json()) as any).mail).toEqual({ ok: true });
    } finally {
      await deps.close();
    }
  }

  it('SMTP: a refused login (535) stops the run; nobody bounces; healthz and logs say so', async () => {
    const wrong = smtpMailer(sink.url.replace(':right@', ':wrong@'), 'lettre@hub.test');
    const right = smtpMailer(sink.url, 'lettre@hub.test');
    try {
      await stopsThenResumes(wrong, right, /^535 5\.7\.8 Authentication credentials invalid/);
    } finally {
      await wrong.close?.();
      await right.close?.();
    }
  });

  it('SMTP: a sender the relay refuses at MAIL FROM, and "Relay access denied", are configuration', async () => {
    const mailer = smtpMailer(sink.url, 'lettre@hub.test');
    try {
      sink.senderFault = { code: 553, message: '5.7.1 <lettre@hub.test>: Sender address rejected' };
      const refusing: Mailer = { send: (m) => mailer.send(m) };
      const accepting: Mailer = {
        send: (m) => {
          sink.senderFault = null;
          return mailer.send(m);
        },
      };
      await stopsThenResumes(refusing, accepting, /^553 5\.7\.1 .*Sender address rejected/);
      const relayDenied: Mailer = {
        send: (m) => {
          sink.faults.set(m.to, [
            { stage: 'rcpt', code: 554, message: '5.7.1 <x>: Relay access denied' },
          ]);
          return mailer.send(m);
        },
      };
      await stopsThenResumes(relayDenied, accepting, /^554 5\.7\.1 <x>: Relay access denied/);
    } finally {
      sink.faults.clear();
      sink.senderFault = null;
      await mailer.close?.();
    }
  });

  it('SMTP: only recipient rejections bounce; the reason says its code once; content refusals retry', async () => {
    const { deps } = await hub(['unknown@example.org', 'full@example.org', 'spam@example.org']);
    deps.mailer = smtpMailer(sink.url, 'lettre@hub.test');
    try {
      sink.faults.set('unknown@example.org', [
        { stage: 'rcpt', code: 550, message: '5.1.1 <unknown@example.org>: User unknown' },
      ]);
      sink.faults.set('full@example.org', [
        { stage: 'data', code: 552, message: '5.2.2 Mailbox full' },
      ]);
      sink.faults.set('spam@example.org', [
        { stage: 'data', code: 554, message: '5.7.1 Message rejected as spam' },
      ]);
      const s = await runDigests(deps);
      expect(s).toMatchObject({ failedPerm: 2, failedTemp: 1, configurationError: null });
      const rows = await deps.db.orm.select().from(subscribers);
      const by = (e: string) => rows.find((r) => r.email === e)!;
      expect(by('unknown@example.org')).toMatchObject({
        status: 'bounced',
        bounceReason: '550 5.1.1 <unknown@example.org>: User unknown',
      });
      expect(by('full@example.org')).toMatchObject({
        status: 'bounced',
        bounceReason: '552 5.2.2 Mailbox full',
      });
      expect(by('spam@example.org').status).toBe('active');
      const [spam] = await deps.db.orm
        .select()
        .from(deliveries)
        .where(eq(deliveries.subscriberId, by('spam@example.org').id));
      expect(spam).toMatchObject({
        state: 'failed_temp',
        lastError: '554 5.7.1 Message rejected as spam',
      });
    } finally {
      sink.faults.clear();
      await deps.mailer?.close?.();
      await deps.close();
    }
  });

  describe('HTTP email API (a real local server)', () => {
    const box = () => `errors-${Math.random().toString(36).slice(2, 8)}`;
    const plan = (name: string, body: unknown) =>
      fetch(`${fixtureBase}/_mail/${name}/plan`, { method: 'PUT', body: JSON.stringify(body) });
    const api = (name: string) =>
      httpMailer({ url: `${fixtureBase}/_mail/${name}/emails`, key: 'k', from: 'lettre@hub.test' });

    for (const [status, body] of [
      [401, { statusCode: 401, name: 'missing_api_key', message: 'API key is invalid' }],
      [
        403,
        {
          statusCode: 403,
          name: 'validation_error',
          message: 'The hub.test domain is not verified',
        },
      ],
      [422, { statusCode: 422, name: 'invalid_from_address', message: 'Invalid `from` field.' }],
      [404, { message: 'Not found' }],
    ] as const)
      it(`${status} is a configuration error: the run stops, nobody bounces, healthz says so`, async () => {
        const name = box();
        await plan(name, { all: { status, body } });
        const refusing = api(name);
        const accepting: Mailer = {
          send: async (m) => {
            await plan(name, { all: { status: 200 } });
            return refusing.send(m);
          },
        };
        await stopsThenResumes(refusing, accepting, new RegExp(`^mail API ${status}: `));
      });

    it('a 422 naming the recipient bounces that address only; 429 and 500 are retried', async () => {
      const name = box();
      const { deps } = await hub(['bad@example.org', 'busy@example.org', 'down@example.org']);
      deps.mailer = api(name);
      try {
        await plan(name, {
          to: {
            'bad@example.org': [
              {
                status: 422,
                body: { name: 'validation_error', message: 'Invalid `to` field.' },
              },
            ],
            'busy@example.org': [{ status: 429 }],
            'down@example.org': [{ status: 500 }],
          },
        });
        const s = await runDigests(deps);
        expect(s).toMatchObject({ failedPerm: 1, failedTemp: 2, configurationError: null });
        expect((await deps.db.orm.select().from(subscribers)).map((r) => r.status)).toEqual([
          'bounced',
          'active',
          'active',
        ]);
      } finally {
        await deps.close();
      }
    });
  });
});
