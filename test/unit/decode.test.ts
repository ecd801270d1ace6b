import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { charsetFromDocument, decodeBody, decodeWindows1252 } from '../../src/ingest/decode.ts';
import { IngestError } from '../../src/ingest/types.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
/** Latin-1 bytes, one byte per code point (the test strings stay within U+00FF). */
const latin1 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const ESS = 'Économie sociale et solidaire';

describe('decodeBody', () => {
  it('reads valid UTF-8 without any declaration', () => {
    expect(decodeBody(utf8(`<rss>${ESS}</rss>`), null)).toBe(`<rss>${ESS}</rss>`);
  });

  it('falls back to windows-1252 for Latin-1 bytes without any declaration', () => {
    expect(decodeBody(latin1(`<rss>${ESS}</rss>`), null)).toBe(`<rss>${ESS}</rss>`);
  });

  it('obeys an HTTP charset=ISO-8859-1 and reads 0x80–0x9F as windows-1252 (€, –, œ)', () => {
    const bytes = Uint8Array.from([
      ...latin1('Prix : '),
      0x80,
      0x20,
      0x96,
      0x20,
      0x9c,
      0x75,
      0x76,
      0x72,
      0x65,
    ]);
    expect(decodeBody(bytes, 'application/rss+xml; charset=ISO-8859-1')).toBe('Prix : € – œuvre');
  });

  it.each(['latin1', 'us-ascii', 'iso-8859-1', '"iso-8859-1"', 'windows-1252'])(
    'maps charset=%s to windows-1252',
    (label) => {
      expect(decodeBody(latin1(ESS), `text/xml; charset=${label}`)).toBe(ESS);
    },
  );

  it('reads the XML declaration when HTTP says nothing', () => {
    const doc = `<?xml version="1.0" encoding="ISO-8859-1"?><rss>${ESS}</rss>`;
    expect(decodeBody(latin1(doc), 'application/xml')).toBe(doc);
  });

  it('reads the declaration past non-ASCII bytes and leaves the bytes as they were', () => {
    // Non-ASCII before the declaration's end; the bytes as a Node Buffer, whose slice() is a view.
    const doc = `<?xml version="1.0" encoding="ISO-8859-1" ?><!-- ${ESS} --><rss>${ESS}</rss>`;
    const bytes = Buffer.from(latin1(doc));
    const copy = Uint8Array.from(bytes);
    expect(charsetFromDocument(Buffer.from(latin1(`<!-- é --><meta charset="koi8-r">`)))).toBe(
      'koi8-r',
    );
    expect(decodeBody(bytes, null)).toBe(doc);
    expect(bytes).toEqual(Buffer.from(copy));
  });

  it('reads <meta charset> in an HTML page', () => {
    const doc = `<html><head><meta charset="iso-8859-15"></head><body>${ESS} \u00a4</body></html>`;
    // In ISO-8859-15, 0xA4 is the euro sign.
    expect(decodeBody(latin1(doc), 'text/html')).toContain(`${ESS} €`);
  });

  it('lets the HTTP charset win over the XML declaration', () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?><rss>${ESS}</rss>`;
    expect(decodeBody(latin1(doc), 'text/xml; charset=windows-1252')).toBe(doc);
  });

  it('does not mangle UTF-8 bytes wrongly served as charset=ISO-8859-1', () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?><rss>${ESS}</rss>`;
    expect(decodeBody(utf8(doc), 'text/xml; charset=ISO-8859-1')).toBe(doc);
  });

  it('falls back to windows-1252 when a "UTF-8" declaration is wrong', () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?><rss>${ESS}</rss>`;
    expect(decodeBody(latin1(doc), 'text/xml; charset=utf-8')).toBe(doc);
    expect(decodeBody(latin1(doc), null)).toBe(doc);
  });

  it('ignores an unknown charset label and uses the next clue', () => {
    expect(decodeBody(utf8(ESS), 'text/xml; charset=x-nonsense')).toBe(ESS);
  });

  it('ignores a UTF-16 declaration on bytes that read as ASCII', () => {
    const doc = `<?xml version="1.0" encoding="UTF-16"?><rss>${ESS}</rss>`;
    expect(decodeBody(utf8(doc), null)).toBe(doc);
  });

  it('honours a UTF-8 BOM over a contrary HTTP charset and strips it', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(ESS)]);
    expect(decodeBody(bytes, 'text/xml; charset=iso-8859-1')).toBe(ESS);
  });

  it.each([
    ['utf-16le', [0xff, 0xfe], false],
    ['utf-16be', [0xfe, 0xff], true],
  ] as const)('decodes %s by its BOM', (_name, bom, bigEndian) => {
    const text = `<?xml version="1.0" encoding="UTF-16"?><rss>${ESS}</rss>`;
    const body = new Uint8Array(bom.length + text.length * 2);
    body.set(bom);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      body[bom.length + 2 * i] = bigEndian ? c >> 8 : c & 0xff;
      body[bom.length + 2 * i + 1] = bigEndian ? c & 0xff : c >> 8;
    }
    expect(decodeBody(body, 'text/xml; charset=iso-8859-1')).toBe(text);
  });

  it('rejects binary garbage (a PNG header, random bytes with NULs)', () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect(() => decodeBody(png, 'image/png')).toThrow(IngestError);
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    try {
      decodeBody(random, null);
      expect.unreachable();
    } catch (err) {
      expect((err as IngestError).kind).toBe('decode_error');
    }
  });

  it('reads U+FFFD written in valid UTF-8 as UTF-8, and bytes invalid in UTF-8 as windows-1252', () => {
    // The lenient decoder answers for texts without U+FFFD; a U+FFFD may be the document's own.
    expect(decodeBody(utf8(`<rss>${ESS} \uFFFD</rss>`), null)).toBe(`<rss>${ESS} \uFFFD</rss>`);
    const mixed = Uint8Array.from([...utf8('<rss>\uFFFD '), 0xe9, ...utf8('t\u00e9</rss>')]);
    expect(decodeBody(mixed, 'text/xml; charset=utf-8')).toBe('<rss>ï¿½ étÃ©</rss>');
  });

  it('keeps a text with a few control characters, refuses one made of them', () => {
    const few = `<rss>a\u0001b\u000bc${'d'.repeat(200)}</rss>`;
    expect(decodeBody(utf8(few), null)).toBe(few);
    const many = `<rss>${'\u0001a'.repeat(100)}</rss>`;
    expect(() => decodeBody(utf8(many), null)).toThrow(/caractères de contrôle/);
    expect(() => decodeBody(utf8(`<rss>\u0000</rss>`), null)).toThrow(/octets NUL/);
  });

  it('decodes the whole windows-1252 high range with its own table', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = decodeWindows1252(all);
    expect(text.length).toBe(256);
    expect(text[0x80]).toBe('€');
    expect(text[0x8c]).toBe('Œ');
    expect(text[0x9f]).toBe('Ÿ');
    expect(text[0xc9]).toBe('É');
    expect(text[0xff]).toBe('ÿ');
  });
});

describe('decodeBody: documents that declare no encoding and are not UTF-8', () => {
  const TITLES: Record<string, string> = {
    'fr-utf-16-le.xml': 'Économie sociale et solidaire : la coopé',
    'fr-utf-16-be.xml': 'Économie sociale et solidaire : la coopé',
    'fr-utf-32-le.xml': 'Économie sociale et solidaire : la coopé',
    'fr-utf-32-be.xml': 'Économie sociale et solidaire : la coopé',
    'fr-short-latin1.xml': 'Réunion à Montpellier',
    'ru-cp1251.xml': 'Новости кооперативов: в Москве прошло со',
    'ru-koi8-r.xml': 'Новости кооперативов: в Москве прошло со',
    'ru-short-cp1251.xml': 'Собрание в Москве',
    'el-iso-8859-7.xml': 'Νέα των συνεταιρισμών: στην Αθήνα πραγμα',
    'ja-shift_jis.xml':
      '協同組合のニュース：東京で社会的経済の集会が開かれました。地域の農業協同組合と若',
    'ja-euc-jp.xml':
      '協同組合のニュース：東京で社会的経済の集会が開かれました。地域の農業協同組合と若',
    'zh-gb18030.xml':
      '合作社新闻：社会经济大会在北京举行。会议讨论了农村合作社的发展和对青年的支持。',
    'zh-big5.xml': '合作社新聞：社會經濟大會在北京舉行。會議討論了農村合作社的發展和對青年的支持。',
  };
  const bytes = (name: string) =>
    new Uint8Array(readFileSync(new URL(`../fixtures/parse/encodings/${name}`, import.meta.url)));

  it.each(Object.entries(TITLES))('reads %s', (name, title) => {
    const text = decodeBody(bytes(name), null);
    expect(text).toContain(`<title>${title}`);
    // The same with a lying "utf-8" label, as servers send by default.
    expect(decodeBody(bytes(name), 'application/rss+xml; charset=utf-8')).toBe(text);
  });

  it('still reads French Latin-1 text as windows-1252, and UTF-32 by its BOM', () => {
    expect(decodeBody(latin1(`<rss><title>${ESS} ; déjà vu, où, garçon</title></rss>`), null)).toBe(
      `<rss><title>${ESS} ; déjà vu, où, garçon</title></rss>`,
    );
    const utf32 = new Uint8Array([0xff, 0xfe, 0, 0, 0xc9, 0, 0, 0, 0x53, 0, 0, 0]);
    expect(decodeBody(utf32, null)).toBe('ÉS');
  });
});
