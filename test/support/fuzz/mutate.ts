/**
 * Mutations of a document, seeded so that a run can be replayed: byte flips, cut and
 * repeated ranges, splices of two documents, and tokens that have hurt readers of feeds and
 * calendars (recurrence parts, long numbers, unclosed tags, bare ampersands, encodings…).
 */
const TOKENS = [
  'RRULE:FREQ=DAILY;BYMONTHDAY=-1,-2',
  'RRULE:FREQ=WEEKLY;BYWEEKNO=20',
  'RRULE:FREQ=DAILY;BYWEEKNO=-1;BYDAY=SU',
  'RRULE:FREQ=SECONDLY;BYSETPOS=-366',
  'RRULE:FREQ=YEARLY;BYDAY=-53MO;BYYEARDAY=-366',
  'RRULE:FREQ=MINUTELY;INTERVAL=99999;COUNT=999999999',
  'DURATION:P999999999999999999W',
  'EXDATE:20261010T100000Z,20261011,garbage',
  'RDATE;VALUE=PERIOD:20261010T100000Z/PT1H',
  'RECURRENCE-ID;VALUE=DATE:20261010',
  'DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20261010T100000',
  'TZID:(UTC+13:45) Nulle part',
  'BEGIN:VEVENT',
  'END:VEVENT',
  'BEGIN:VCALENDAR',
  'END:VCALENDAR',
  'BEGIN:VTIMEZONE',
  'SEQUENCE:99999999999999999999',
  '<b>'.repeat(200),
  '<![CDATA[',
  ']]>',
  '&',
  '&amp;&#xFFFF;&#0;&nbsp;',
  '<!ENTITY x "y">',
  '<item><title>',
  '</channel>',
  '<entry>',
  '{"version":"1.1","items":[',
  '"items":null',
  '\uFEFF',
  '\u0000',
  '\uD800',
  '<?xml version="1.0" encoding="utf-16"?>',
  '<?xml version="1.0" encoding="koi8-r"?>',
  '9'.repeat(40),
  '-1',
];

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const encoder = new TextEncoder();
/** Mutated documents stay under the fetcher's size cap, like anything a pull reads. */
const MAX_BYTES = 5 * 1024 * 1024;

export function mutate(doc: Uint8Array, other: Uint8Array, random: () => number): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  let out = doc;
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds; r++) {
    const at = int(out.length + 1);
    const len = int(Math.min(out.length - at, 200) + 1);
    switch (int(7)) {
      case 0: {
        out = out.slice();
        for (let i = 0; i < 1 + int(8); i++) if (out.length) out[int(out.length)] = int(256);
        break;
      }
      case 1:
        out = concat(out.subarray(0, at), out.subarray(at + len));
        break;
      case 2: {
        // A range repeated many times: nesting, long lines, thousands of properties.
        const piece = out.subarray(at, at + len);
        const times = 1 + int(piece.length ? Math.floor(200_000 / piece.length) : 1);
        // One repeated block, not `times` spread arguments (200,000 of them overflow the stack).
        const repeated = new Uint8Array(Math.min(piece.length * times, MAX_BYTES));
        for (let k = 0; k < repeated.length; k += piece.length)
          repeated.set(piece.subarray(0, repeated.length - k), k);
        out = concat(out.subarray(0, at), repeated, out.subarray(at));
        break;
      }
      case 3: {
        const token = encoder.encode(`\r\n${TOKENS[int(TOKENS.length)]}\r\n`);
        out = concat(out.subarray(0, at), token, out.subarray(at));
        break;
      }
      case 4: {
        const from = int(other.length + 1);
        out = concat(out.subarray(0, at), other.subarray(from, from + int(2000)));
        break;
      }
      case 5:
        out = out.subarray(0, at);
        break;
      default: {
        const token = encoder.encode(TOKENS[int(TOKENS.length)]!);
        out = concat(out.subarray(0, at), token, out.subarray(at + len));
      }
    }
    if (out.length > MAX_BYTES) out = out.subarray(0, MAX_BYTES);
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(Math.min(size, MAX_BYTES));
  let at = 0;
  for (const p of parts) {
    if (at >= out.length) break;
    out.set(p.subarray(0, out.length - at), at);
    at += p.length;
  }
  return out;
}
