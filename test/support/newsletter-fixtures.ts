/** Helpers for newsletter tests: subscribe through the app and follow the emailed link. */
import { expect } from 'vitest';
import { networks } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/deps.ts';
import type { SmtpSink } from './smtp-sink.ts';

type App = {
  request(input: string, init?: RequestInit, env?: unknown): Response | Promise<Response>;
};

/**
 * What @hono/node-server hands the app as `c.env` for a client at `ip`: its socket is where
 * Node's clientAddress reads the address (no header is trusted on Node).
 */
export const fromClient = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

export const BASE = 'https://hub.test';

/** Posts the subscription form; returns the response. */
export function postSubscribe(
  app: App,
  fields: Record<string, string | string[]>,
  ip = '203.0.113.7',
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return Promise.resolve(
    app.request(
      `${BASE}/newsletter/subscribe`,
      { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      fromClient(ip),
    ),
  );
}

/** The confirmation link of the latest message to `to` (as a path). */
export function confirmationPath(sink: SmtpSink, to: string): string {
  const mail = [...sink.received].reverse().find((r) => r.to === to);
  expect(mail, `a confirmation mail to ${to}`).toBeTruthy();
  const m = /https?:\/\/[^\s]+\/newsletter\/confirm\/[A-Za-z0-9_-]+/.exec(mail!.mail.text ?? '');
  expect(m).toBeTruthy();
  return new URL(m![0]).pathname;
}

/** Subscribes and confirms `email`; returns the confirmation page. */
export async function subscribeAndConfirm(
  app: App,
  sink: SmtpSink,
  email: string,
  fields: Record<string, string | string[]> = {},
  ip?: string,
): Promise<Response> {
  const res = await postSubscribe(
    app,
    { email, ...fields },
    ip ?? `198.51.100.${(sink.received.length % 250) + 1}`,
  );
  expect(res.status).toBe(200);
  const page = await app.request(`${BASE}${confirmationPath(sink, email)}`);
  expect(page.status).toBe(200);
  return page;
}

export async function addNetwork(
  deps: Deps,
  slug: string,
  name: string,
  territory: string | null,
  tags: string[],
): Promise<void> {
  const now = Date.now();
  await deps.db.orm
    .insert(networks)
    .values({ slug, name, territory, tags, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: networks.slug, set: { name, territory, tags } });
}
