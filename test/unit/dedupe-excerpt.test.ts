import { describe, expect, it } from 'vitest';
import { excerptOf, MIN_EXCERPT_WORDS } from '../../src/ingest/dedupe/excerpt.ts';
import { fingerprint, indexKeys, sentenceStarts } from '../../src/ingest/dedupe/fingerprint.ts';
import { sameTextRepost } from '../../src/ingest/dedupe/similarity.ts';
import { titleKey, words } from '../../src/ingest/dedupe/text.ts';

const P1 =
  'La coopérative du Moulin ouvre cet automne un lieu partagé au cœur du quartier, avec un ' +
  'atelier de réparation, une épicerie en vrac et une salle prêtée aux associations du territoire.';
const P2 =
  'Le projet a été porté pendant deux ans par une vingtaine d’habitants et de salariés, ' +
  'accompagnés par la fédération régionale, qui ont réuni les financements nécessaires.';
const P3 =
  'L’inauguration aura lieu le premier samedi du mois avec des visites, un repas partagé et un ' +
  'concert ; chacun est invité à proposer des activités pour l’année qui vient.';
const STORY = [
  P1,
  P2,
  P3,
  P2.replace('deux ans', 'trois saisons'),
  P3.replace('repas', 'goûter'),
].join('\n');
const TITLE = 'Le moulin devient un lieu partagé';

const side = (title: string, text: string) => ({ titleKey: titleKey(title), marks: '', text });

describe('excerptOf: a relay quoting the opening of a story', () => {
  it('finds the quote after a phrase of the relay’s own, whatever the title’s light change', () => {
    for (const [title, text] of [
      [
        `${TITLE} (relais)`,
        `Nous relayons cet article de nos amis du Moulin :\n${P1}\nLire la suite sur leur site.`,
      ],
      [
        `${TITLE} – relayé par Écho`,
        `À lire chez nos partenaires, qui écrivent : « ${P1} ${P2.slice(0, 60)}… »`,
      ],
      [`À lire : ${TITLE.toLowerCase()}`, `${P1}\nBonne lecture à toutes et à tous !`],
      [TITLE, `Un article que nous vous recommandons. ${P1}`],
    ] as const) {
      const v = excerptOf(side(title, text), side(TITLE, STORY));
      expect(v.excerpt, `${title}: ${v.detail}`).toBe(true);
      expect(v.quoted).toBeGreaterThanOrEqual(MIN_EXCERPT_WORDS);
      expect(v.detail).toMatch(/^\d+ mots du début de l'article/);
    }
  });

  it('keeps apart what only shares an opening', () => {
    const no = (title: string, text: string, storyTitle = TITLE, story = STORY) =>
      expect(excerptOf(side(title, text), side(storyTitle, story)).excerpt, text).toBe(false);
    // Short boilerplate opening, relay-like title.
    const boilerplate = 'Le réseau vous informe chaque semaine des actualités de ses membres.';
    no(
      'Les nouvelles (relais)',
      `Nous relayons : ${boilerplate} Cette semaine, la recyclerie cherche des bénévoles.`,
      'Les nouvelles',
      `${boilerplate}\n${P2}\n${P3}`,
    );
    // A follow-up quoting the opening, then telling its own story.
    no(
      `${TITLE} : le bilan`,
      `Rappelez-vous : ${P1}\n${P3}\n${P2}\n${P3.replace('samedi', 'dimanche')}`,
    );
    // The same long opening sentence, then another story.
    no(TITLE, `${P1}\n${P3.replace('concert', 'bal')}\n${P2.replace('habitants', 'élus')}`);
    // An unrelated title.
    no('Assemblée générale de la fédération', `Nous relayons : ${P1}`);
    // Serial titles.
    expect(
      excerptOf(
        { ...side('Lettre n°3 (relais)', `Nous relayons : ${P1}`), marks: '3' },
        { ...side('Lettre n°4', STORY), marks: '4' },
      ).excerpt,
    ).toBe(false);
    // A rewrite is not a quote.
    const rewritten = words(P1)
      .map((w, i) => (i % 4 === 0 ? 'autre' : w))
      .join(' ');
    no(`${TITLE} (relais)`, `Nous relayons : ${rewritten}`);
  });
});

describe('lead probes', () => {
  it('marks where sentences start, so a quote after a phrase of one’s own is found', () => {
    const text = `Nous relayons cet article :\n${P1}`;
    const starts = sentenceStarts(text);
    expect(starts[0]).toBe(words('Nous relayons cet article').length);
    const relay = fingerprint(
      `${TITLE} (relais)`,
      `<p>Nous relayons cet article :</p><p>${P1}</p>`,
      null,
    );
    const story = fingerprint(
      TITLE,
      STORY.split('\n')
        .map((p) => `<p>${p}</p>`)
        .join(''),
      null,
    );
    expect(relay.leadProbes.split(' ')).toContain(story.leadKey);
    expect(indexKeys(relay)).toContain(`l:${story.leadKey}`);
    // Long stories are not excerpts: no probes, no extra index rows.
    const long = fingerprint(TITLE, `<p>${`${P2} `.repeat(20)}</p>`, null);
    expect(long.leadProbes).toBe('');
  });
});

describe('sameTextRepost: one network posting a story again', () => {
  const fp = (title: string, text: string) => ({
    ...fingerprint(title, `<p>${text}</p>`, null),
    publishedAt: 0,
  });
  it('same text again under another title merges; another text or another episode does not', () => {
    expect(sameTextRepost(fp(TITLE, STORY), fp(`${TITLE} (mis à jour)`, STORY)).duplicate).toBe(
      true,
    );
    expect(sameTextRepost(fp(TITLE, STORY), fp(TITLE, `${P3} ${P2}`)).duplicate).toBe(false);
    expect(sameTextRepost(fp('Lettre n°3', STORY), fp('Lettre n°4', STORY)).duplicate).toBe(false);
  });
});
