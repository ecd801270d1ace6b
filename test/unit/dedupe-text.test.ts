import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/shared/html-to-text.ts';
import {
  codesToString,
  looksLikeRelay,
  serialMarks,
  stripBodyRelay,
  stripTitleRelay,
  titleKey,
} from '../../src/ingest/dedupe/text.ts';
import { fingerprint } from '../../src/ingest/dedupe/fingerprint.ts';
import {
  compareEntries,
  marksConflict,
  signaturesKept,
  SIGNATURES_KEPT,
} from '../../src/ingest/dedupe/similarity.ts';

describe('title normalisation', () => {
  it('folds typography, case, accents and trailing punctuation', () => {
    const k = titleKey('L’Assemblée générale de « Coop Énergie » !');
    expect(k).toBe('l assemblee generale de coop energie');
    expect(titleKey('L\'assemblée Générale de "Coop Energie"')).toBe(k);
    expect(titleKey('l’assemblée générale de “coop énergie”…')).toBe(k);
    expect(titleKey('Œuvre collective')).toBe('oeuvre collective');
  });

  it('strips relay marks in titles', () => {
    for (const t of [
      '[Relais] Fête des coops',
      '[RELAIS] Fête des coops',
      'Relais : Fête des coops',
      'Relayé depuis Animacoop : Fête des coops',
      '(relais) Fête des coops',
      '[Relayé par Coopaname] Fête des coops',
    ]) {
      expect(stripTitleRelay(t)).toBe('Fête des coops');
      expect(titleKey(t)).toBe('fete des coops');
    }
    expect(stripTitleRelay('Relais Paysans : 10 ans')).toBe('Relais Paysans : 10 ans');
  });

  it('strips relay marks at the end of titles, not words that look like them', () => {
    for (const t of [
      'Fête des coops (relais)',
      'Fête des coops [Relayé par Coopaname]',
      'Fête des coops – relayé par Coopaname',
      'Fête des coops (via Animacoop)',
      'Fête des coops — via Animacoop',
      '[Relais] Fête des coops (relais)',
    ])
      expect(stripTitleRelay(t), t).toBe('Fête des coops');
    for (const t of ['Fête (des coops)', 'Journée via ferrata', 'Atelier - Relais Paysans'])
      expect(stripTitleRelay(t)).toBe(t);
    expect(looksLikeRelay('Fête des coops (relais)', 'Le texte.')).toBe(true);
  });

  it('strips a leading "Relayé depuis …" in bodies and recognises relays', () => {
    const text = htmlToText(
      '<p>Relayé depuis <a href="x">Animacoop</a></p><p>Le texte &laquo;original&raquo;.</p>',
      { blocks: '\n' },
    );
    expect(text).toBe('Relayé depuis Animacoop\nLe texte «original».');
    expect(stripBodyRelay(text)).toBe('Le texte «original».');
    expect(stripBodyRelay('Relayé depuis Animacoop : Le texte.')).toBe('Le texte.');
    expect(looksLikeRelay('Titre', text)).toBe(true);
    expect(looksLikeRelay('Titre', 'Le texte.')).toBe(false);
  });
});

describe('codesToString', () => {
  // Long ASCII texts take a native path (bytes decoded); others fromCharCode: the same strings.
  it('gives the code units as a string, whatever their length and range', () => {
    const texts = [
      '',
      'court',
      'a b c '.repeat(200),
      `${'mot '.repeat(300)}é`,
      `${'x'.repeat(700)}\u2019${'y'.repeat(10)}`,
      `${'z'.repeat(600)}\ud83c\udf89 \ud800 fin`,
      'long '.repeat(5000),
    ];
    for (const text of texts) {
      const units = new Uint16Array(text.length + 8).fill(0x41);
      for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
      expect(codesToString(units, text.length)).toBe(text);
      expect(codesToString(units, Math.max(0, text.length - 3))).toBe(text.slice(0, -3));
    }
  });
});

describe('serial titles', () => {
  it('extracts numbers, dates, months, ordinals and roman numerals', () => {
    expect(serialMarks("Lettre d'information n°12")).toBe('12');
    expect(serialMarks('Atelier — session 2')).toBe('2');
    expect(serialMarks('Rencontre du 3 mars 2026')).toBe('2026 3 m3');
    expect(serialMarks('Conférence du 03/03/2026')).toBe(serialMarks('Conférence du 3/3/2026'));
    expect(serialMarks('Deuxième rencontre')).toBe('2');
    expect(serialMarks('Université d’été, édition XII')).toBe('12');
    expect(serialMarks('Permanence du lundi')).not.toBe(serialMarks('Permanence du mardi'));
    expect(serialMarks('Fête des coops')).toBe('');
  });

  it('conflicting marks keep episodes apart, a missing mark does not', () => {
    expect(marksConflict(serialMarks('Lettre n°12'), serialMarks('Lettre n°13'))).toBe(true);
    expect(marksConflict(serialMarks('Lettre n°12'), serialMarks('[Relais] Lettre n° 12 !'))).toBe(
      false,
    );
    expect(marksConflict(serialMarks('Atelier'), serialMarks('Atelier session 1'))).toBe(false);
  });
});

