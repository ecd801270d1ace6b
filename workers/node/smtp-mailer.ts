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
import type { MailMessage, Mailer, SendResult } from '../../src/deps.ts';
import { buildMime, encodeAddress } from './mime.ts';
import { settings } from '../../src/db/schema/index.ts';
import type { Database } from '../../src/db/client.ts';

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

const SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Unsubscribe:List-Unsubscribe-Post:List-Id';

/** Classifies an SMTP error: 5xx replies are permanent; 4xx, timeouts and dropped connections are temporary. */
export function classifySmtpError(err: unknown): SendResult {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : null;
  const error = `${code ? `${code} ` : ''}${e?.response ?? e?.message ?? String(err)}`.slice(
    0,
    500,
  );
  return { ok: false, permanent: code !== null && code >= 500 && code < 600, error };
}

export function smtpMailer(url: string, from: string | undefined, db?: Database): Mailer {
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
  const sender = from ?? `newsletter@${u.hostname}`;
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
      const from = m.from ?? sender;
      try {
        const info = await transport.sendMail({
          envelope: { from: encodeAddress(from).address, to: [m.to] },
          raw: buildMime({
            from,
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
