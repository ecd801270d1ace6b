/**
 * Node's decoder of valid UTF-8 (workers/node/utf8-decoder.ts), which the reading threads hand
 * to decodeBody: it must give the WHATWG decoder's text for valid UTF-8, say nothing (undefined)
 * for anything else, and leave decodeBody's result unchanged for every kind of document.
 */
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/ingest/decode.ts';
import { IngestError } from '../../src/ingest/types.ts';
import { nodeUtf8Decoder } from '../../workers/node/utf8-decoder.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const VALID: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['ASCII', utf8('<rss><title>Flux</title></rss>')],
  ['French', utf8('<p>L’économie sociale et solidaire : « coopératives », œuvre, 12 €</p>')],
  ['CJK and Arabic', utf8('協同組合 — تعاونية')],
  ['astral (emoji, 4 bytes)', utf8('Fête 🎉 des voisins 😀')],
  ['edges of each length', bytes([0x7f, 0xc2, 0x80, 0xdf, 0xbf, 0xe0, 0xa0, 0x80, 0xf4, 0x8f])],
  ['a BOM (kept: decodeBody strips it itself)', bytes([0xef, 0xbb, 0xbf], 'x')],
  ['U+FFFD written in the text', utf8('avant \uFFFD après')],
  ['U+FFFE and U+FFFF', bytes([0xef, 0xbf, 0xbe, 0xef, 0xbf, 0xbf])],
  ['a long document', utf8('<item>Économie sociale ’</item>\n'.repeat(20_000))],
];
// The last element of 'edges of each length' is cut: complete it with U+10FFFF's last bytes.
VALID[5] = [VALID[5]![0], bytes([...VALID[5]![1], 0xbf, 0xbf])];

const INVALID: Array<[string, Uint8Array]> = [
  ['a lone continuation byte', bytes('a', [0x80], 'b')],
  ['an overlong NUL', bytes([0xc0, 0x80])],
  ['an overlong three-byte form', bytes([0xe0, 0x80, 0x80])],
  ['a surrogate (CESU-8)', bytes([0xed, 0xa0, 0x80])],
  ['past U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80])],
  ['a five-byte form', bytes([0xf8, 0x88, 0x80, 0x80, 0x80])],
  ['0xFF', bytes('x', [0xff])],
  ['a sequence cut at the end', bytes('prix 12 ', [0xe2, 0x82])],
  ['Latin-1 French', Uint8Array.from([...'Économie à'].map((c) => c.charCodeAt(0)))],
];

describe('nodeUtf8Decoder', () => {
  it.each(VALID)('reads valid UTF-8 as TextDecoder does: %s', (_name, input) => {
    expect(nodeUtf8Decoder(input)).toBe(fatal.decode(input));
  });

  it.each(INVALID)('leaves invalid UTF-8 to decodeBody: %s', (_name, input) => {
    expect(() => fatal.decode(input)).toThrow();
    expect(nodeUtf8Decoder(input)).toBeUndefined();
  });

  it('reads a view into a larger buffer from its own offset', () => {
    const whole = utf8('avant|Économie|après');
    const view = whole.subarray(6, 15);
    expect(nodeUtf8Decoder(view)).toBe('Économie');
  });
});

describe('decodeBody with the Node decoder', () => {
  const cases: Array<[string, Uint8Array, string | null]> = [
    ...VALID.map(([name, b]): [string, Uint8Array, string | null] => [name, b, null]),
    ...INVALID.map(([name, b]): [string, Uint8Array, string | null] => [name, b, null]),
    ['declared UTF-8', utf8('<?xml version="1.0"?><rss>é</rss>'), 'text/xml; charset=utf-8'],
    ['UTF-8 served as ISO-8859-1', utf8('<rss>Économie</rss>'), 'text/xml; charset=iso-8859-1'],
    ['a UTF-8 BOM then invalid bytes', bytes([0xef, 0xbb, 0xbf], 'a', [0xff], 'b'), null],
    ['a UTF-8 BOM then valid text', bytes([0xef, 0xbb, 0xbf], '<rss>é</rss>'), null],
    ['a UTF-16LE BOM', Uint8Array.from([0xff, 0xfe, 0x3c, 0, 0x61, 0, 0x3e, 0]), null],
    ['NUL bytes (binary)', bytes('<rss>', [0, 0, 0], '</rss>'), null],
  ];

  it.each(cases)('decodes as without it: %s', (_name, input, contentType) => {
    const outcome = (run: () => string) => {
      try {
        return run();
      } catch (err) {
        return err instanceof IngestError ? `error ${err.kind}: ${err.message}` : err;
      }
    };
    expect(outcome(() => decodeBody(input, contentType, nodeUtf8Decoder))).toEqual(
      outcome(() => decodeBody(input, contentType)),
    );
  });
});
