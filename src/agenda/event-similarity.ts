/** Relay detection for events: the same start and a similar normalised title or place. */
import { foldText, stripTitleRelay } from '../ingest/dedupe/text.ts';

const STOP = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'l',
  'd',
  'et',
  'a',
  'au',
  'aux',
  'en',
  'un',
  'une',
  'the',
  'of',
  'and',
  'for',
  'pour',
  'sur',
  'avec',
]);

/** Normalised title: relay marks, case, accents and punctuation folded away. */
export function eventTitleKey(title: string | null | undefined): string {
  return title ? foldText(stripTitleRelay(title)) : '';
}

function tokens(s: string): Set<string> {
  return new Set(
    foldText(s)
      .split(' ')
      .filter((w) => w && !STOP.has(w)),
  );
}

/** Jaccard similarity of the meaningful words of two strings (0 when either is empty). */
export function wordSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  if (!a || !b) return 0;
  const x = tokens(a);
  const y = tokens(b);
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}

export interface RelayCandidate {
  title: string;
  location: string | null;
}

/**
 * Whether two events that start at the same instant are the same event relayed: near-equal
 * titles, or fairly similar titles at a similar place. Callers only compare equal starts,
 * so the same title at another time never matches.
 */
export function sameEvent(a: RelayCandidate, b: RelayCandidate): boolean {
  const ka = eventTitleKey(a.title);
  const kb = eventTitleKey(b.title);
  if (ka && ka === kb) return true;
  const t = wordSimilarity(a.title, b.title);
  if (t >= 0.75) return true;
  return t >= 0.4 && wordSimilarity(a.location, b.location) >= 0.5;
}
