/**
 * The Node mailer: nodemailer over SMTP, pooled (a few long-lived connections) and
 * rate-limited. HUB_SMTP_URL is `smtp://user:pass@host:port` (`smtps://` for TLS from the
 * start); optional query parameters: `pool=4` (connections), `rate=50` (messages per second,
 * 0 = unlimited), `timeout=30000` (socket timeout in ms).
 *
 * DKIM (optional): a `dkim` row in the settings table holding
 * `{"domainName":"example.org","keySelector":"hub","privateKey":"-----BEGIN PRIVATE KEY-----…"}`;
 * the signature then covers From, Subject, Message-ID, List-Unsubscribe and List-Unsubscribe-Post
 * (RFC 8058 asks for both in the signature).
 */
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { MailMessage, Mailer, SendFailure, SendResult } from '../../src/deps.ts';
import { buildMime, encodeAddress } from './mime.ts';
import { settings } from '../../src/db/schema/index.ts';
import type { Database } from '../../src/db/client.ts';

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

const SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-' +
  'Encoding:List-Unsubscribe:List-Unsubscribe-Post:List-Id';

/** SMTP replies that refuse the hub's login: authentication required, too weak, or failed. */
const AUTH_CODES = new Set([530, 534, 535, 538]);

/**
 * Classifies an SMTP error (nodemailer's `code`, `command`, `responseCode`, `response`):
 * - configuration: the login failed (EAUTH, 530/534/535/538), TLS could not be set up, the
 *   server refused our sender at MAIL FROM, or it will not relay for us ("Relay access denied"):
 *   every message would fail alike, so the run stops and nobody bounces;
 * - recipient: a 5xx to RCPT TO, or a 5xx whose enhanced status is about the address or the
 *   mailbox (5.1.x, 5.2.x, RFC 3463);
 * - temporary: 4xx, timeouts, dropped connections, and any other 5xx (a message refused at
 *   DATA for its content says nothing about the address): retried, never bounced.
 */
export function classifySmtpError(err: unknown): SendResult {
  const e = err as {
    responseCode?: number;
    response?: string;
    code?: string;
    command?: string;
    message?: string;
  };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : null;
  const said = (e?.response ?? e?.message ?? String(err)).trim();
  // The server's reply already starts with its code ("550 5.1.1 …"): do not say it twice.
  const error = (code && !said.startsWith(String(code)) ? `${code} ${said}` : said).slice(0, 500);
  const command = (e?.command ?? '').toUpperCase();
  const enhanced = /\b5\.(\d{1,3})\.\d{1,3}\b/.exec(said)?.[1];
  let failure: SendFailure = 'temporary';
  if (
    e?.code === 'EAUTH' ||
    e?.code === 'ETLS' ||
    (code !== null && AUTH_CODES.has(code)) ||
    (code !== null && code >= 500 && command === 'MAIL FROM') ||
    (code !== null && code >= 500 && /relay(ing)? (access )?(denied|not permitted)/i.test(said))
  )
    failure = 'configuration';
  else if (
    code !== null &&
    code >= 500 &&
    (command === 'RCPT TO' || enhanced === '1' || enhanced === '2')
  )
    failure = 'recipient';
  return { ok: false, failure, error };
}

export function smtpMailer(url: string, from: string, db?: Database): Mailer {
  const u = new URL(url);
  const num = (name: string, dflt: number) => {
    const v = u.searchParams.get(name);
    return v !== null && /^\d+$/.test(v) ? Number(v) : dflt;
  };
  const rate = num('rate', 50);
  const timeout = num('timeout', 30_000);
  const transport = nodemailer.createTransport({
    pool: true,
    host: u.hostname,
    port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
    secure: u.protocol === 'smtps:',
    auth: u.username
      ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
      : undefined,
    maxConnections: num('pool', 4),
    maxMessages: 1000,
    // Retries belong to the delivery ledger (backoff, attempt count, one Message-ID), not to
    // the pool: a silent in-pool re-send after a dropped connection could duplicate a message.
    maxRequeues: 0,
    ...(rate > 0 ? { rateLimit: rate, rateDelta: 1000 } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Local test servers and LAN relays often have self-signed certificates: opt in with ?tls=insecure.
    tls: u.searchParams.get('tls') === 'insecure' ? { rejectUnauthorized: false } : undefined,
  });
  let dkim: Promise<DkimSettings | null> | null = null;
  const loadDkim = () =>
    (dkim ??= db
      ? Promise.resolve(db.orm.select().from(settings).where(eq(settings.key, 'dkim'))).then(
          ([row]) => (row ? (JSON.parse(row.value) as DkimSettings) : null),
        )
      : Promise.resolve(null));

  return {
    async send(m: MailMessage): Promise<SendResult> {
      const key = await loadDkim();
      const sender = m.from ?? from;
      try {
        const info = await transport.sendMail({
          envelope: { from: encodeAddress(sender).address, to: [m.to] },
          raw: buildMime({
            from: sender,
            to: m.to,
            subject: m.subject,
            text: m.text,
            html: m.html,
            headers: m.headers,
          }),
          ...(key ? { dkim: { ...key, headerFieldNames: SIGNED_HEADERS } } : {}),
        });
        return { ok: true, messageId: m.headers['Message-ID'] ?? info.messageId };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}
