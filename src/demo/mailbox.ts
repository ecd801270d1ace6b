/**
 * The demo's mail catcher: a Mailer that keeps messages in memory instead of sending them, and
 * the Mailbox that /demo/mailbox reads. So a visitor of `intercoop demo` can subscribe, confirm
 * and read a digest, or sign in to the console by emailed link, without any mail server.
 */
import type { CaughtMail, Clock, Mailbox, Mailer } from '../deps.ts';

/** Old messages are dropped past this many: a demo left running for weeks stays small. */
export const MAILBOX_LIMIT = 500;

export function memoryMailbox(
  clock: Clock,
  defaultFrom: string,
): { mailer: Mailer; mailbox: Mailbox } {
  const kept: CaughtMail[] = [];
  let next = 1;
  return {
    mailer: {
      async send(m) {
        kept.push({
          id: next++,
          at: clock.now().getTime(),
          from: m.from ?? defaultFrom,
          to: m.to,
          subject: m.subject,
          html: m.html,
          text: m.text,
        });
        if (kept.length > MAILBOX_LIMIT) kept.splice(0, kept.length - MAILBOX_LIMIT);
        return { ok: true, messageId: `demo-${next - 1}` };
      },
    },
    mailbox: {
      list: () => [...kept].reverse(),
      get: (id) => kept.find((m) => m.id === id) ?? null,
    },
  };
}
