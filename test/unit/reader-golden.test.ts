/**
 * Golden values of the reading side: what parsing, sanitising, normalising and fingerprinting
 * give today for a varied corpus, captured from the implementation before issue 19 made it
 * faster. Signatures, band keys, lead keys and hashes are stored in databases and compared with
 * future items: a faster implementation must give the very same values, which this test checks
 * over every shape the hub meets (bench:dedup's corpus, bench:ingest's feeds, the parse
 * fixtures, accents, ligatures, emoji, other scripts, long, tiny and empty texts, relays).
 *
 * test/fixtures/reader-golden.json holds the values. Rewrite it (GOLDEN_WRITE=1) only for a
 * change that means to change stored values, and say so in the commit.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../../bench/dedup-corpus.ts';
import { renderSource } from '../../bench/ingest/federation.ts';
import { readFeed } from '../../src/ingest/feed-reader.ts';
import { prepareEntry } from '../../src/ingest/dedupe/prepare.ts';
import {
  fingerprint,
  fingerprintAndFold,
  indexKeyNumbers,
  indexKeys,
  sentenceStarts,
} from '../../src/ingest/dedupe/fingerprint.ts';
import { keyNumber } from '../../src/db/item-keys.ts';
import { searchTextOf } from '../../src/ingest/dedupe/search-text.ts';
import { foldText, serialMarks, titleKey, words } from '../../src/ingest/dedupe/text.ts';
import { htmlToText } from '../../src/shared/html-to-text.ts';
import type { ParsedItem } from '../../src/ingest/types.ts';

const GOLDEN = new URL('../fixtures/reader-golden.json', import.meta.url);
const PARSE_FIXTURES = new URL('../fixtures/parse/', import.meta.url);

/**
 * Long strings as a digest, so the file stays small and a difference still shows. A prepared
 * item's searchText and textKey came after the capture: they are the store's fields, computed
 * ahead on a reading thread (search-text.ts, checked by the filter tests; db/text-key.ts, whose
 * key the thread's items carry is checked by feed-reader-pool.test.ts), not reading values.
 */
function compact(key: string, value: unknown): unknown {
  // Derived values added after the capture (keyNumbers: indexKeyNumbers of the fingerprint,
  // which the second test holds to the golden keys and feed-reader-pool.test.ts to the fp).
  if (key === 'searchText' || key === 'textKey' || key === 'keyNumbers') return undefined;
  if (typeof value === 'string' && value.length > 120)
    return `#${createHash('sha256').update(value).digest('hex').slice(0, 20)}:${value.length}`;
  return value;
}

const repeat = (s: string, n: number) => Array.from({ length: n }, () => s).join(' ');

