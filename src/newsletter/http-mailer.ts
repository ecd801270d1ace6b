/**
 * The Workers mailer: an HTTP email API, Resend's (`POST /emails`, Bearer key, JSON with
 * custom headers), chosen over Cloudflare's `send_email` binding because that binding only
 * delivers to verified destination addresses: fine for alerts, not for subscribers.
 * Any provider speaking the same JSON (HUB_MAIL_API_URL) works. Runtime-agnostic (fetch only).
 *
 * Outcomes: 2xx sent; 429, 5xx and network errors temporary (retried by the ledger);
 * other 4xx permanent (the address or the message is refused).
 */
import type { MailMessage, Mailer, SendResult } from '../deps.ts';

export function httpMailer(opts: {
  url: string;
  key: string;
  from: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Mailer {
  const doFetch =
    opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return {
    async send(m: MailMessage): Promise<SendResult> {
      let res: Response;
      try {
        res = await doFetch(opts.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            from: m.from ?? opts.from,
            to: [m.to],
            subject: m.subject,
            html: m.html,
            text: m.text,
            headers: m.headers,
          }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
      } catch (err) {
        return {
          ok: false,
          permanent: false,
          error: `mail API unreachable: ${String((err as Error)?.message ?? err)}`,
        };
      }
      const body = (await res.text().catch(() => '')).slice(0, 300);
      if (res.ok) {
        let id: string | undefined;
        try {
          id = (JSON.parse(body) as { id?: string }).id;
        } catch {}
        return { ok: true, messageId: id };
      }
      const permanent =
        res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408;
      return { ok: false, permanent, error: `mail API ${res.status}: ${body}` };
    },
  };
}
