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
  /** Called when a message arrived, before the server answers: return false to not accept it. */
  beforeAccept: ((to: string, count: number) => boolean | void) | null;
  /** Messages received per recipient. */
  countFor(to: string): number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
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
    authOptional: true,
    disabledCommands: ['STARTTLS'],
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
  sink.url = `smtp://127.0.0.1:${sink.port}?rate=0&pool=2`;
  return sink;
}