/** Titles and bodies chosen for their edges: scripts, marks, sizes, relay phrases, series. */
const SHAPES: Array<[string, string | null]> = [
  ['', ''],
  ['', null],
  ['Titre seul', null],
  ['Œuvre collective : l’Économie sociale « solidaire » !', '<p>Court.</p>'],
  ['[Relais] Fête des coops', '<p>Relayé depuis Animacoop</p><p>La fête a lieu samedi.</p>'],
  ['Relayé depuis X : Atelier du 3 mars', '<p>Relayé par X : un atelier, le 3 mars à 18 h.</p>'],
  ['Lettre n°12 — mardi 4 janvier 2026', `<p>${repeat('Les nouvelles du mois.', 30)}</p>`],
  ['Chapitre XIV, deuxième partie', '<p>Suite. « Citation » ! Fin ? Oui… Non; peut-être: oui.</p>'],
  ['Emoji 😀🎉 et ＡＢＣ plein-chasse', '<p>Fête 🎉 au café ☕ — ﬁn ﬂeur ½ ² €.</p>'],
  ['Ελληνικά και Русский текст', '<p>Καλημέρα κόσμε. Привет мир. 你好世界。</p>'],
  ['e\u0301te\u0301 combiné', '<p>Accents combinés : e\u0301te\u0301, c\u0327a.</p>'],
  ['Entités', '<p>&eacute;t&eacute; &#233; &#xE9; &rsquo; &amp; &lt;b&gt; &nbsp;fin</p>'],
  ['Script et style', '<p>a<script>alert(1)</script>b<style>p{}</style>c</p><br>d<hr>e'],
  ['Contrôles', '<p>a\u0000b\u0007c\u001fd\u007fe\tf\ng\rh</p>'],
  ['Long', `<p>${repeat('Mot numéro différent chaque fois, coopérative.', 900)}</p>`],
  [
    'Extrait relayé avec une phrase à soi',
    `<p>Nous relayons ce texte. ${repeat('Le texte original commence ici et continue.', 12)}</p>`,
  ],
  ['Très long titre '.repeat(80), '<div><ul><li>un</li><li>deux</li></ul></div>'],
  ['Pas de HTML', 'Texte brut sans balises, avec 3 nombres 1 2 et l’apostrophe.'],
  ['ß und Straße', '<p>Größe ĳ ǅ Æsop œil.</p>'],
  ['Ponctuation', '<p>!!! ??? ... ---- ____ «» “” ‘’</p>'],
  ['Long puis emoji', `<p>${repeat('Un deux trois quatre cinq.', 700)} 😀 fin Ελλάδα</p>`],
  ['Emoji au début', `<p>😀 ${repeat('Un deux trois quatre cinq.', 10)}</p>`],
  ['Σ ΟΔΟΣ final sigma ΑΣ', '<p>ΟΔΟΣ. Ἀθῆναι ΣΑΣ ﬁn.</p>'],
  ['constructor toString valueOf', '<p>Le constructor et __proto__ de hasOwnProperty.</p>'],
  ['İstanbul ½ journée, XIV mars', '<p>İ ½ ¼ ¾ ² ³ ¹ ĳ ŉ ǆ ǈ ſ ß œ Œ æ Æ ™ ‰ ‥ ‼ ⁇ …</p>'],
  ['Citations', `<p>« ${repeat('mot', 9)} » : ${repeat('autre', 9)} ; «${repeat('x y', 6)}».</p>`],
  [
    'Phrases au-delà de 1500 caractères',
    `<p>${repeat('Phrase courte ici.', 85)} Fin ? Encore: des mots après.</p>`,
  ],
  ['251 mots', `<p>${repeat('Texte.', 10)} ${repeat('mot', 241)}</p>`],
  ['Sept mots seulement', '<p>Un deux trois quatre cinq six sept.</p>'],
  ['Deux', '<p>Deux mots</p>'],
  ['Indices H₂O ⁰ ₣ ₤ ₫ €', `<p>${repeat('Formule H₂O à 10 ₤, x⁰ ₫ ₣ €.', 12)}</p>`],
];

/** Texts of random characters from a pool of edge cases (fixed seed: the same every run). */
function randomTexts(count: number): Array<[string, string]> {
  const pool = [
    ...'aàâäéèêëîïôöùûüçœæÿÀÉÈÊÇŒÆ ’«»—–…,.;:!?"“”\n0123456789ßĳǅ\u00a0\u2009€²½-_/()[]₂⁰₣',
    'relayé depuis ',
    'Relais : ',
    '<p>',
    '</p>',
    '<br>',
    '<b>',
    '</b>',
    '&eacute;',
    '&amp;',
    'janvier ',
    'lundi ',
    'XIV ',
    ' mot ',
    ' coopérative ',
  ];
  let seed = 19;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, n) => {
    const pick = () => pool[Math.floor(rand() * pool.length)]!;
    const size = n % 10 === 0 ? 2000 : Math.floor(rand() * 300);
    const title = Array.from({ length: Math.floor(rand() * 12) }, pick).join('');
    return [title, Array.from({ length: size }, pick).join('')];
  });
}

function shapeItems(): ParsedItem[] {
  return [...SHAPES, ...randomTexts(300)].map(([title, html], i) => ({
    guid: i % 3 === 0 ? null : `shape-${i}`,
    url: i % 2 === 0 ? `https://exemple.org/actus/${i}?utm_source=x` : null,
    title: title || null,
    published: i % 4 === 0 ? null : new Date(Date.UTC(2026, 2, 1 + i)),
    updated: null,
    author: i % 5 === 0 ? 'Jean Dupont' : null,
    summary: i % 3 === 1 ? htmlToText(html).slice(0, 200) || null : null,
    contentHtml: html,
    categories: i % 2 ? ['Coop', ' coop ', ''] : [],
    enclosures: [],
  }));
}

