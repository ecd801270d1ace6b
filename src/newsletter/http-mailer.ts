/**
 * The Workers mailer: an HTTP email API, Resend's (`POST /emails`, Bearer key, JSON with
 * custom headers), chosen over Cloudflare's `send_email` binding because that binding only
 * delivers to verified destination addresses: fine for alerts, not for subscribers.
 * Any provider speaking the same JSON (HUB_MAIL_API_URL) works. Runtime-agnostic (fetch only).
 *
 * Outcomes (see `classifyApiError`): 2xx sent; 408/409/425/429, 5xx and network errors are
 * temporary (retried by the ledger); a 400/422 that names the recipient (`to`) bounces that
 * address; every other 4xx (401 revoked key, 403 unverified sender or domain, 422 bad sender,
 * 404 wrong URL…) is the hub's configuration, which no retry and no bounce would fix.
 */
import { createFetch } from 'ofetch';
import type { MailMessage, Mailer, SendFailure, SendResult } from '../deps.ts';

/** Statuses that say "later", not "never". */
const TEMPORARY = new Set([408, 409, 425, 429]);

/**
 * What an API error means. A recipient is blamed only when the API says so (Resend-style
 * `{"message":"Invalid `to` field…"}`): an unknown 4xx stops the run rather than unsubscribing
 * people for a fault of the hub's.
 */
export function classifyApiError(status: number, body: string): SendFailure {
  if (status >= 500 || TEMPORARY.has(status) || status < 400) return 'temporary';
  if (status === 400 || status === 422) {
    let text = body;
    try {
      const j = JSON.parse(body) as Record<string, unknown>;
      text = [j.message, j.error, j.name, j.field].filter((x) => typeof x === 'string').join(' ');
    } catch {}
    if (/[`'"]to[`'"]|\bto field\b|\brecipients?\b/i.test(text)) return 'recipient';
  }
  return 'configuration';
}

export function httpMailer(opts: {
  url: string;
  key: string;
  from: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Mailer {
  const client = createFetch({
    fetch: opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)),
  });
  return {
    async send(m: MailMessage): Promise<SendResult> {
      let res: Response & { _data?: string };
      try {
        // ofetch sends the object as JSON (with its Content-Type) and bounds the exchange.
        res = await client.raw<string, 'text'>(opts.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.key}` },
          body: {
            from: m.from ?? opts.from,
            to: [m.to],
            subject: m.subject,
            html: m.html,
            text: m.text,
            headers: m.headers,
          },
          timeout: opts.timeoutMs ?? 30_000,
          // The delivery ledger retries, on its own schedule; every status is classified below,
          // from the body as the API wrote it.
          retry: 0,
          ignoreResponseError: true,
          responseType: 'text',
        });
      } catch (err) {
        return {
          ok: false,
          failure: 'temporary',
          error: `mail API unreachable: ${String((err as Error)?.message ?? err)}`,
        };
      }
      const body = (res._data ?? '').slice(0, 300);
      if (res.ok) {
        let id: string | undefined;
        try {
          id = (JSON.parse(body) as { id?: string }).id;
        } catch {}
        return { ok: true, messageId: id };
      }
      return {
        ok: false,
        failure: classifyApiError(res.status, body),
        error: `mail API ${res.status}: ${body}`,
      };
    },
  };
}
