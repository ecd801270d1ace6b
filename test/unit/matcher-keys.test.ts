/**
 * What a document's matcher knows of index keys (dedupe/matcher.ts): it lists under each key
 * only the items the document's own inputs can ask about (`wanted`), yet knows every key of
 * every item for missingKeys, which decides the item_keys rows a joining entry writes.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint, indexKeyNumbers } from '../../src/ingest/dedupe/fingerprint.ts';
import { candidateRow, type CandidateRow } from '../../src/ingest/dedupe/lookup.ts';
import { Matcher, type MatchInput } from '../../src/ingest/dedupe/matcher.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const STORY =
  'La coopérative du Moulin ouvre cet automne un lieu partagé au cœur du quartier, avec un ' +
  'atelier de réparation, une épicerie en vrac et une salle prêtée aux associations. Le ' +
  'projet a été porté pendant deux ans par une vingtaine d’habitants et de salariés, ' +
  'accompagnés par la fédération régionale, qui ont réuni les financements nécessaires. ' +
  'L’inauguration aura lieu le premier samedi du mois avec des visites, un repas partagé et ' +
  'un concert ; chacun est invité à proposer des activités pour l’année qui vient.';
const OTHER =
  'Le conseil d’administration de la ressourcerie a voté le budget de l’année : deux postes ' +
  'de valoristes, un camion électrique pour les collectes et un atelier de couture ouvert ' +
  'trois après-midi par semaine. Les adhérents sont invités à l’assemblée du mois de juin, ' +
  'où le rapport moral sera présenté avec les comptes et le projet de boutique en ligne.';

function input(sourceId: number, n: number, title: string, text: string, day = 0): MatchInput {
  const fp = fingerprint(title, `<p>${text}</p>`, null);
  return {
    sourceId,
    guid: `https://source-${sourceId}.example/${n}`,
    guidHash: `hash-${sourceId}-${n}`,
    canonicalUrl: null,
    titleKey: fp.titleKey,
    leadKey: fp.leadKey,
    leadProbes: fp.leadProbes,
    marks: fp.marks,
    minhash: fp.minhash,
    shingleCount: fp.shingleCount,
    publishedAt: T0 + day * 86_400_000,
    indexKeys: indexKeyNumbers(fp),
    text: () => text,
  };
}

const stored = (id: number, itemId: string, i: MatchInput): CandidateRow =>
  candidateRow(id, itemId, `network-${i.sourceId}`, null, i);

const noTexts = async () => new Map<number, string>();

describe('a matcher’s index keys', () => {
  it('knows every key of a joined item, those no input has included', async () => {
    const original = stored(7, 'item-a', input(1, 1, 'Le moulin devient un lieu partagé', STORY));
    // The relay's text ends differently: some of its keys are not the story's.
    const relay = input(2, 1, 'Le moulin devient un lieu partagé', `${STORY} ${OTHER}`, 1);
    const storedKeys = indexKeyNumbers(original);
    expect(storedKeys.some((k) => !relay.indexKeys.includes(k))).toBe(true);
    expect(relay.indexKeys.some((k) => !storedKeys.includes(k))).toBe(true);

    const matcher = await Matcher.build([original], 2, [relay], noTexts);
    expect(matcher.match(relay)?.itemId).toBe('item-a');
    const missing = matcher.missingKeys('item-a', relay.indexKeys);
    expect(missing).toEqual(relay.indexKeys.filter((k) => !storedKeys.includes(k)));
    // Asked again after the relay joined: its keys are the item's now, and so are the keys of
    // the stored entry that no input has.
    matcher.addEntry(candidateRow(null, 'item-a', 'network-2', null, relay), relay.indexKeys);
    expect(matcher.missingKeys('item-a', relay.indexKeys)).toEqual([]);
    const unseen = storedKeys.filter((k) => !relay.indexKeys.includes(k));
    expect(matcher.missingKeys('item-a', [...unseen, 12345])).toEqual([12345]);
    // An item no entry of the matcher is in has none.
    expect(matcher.missingKeys('item-b', relay.indexKeys)).toEqual(relay.indexKeys);
  });

  it('refuses to match an entry that was not among the inputs it was built for', async () => {
    const original = stored(7, 'item-a', input(1, 1, 'Le moulin devient un lieu partagé', STORY));
    const relay = input(2, 1, 'Le moulin devient un lieu partagé', STORY, 1);
    const stranger = input(2, 2, 'Budget de la ressourcerie', OTHER, 1);
    const matcher = await Matcher.build([original], 2, [relay], noTexts);
    // Its keys were not listed: it would miss candidates it shares a key with.
    expect(() => matcher.match(stranger)).toThrow(/not given to build/);
    expect(matcher.match(relay)?.itemId).toBe('item-a');
  });
});
