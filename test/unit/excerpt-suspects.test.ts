/**
 * Which stored candidates an excerpt check needs the text of (dedupe/matcher.ts
 * excerptSuspects): those of other sources whose opening a short new entry may quote (their
 * lead is one of its probes or its own lead), and those that may quote a new entry (one of
 * their probes is its lead) — not when a template shares the opening, nor for copies close
 * enough to merge without their texts.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/ingest/dedupe/fingerprint.ts';
import { candidateRow, type CandidateRow } from '../../src/ingest/dedupe/lookup.ts';
import { excerptSuspects, type MatchInput } from '../../src/ingest/dedupe/matcher.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
/** A signature of its own for each entry: texts with no word in common. */
const minhashOf = (n: number) =>
  fingerprint(
    `Titre ${n}`,
    `<p>${Array.from({ length: 40 }, (_, w) => `mot${n}x${w}`).join(' ')}</p>`,
    null,
  ).minhash;

interface Shape {
  source: number;
  title?: string;
  lead?: string;
  probes?: string;
  shingles?: number;
}

let n = 0;
function fields(s: Shape) {
  n++;
  return {
    sourceId: s.source,
    guid: `https://source-${s.source}.example/${n}`,
    guidHash: `hash-${n}`,
    canonicalUrl: null,
    // Titles of their own: nothing here is a copy close enough to merge without texts.
    titleKey: s.title ?? `titre numero ${n} sans rapport`,
    leadKey: s.lead ?? '',
    leadProbes: s.probes ?? '',
    marks: '',
    minhash: minhashOf(n),
    shingleCount: s.shingles ?? 60,
    publishedAt: T0,
  };
}

const input = (s: Shape): MatchInput => ({ ...fields(s), indexKeys: [], text: () => '' });
const stored = (id: number, s: Shape): CandidateRow =>
  candidateRow(id, `item-${id}`, `network-${s.source}`, null, fields(s));

describe('excerpt suspects', () => {
  it('are stored entries whose opening a short new entry may quote, and those quoting it', () => {
    const relay = input({ source: 1, lead: 'aaaa', probes: 'bbbb cccc' });
    const found = [
      stored(1, { source: 2, lead: 'cccc' }), // its opening is the relay's second probe
      stored(2, { source: 2, lead: 'aaaa' }), // opens as the relay does
      stored(3, { source: 2, lead: 'dddd', probes: 'eeee aaaa' }), // may quote the relay
      stored(4, { source: 2, lead: 'ffff', probes: 'gggg' }), // nothing in common
      stored(5, { source: 1, lead: 'cccc' }), // the relay's own source
    ];
    expect(excerptSuspects([relay], found, 1).sort()).toEqual([1, 2, 3]);
    // A long new entry quotes nothing: only what may quote it is a suspect.
    const story = input({ source: 1, lead: 'aaaa', probes: 'bbbb cccc', shingles: 400 });
    expect(excerptSuspects([story], found, 1)).toEqual([3]);
    // No lead anywhere in the new entries: nothing to read.
    expect(excerptSuspects([input({ source: 1, shingles: 30 })], found, 1)).toEqual([]);
  });

  it('leave out an opening shared by more than four stored entries, or by the new ones', () => {
    const relay = input({ source: 1, probes: 'tttt' });
    const template = (id: number) => stored(id, { source: 2 + id, lead: 'tttt' });
    expect(excerptSuspects([relay], [1, 2, 3, 4].map(template), 1).sort()).toEqual([1, 2, 3, 4]);
    expect(excerptSuspects([relay], [1, 2, 3, 4, 5].map(template), 1)).toEqual([]);
    // The same entry found twice counts once.
    const twice = [1, 2, 3, 4].map(template);
    expect(excerptSuspects([relay], [...twice, twice[0]!], 1).sort()).toEqual([1, 2, 3, 4]);
    // Five new entries quoting one opening are a template of their own.
    const story = stored(9, { source: 2, lead: 'uuuu' });
    const relays = (count: number) =>
      Array.from({ length: count }, () => input({ source: 1, probes: 'uuuu' }));
    expect(excerptSuspects(relays(4), [story], 1)).toEqual([9]);
    expect(excerptSuspects(relays(5), [story], 1)).toEqual([]);
    // Nor is an opening five new entries share one a stored entry may be quoting.
    const quoter = stored(10, { source: 2, lead: 'wwww', probes: 'vvvv' });
    const openers = (count: number) =>
      Array.from({ length: count }, () => input({ source: 1, lead: 'vvvv', shingles: 400 }));
    expect(excerptSuspects(openers(4), [quoter], 1)).toEqual([10]);
    expect(excerptSuspects(openers(5), [quoter], 1)).toEqual([]);
  });

  it('leave out copies close enough to merge without their texts', () => {
    const title = 'assemblee generale de la cooperative du moulin';
    const teaser = input({ source: 1, title, lead: 'aaaa', shingles: 8 });
    // Same specific title, same opening, one text too short to compare: a duplicate already.
    const copy = stored(1, { source: 2, title, lead: 'aaaa', shingles: 8 });
    const other = stored(2, { source: 2, lead: 'aaaa', shingles: 8 });
    expect(excerptSuspects([teaser], [copy, other], 1)).toEqual([2]);
    // Unless another new entry quoting it is not one.
    const stranger = input({ source: 1, lead: 'aaaa', shingles: 8 });
    expect(excerptSuspects([teaser, stranger], [copy], 1)).toEqual([1]);
  });
});
