/**
 * Fields whose content hash and text key entry-hashes.ts must give as the strings would
 * (test/unit/entry-hashes.test.ts on Node, test/workers/entry-hashes.test.ts on workerd):
 * every escape JSON.stringify writes, lone surrogates, U+FFFD, each alignment of a text in
 * the four-byte words the escaping reads, random texts near every escape, a long text.
 */
import { createHash } from 'node:crypto';
import type { HashedFields } from '../../src/ingest/dedupe/entry-hashes.ts';
import { textKey } from '../../src/db/text-key.ts';
import { prng } from '../../bench/prng.ts';

export function hashedFields(summary: string | null, contentHtml: string | null): HashedFields {
  return {
    guid: 'urn:x:1',
    url: 'https://example.org/a',
    canonicalUrl: 'https://example.org/a',
    title: 'Titre « coopératif » "cité" \\ fin',
    summary,
    contentHtml,
    author: 'Jeanne',
    categories: ['ESS', 'l’économie'],
    enclosures: [{ url: 'https://example.org/a.mp3', type: 'audio/mpeg', length: 12 }],
    rawPublished: 1_700_000_000_000,
    rawUpdated: null,
  };
}

/** The digests as they were made: SHA-256 of JSON.stringify(fields), and textKey. */
export function stringDigests(f: HashedFields): { contentHash: string; textKey: string | null } {
  return {
    contentHash: createHash('sha256').update(JSON.stringify(f)).digest('hex'),
    textKey: textKey(f.summary, f.contentHtml),
  };
}

const CONTROLS = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('');

/** Texts JSON escapes, or UTF-8 cannot hold, or the escaping's word test looks at. */
export const ESCAPED_TEXTS = [
  '',
  'a',
  '"',
  '\\',
  '<p class="x">Texte « coopératif » l’été</p>',
  `avant${CONTROLS}après`,
  'tab\tnewline\ncr\rff\fbs\b del\u007f ls\u2028 ps\u2029',
  'émoji 😀🎉 et ＡＢＣ ﬁn ½ € \ufe0f',
  'U+FFFD bien réel : \ufffd',
  'seul haut \ud800 fin',
  'seul bas \udc00 fin',
  'paire inversée \udc00\ud800',
  'haut en fin \ud83d',
  '\udfff au début',
  `${'"'.repeat(50)}${'\\'.repeat(50)}`,
];

export function entryHashCases(): HashedFields[] {
  const cases: HashedFields[] = [hashedFields(null, null)];
  for (const s of ESCAPED_TEXTS) {
    cases.push(hashedFields(s, null), hashedFields(null, s), hashedFields(s, s));
    for (const pad of ['x', 'xy', 'xyz', 'é', '€', '😀'])
      cases.push(hashedFields(pad + s, `${s}${pad}${s}`));
  }
  const pool = [
    ...['a', 'Z', ' ', 'é', '’', '€', '😀', '"', '\\', '\n', '\u0000', '\u001f', '\u007f'],
    ...['\ufffd', '\ud800', '\udfff', '\uef00', '\uffff', '<p>'],
  ];
  const rnd = prng(19);
  const text = () =>
    Array.from(
      { length: Math.floor(rnd() * 300) },
      () => pool[Math.floor(rnd() * pool.length)],
    ).join('');
  for (let n = 0; n < 400; n++)
    cases.push(hashedFields(rnd() < 0.2 ? null : text(), rnd() < 0.2 ? null : text()));
  // The small fields, written without JSON.stringify when nothing in them is escaped.
  for (const s of [
    ...ESCAPED_TEXTS,
    'Économie ’sociale’ € 😀 ＡＢＣ',
    'ASCII seul',
    '\u07ff\u0800\uffff',
  ]) {
    const f = hashedFields('s', 'c');
    f.title = s;
    f.author = s;
    f.guid = s;
    f.url = `https://example.org/${s}`;
    f.canonicalUrl = s;
    f.categories = [s, 'x', s];
    cases.push(f);
  }
  const bare = hashedFields('s', 'c');
  bare.categories = [];
  bare.enclosures = [];
  bare.author = null;
  bare.url = null;
  bare.canonicalUrl = null;
  bare.rawPublished = -1.5;
  bare.rawUpdated = 0;
  cases.push(bare);
  const long = `<p>${'Le « réseau » "coopératif".\n'.repeat(40_000)}</p>`;
  cases.push(hashedFields(long.slice(0, 500), long), hashedFields('court', '<p>court</p>'));
  const odd = hashedFields('s', 'c');
  odd.title = 'undefined "titre" \ud800';
  odd.categories = ['"', '\\', '\u0001'];
  odd.guid = null;
  cases.push(odd);
  // A field left undefined is a key JSON.stringify leaves out.
  cases.push({ ...hashedFields('s', 'c'), author: undefined } as unknown as HashedFields);
  cases.push({ ...hashedFields('s', 'c'), categories: ['a', 1, null] } as unknown as HashedFields);
  return cases;
}

/**
 * What both runtimes check (Node: crypto.hash; workerd: createHash over the bytes): for every
 * case, entryHashes gives the strings' digests, and no text key unless asked.
 */
export function expectStringDigestsForEveryCase(
  entryHashes: (f: HashedFields, withTextKey: boolean) => unknown,
  expect: (value: unknown) => { toEqual(expected: unknown): void },
): void {
  for (const f of entryHashCases()) {
    const expected = stringDigests(f);
    expect(entryHashes(f, true)).toEqual(expected);
    expect(entryHashes(f, false)).toEqual({
      contentHash: expected.contentHash,
      textKey: undefined,
    });
  }
}
