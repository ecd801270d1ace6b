/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that keeps and parses (mailparser) what it
 * accepts, with hooks to inject faults: reply 421/451/550 at RCPT or DATA, drop the
 * connection, or run something (kill a child process) before accepting a message.
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface Received {
  to: string;
  raw: string;
  mail: ParsedMail;
}

/** A fault for one recipient: what to do at RCPT TO or at the end of DATA. */
export type Fault =
  | { stage: 'rcpt' | 'data'; code: number; message?: string }
  | { stage: 'data'; drop: true };

export interface SmtpSink {
  port: number;
  url: string;
  received: Received[];
  /** Faults queued per recipient address (each used once, in order). */
  faults: Map<string, Fault[]>;
  /** Replies to every MAIL FROM with this error while set (a sender the relay refuses). */
  senderFault: { code: number; message: string } | null;
  /** Called when a message arrived, before the server answers: return false to not accept it. */
  beforeAccept: ((to: string, count: number) => boolean | void) | null;
  /** Messages received per recipient. */
  countFor(to: string): number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * `auth`: the server requires AUTH PLAIN/LOGIN with these credentials (a relay that needs a
 * login; `url` then carries them); any other login is refused with 535.
 */
export async function startSmtpSink(
  options: { auth?: { user: string; pass: string } } = {},
): Promise<SmtpSink> {
  const sink: SmtpSink = {
    senderFault: null,
    port: 0,
    url: '',
    received: [],
    faults: new Map(),
    beforeAccept: null,
    countFor: (to) => sink.received.filter((r) => r.to === to).length,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const takeFault = (to: string, stage: 'rcpt' | 'data') => {
    const list = sink.faults.get(to);
    if (list?.[0]?.stage !== stage) return null;
    return list.shift()!;
  };
  const server = new SMTPServer({
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      const want = options.auth;
      if (want && auth.username === want.user && auth.password === want.pass)
        return cb(null, { user: auth.username });
      cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, cb) {
      const f = sink.senderFault;
      if (f) return cb(smtpError(f.code, f.message));
      cb();
    },
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const f = takeFault(address.address.toLowerCase(), 'rcpt');
      if (f && 'code' in f) return cb(smtpError(f.code, f.message ?? `${f.code} injected`));
      cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const to = session.envelope.rcptTo[0]!.address.toLowerCase();
        const f = takeFault(to, 'data');
        if (f && 'drop' in f) {
          // Close the socket without an answer: the client sees a dropped connection.
          for (const conn of (
            server as unknown as {
              connections: Set<{ session: unknown; _socket: { destroy(): void } }>;
            }
          ).connections) {
            if (conn.session === session) conn._socket.destroy();
          }
          return;
        }
        if (f && 'code' in f) return cb(smtpError(f.code, f.message ?? `${f.code} injected`));
        if (sink.beforeAccept && sink.beforeAccept(to, sink.received.length) === false) return;
        const raw = Buffer.concat(chunks).toString('utf8');
        sink.received.push({ to, raw, mail: await simpleParser(raw) });
        cb(null, 'queued');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  const login = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';
  sink.url = `smtp://${login}127.0.0.1:${sink.port}?rate=0&pool=2`;
  return sink;
}