/** Everything dedup derives from one item, and the helpers excerpts and search text use. */
function itemValues(item: ParsedItem) {
  const p = prepareEntry(item);
  if (!p) return null;
  const fp = fingerprint(p.title, p.contentHtml, p.summary);
  const body = fp.text ?? '';
  return {
    guidHash: p.guidHash,
    contentHash: p.contentHash,
    fp,
    keys: indexKeys(fp),
    titleKey: titleKey(p.title),
    marks: serialMarks(p.title),
    starts: sentenceStarts(body),
    words: words(body).join(' '),
    fold: foldText(`${p.title}\n${body}`),
  };
}

async function readerValues() {
  const out: Record<string, unknown> = {};
  out.shapes = shapeItems().map(itemValues);
  out.dedupCorpus = buildCorpus(60, 11).map((e) => itemValues(e.item));
  const now = Date.UTC(2026, 10, 20, 12);
  const baseOf = (i: number) => `http://127.0.0.1:${8000 + (i % 3)}`;
  for (const i of [0, 1, 2, 3, 4, 5]) {
    const feed = renderSource(baseOf, i, 12, 6, now);
    out[`bench-${i}`] = await readFeed(feed.body, `${baseOf(i)}/feed`, { fingerprints: true });
  }
  for (const name of readdirSync(PARSE_FIXTURES).sort()) {
    if (!/\.(xml|json|rdf)$/.test(name)) continue;
    const text = readFileSync(new URL(name, PARSE_FIXTURES), 'utf8');
    try {
      out[name] = await readFeed(text, `https://exemple.org/${name}`, { fingerprints: true });
    } catch (err) {
      out[name] = { error: (err as Error).message };
    }
  }
  return JSON.parse(JSON.stringify(out, compact)) as Record<string, unknown>;
}

describe('reader golden values', () => {
  it('parsing, normalising and fingerprinting give the values captured before issue 19', async () => {
    const values = await readerValues();
    if (process.env.GOLDEN_WRITE === '1')
      writeFileSync(GOLDEN, `${JSON.stringify(values).replaceAll('},{', '},\n{')}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(values).sort()).toEqual(Object.keys(golden).sort());
    for (const key of Object.keys(golden)) expect(values[key], key).toEqual(golden[key]);
  }, 60_000);

  // The store writes and looks up indexKeyNumbers; the golden values are indexKeys' strings.
  it('gives the stored integers of the golden index keys, in their order', () => {
    const items = [...shapeItems(), ...buildCorpus(60, 11).map((e) => e.item)];
    let checked = 0;
    for (const item of items) {
      const p = prepareEntry(item);
      if (!p) continue;
      const fp = fingerprint(p.title, p.contentHtml, p.summary);
      expect(indexKeyNumbers(fp), p.title).toEqual(indexKeys(fp).map(keyNumber));
      checked += indexKeys(fp).length;
    }
    expect(checked).toBeGreaterThan(items.length * 8);
    // Stored rows of every shape: no text (no bands), a short signature, a long title.
    const bare = { titleKey: 'un deux trois quatre', shingleCount: 0, leadKey: '', leadProbes: '' };
    for (const fp of [
      { ...bare, minhash: '' },
      { ...bare, shingleCount: 3, minhash: 'ab12'.repeat(20), leadKey: 'ff', leadProbes: 'ff 1a' },
      { ...bare, titleKey: repeat('mot', 400), minhash: '' },
    ])
      expect(indexKeyNumbers(fp)).toEqual(indexKeys(fp).map(keyNumber));
  });

  it('makes the search text from the fingerprint’s fold as from the text itself', () => {
    const items = [...shapeItems(), ...buildCorpus(30, 5).map((e) => e.item)];
    let shared = 0;
    for (const item of items) {
      const p = prepareEntry(item);
      if (!p) continue;
      const { fp, foldedBody } = fingerprintAndFold(p.title, p.contentHtml, p.summary);
      if (foldedBody !== null) shared++;
      const body = fp.text ?? '';
      expect(searchTextOf(p.title, body, foldedBody), p.title).toBe(searchTextOf(p.title, body));
    }
    // Many texts fold character by character (the random ones often hold ₂ ⁰ ₣, which do not).
    expect(shared).toBeGreaterThan(items.length / 3);
  }, 60_000);
});
