/**
 * A small RFC 5322 / MIME writer for the digest: multipart/alternative (text, then HTML),
 * UTF-8 bodies in base64, RFC 2047 encoded words for non-ASCII headers. Handing nodemailer a
 * ready message (`raw`) skips its general-purpose composer, the costliest step per message
 * when mailing thousands (see bench/digest.ts); the transport, pool, DKIM and errors stay its.
 */
import { randomBytes } from 'node:crypto';

const ASCII = /^[\x20-\x7e]*$/;

/** One header value, encoded when it is not plain ASCII, folded to stay under 78 columns. */
export function encodeWords(value: string): string {
  if (ASCII.test(value)) return value;
  const words: string[] = [];
  // ≤ 45 bytes of UTF-8 per word → ≤ 60 base64 chars; never split a code point.
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** `Name <addr>` with the name quoted or encoded as needed; a bare address stays bare. */
export function encodeAddress(value: string): { header: string; address: string } {
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (!m) return { header: value.trim(), address: value.trim() };
  const name = m[1]!.replace(/^"|"$/g, '');
  if (!name) return { header: `<${m[2]}>`, address: m[2]! };
  const shown = ASCII.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWords(name);
  return { header: `${shown} <${m[2]}>`, address: m[2]! };
}

/** RFC 5322 specials: an ASCII phrase holding one is quoted. */
const SPECIALS = /[()<>@,;:\\".[\]]/;

/**
 * A header value for the wire. Encoded words (RFC 2047 §5) may stand for a phrase, never inside
 * `<…>`: a value "phrase <id-or-url>" (List-Id, RFC 2919) gets only its phrase encoded, so
 * `<list.host>` stays readable to filters; any other value is encoded whole when not ASCII.
 */
export function encodeHeader(value: string): string {
  const m = /^([^<>]*?)\s*(<[^<>]*>)$/.exec(value.trim());
  if (!m || !m[1]) return encodeWords(value);
  const phrase = m[1].trim();
  const shown = !ASCII.test(phrase)
    ? encodeWords(phrase)
    : SPECIALS.test(phrase)
      ? `"${phrase.replace(/(["\\])/g, '\\$1')}"`
      : phrase;
  return `${shown} ${m[2]}`;
}

function base64Body(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

export interface RawMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  date?: Date;
}

/** The whole message, CRLF line ends. `headers` may carry Message-ID and list headers. */
export function buildMime(m: RawMessage): string {
  const boundary = `=_hub_${randomBytes(12).toString('hex')}`;
  const from = encodeAddress(m.from);
  // Every message needs a Message-ID (spam filters frown on its absence); the digest brings its own.
  const hasId = Object.keys(m.headers).some((k) => k.toLowerCase() === 'message-id');
  const domain = from.address.split('@')[1] ?? 'localhost';
  const head = [
    ...(hasId ? [] : [`Message-ID: <${randomBytes(16).toString('hex')}@${domain}>`]),
    `From: ${from.header}`,
    `To: ${m.to}`,
    `Subject: ${encodeWords(m.subject.replace(/[\r\n]+/g, ' '))}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    ...Object.entries(m.headers).map(
      ([k, v]) => `${k}: ${encodeHeader(v.replace(/[\r\n]+/g, ' '))}`,
    ),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  return [
    ...head,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(m.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(m.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