describe('near-duplicate decision', () => {
  const story =
    'La fédération des coopératives d’activité et d’emploi lance un programme d’accompagnement pour les porteurs de projet du secteur culturel. Douze structures pilotes ont été retenues après un appel à candidatures ouvert tout l’hiver, et les premières sessions de formation commencent au printemps dans trois régions. Le programme est financé par des fonds régionaux et européens.';
  const other =
    'Le réseau des tiers-lieux organise sa rencontre annuelle autour de la gouvernance partagée et des outils numériques libres. Au programme, des ateliers pratiques, des retours d’expérience et une plénière sur le financement participatif des lieux collectifs en milieu rural.';
  const at = (title: string, html: string, day = 1) => ({
    ...fingerprint(title, html, null),
    publishedAt: Date.UTC(2026, 2, day),
  });

  it('keeps a bounded number of parsed signatures, and decides the same once they are dropped', () => {
    const relay = () =>
      compareEntries(
        at('Accompagnement des projets culturels', `<p>${story}</p>`),
        at('[Relais] Accompagnement des projets culturels', `<p>${story}</p>`, 2),
      );
    const before = relay();
    // Many distinct stories compared, as a long-running serve does pull after pull.
    for (let i = 0; i < 3 * SIGNATURES_KEPT; i++)
      compareEntries(
        at(`Nouvelle ${i}`, `<p>Rencontre numéro ${i} du réseau. ${other}</p>`),
        at(`Nouvelle ${i} bis`, `<p>${story} Session ${i}.</p>`),
      );
    expect(signaturesKept()).toBeLessThanOrEqual(SIGNATURES_KEPT);
    expect(relay()).toEqual(before);
  });

  it('merges a relay with typographic title variants and a relay prefix', () => {
    const v = compareEntries(
      at('Accompagnement des projets culturels : c’est parti !', `<p>${story}</p>`),
      at(
        "[Relais] Accompagnement des projets culturels : c'est parti",
        `<p>Relayé depuis la fédération</p><p>${story}</p>`,
        2,
      ),
    );
    expect(v.duplicate).toBe(true);
    expect(v.detail).toMatch(/same title/);
  });

  it('merges a rewritten title over the same text, and a truncated copy with a related title', () => {
    expect(
      compareEntries(
        at('Les CAE lancent un programme culturel', story),
        at('Un programme pour les projets culturels dans les CAE', story, 3),
      ).duplicate,
    ).toBe(true);
    const half = story.slice(0, story.indexOf('Le programme est'));
    expect(
      compareEntries(
        at('Programme culturel des CAE', story),
        at('Programme culturel des CAE : douze pilotes', half, 2),
      ).duplicate,
    ).toBe(true);
  });

  it('keeps apart different stories, same title with different text, serial titles and far dates', () => {
    expect(
      compareEntries(at('Rencontre annuelle', story), at('Rencontre annuelle', other)).duplicate,
    ).toBe(false);
    expect(
      compareEntries(at('Atelier — session 1', story), at('Atelier — session 2', story)).duplicate,
    ).toBe(false);
    expect(
      compareEntries(at("Lettre d'information n°12", story), at("Lettre d'information n°13", story))
        .duplicate,
    ).toBe(false);
    expect(
      compareEntries(at('Programme culturel', story, 1), {
        ...at('Programme culturel', story),
        publishedAt: Date.UTC(2026, 5, 1),
      }).duplicate,
    ).toBe(false);
  });

  it('does not merge on a short generic title alone', () => {
    expect(
      compareEntries(at('Assemblée générale', ''), at('Assemblée générale', '')).duplicate,
    ).toBe(false);
    expect(
      compareEntries(
        at('Assemblée générale de la SCIC Énergie Partagée', ''),
        at('[Relais] Assemblée générale de la SCIC Énergie partagée', ''),
      ).duplicate,
    ).toBe(true);
  });

  const para = (seed: string, n = 45) =>
    Array.from({ length: n }, (_, i) => `${seed}${(i * 7919) % 97}`).join(' ');

  it('merges a teaser (opening sentence only) under the same specific title, not a template post', () => {
    const full = `<p>${story}</p><p>${other}</p>`;
    const teaser = `<p>${story.split('. ')[0]}.</p>`;
    expect(
      compareEntries(
        at('Programme culturel des CAE en région', full),
        at('[Relais] Programme culturel des CAE en région', teaser, 2),
      ).duplicate,
    ).toBe(true);
    // Two job offers from one template: same title, same opening, then different texts.
    const offerA = `<p>${story}</p><p>${para('alpha')}</p>`;
    const offerB = `<p>${story}</p><p>${para('beta')}</p>`;
    expect(
      compareEntries(
        at('Offre d’emploi : chargé·e de mission', offerA),
        at("Offre d'emploi : chargé·e de mission", offerB, 2),
      ).duplicate,
    ).toBe(false);
  });

  it('merges a long truncated copy under a new title, not posts sharing a long footer', () => {
    const long = `<p>${para('gamma', 60)}</p><p>${para('delta', 60)}</p>`;
    const half = `<p>${para('gamma', 60)}</p>`;
    expect(
      compareEntries(at('Un titre original', long), at('Tout autre chose', half, 2)).detail,
    ).toMatch(/^long text contained/);
    const footer = `<p>${para('pied', 60)}</p>`;
    expect(
      compareEntries(
        at('Première nouvelle', `<p>${para('un', 25)}</p>${footer}`),
        at('Autre nouvelle', `<p>${para('deux', 25)}</p>${footer}`, 2),
      ).duplicate,
    ).toBe(false);
  });
});
