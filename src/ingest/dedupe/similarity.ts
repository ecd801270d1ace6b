/**
 * The near-duplicate decision between two entries: pure, conservative, explainable.
 *
 * - Serial titles stay apart: when both titles carry numbers/dates/ordinals, they must be equal.
 * - Same title key: the texts must overlap (containment ≥ 0.7), or the title must be specific
 *   (≥ 4 words), the dates within 7 days, and one text either a teaser (< 30 shingles) opening
 *   with the same words as the other or little more than its title.
 * - Different titles: near-identical texts (Jaccard ≥ 0.8 with related titles, ≥ 0.95 otherwise,
 *   or a truncated copy: containment ≥ 0.9 with related titles), on texts long enough to judge;
 *   or a long text (≥ 40 shingles) contained in a clearly longer one that opens with the same
 *   words (size ratio ≤ 0.8, containment ≥ 0.85, Jaccard ≥ 0.3).
 * Callers restrict candidates to ±30 days of publication before asking.
 */
import { estimateContainment, estimateJaccard, signatureFromHex } from './minhash.ts';
import { SPECIFIC_TITLE_WORDS } from './fingerprint.ts';

export interface Comparable {
  titleKey: string;
  /** Hash of the first words of the text ('' when too short). */
  leadKey: string;
  marks: string;
  minhash: string;
  shingleCount: number;
  publishedAt: number;
}

export interface Verdict {
  duplicate: boolean;
  /** 0..1, for choosing the best candidate. */
  score: number;
  /** Human-readable explanation stored in entries.merge_detail. */
  detail: string;
}

const DAY = 86_400_000;
export const CANDIDATE_WINDOW_MS = 30 * DAY;
const SHORT_TEXT = 8;
const LONG_ENOUGH = 20;
const TEASER = 30;

export function titleTokenSimilarity(a: string, b: string): number {
  const sa = new Set(a.split(' ').filter(Boolean));
  const sb = new Set(b.split(' ').filter(Boolean));
  if (!sa.size || !sb.size) return 0;
  let inter = 0;
  for (const t of sa) if (sb.has(t)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/**
 * Parsed signatures kept, by hex string: an entry is compared with many new entries in one
 * store call, and rarely in the next (a cold pull of 250 sources compares ~2,000 pairs, about
 * half of them with a signature already parsed). Each kept costs ~1 KB (its 512-character key
 * and its array), held between pulls too: 5,000 kept up to ~5 MB of the main thread's heap.
 * bench:dedup, 113,000 comparisons, parses 8,200 signatures with 500 kept, 1,340 with 5,000:
 * a few ms more.
 */
export const SIGNATURES_KEPT = 500;
const parsed = new Map<string, Uint32Array | null>();
function parsedSignature(hex: string): Uint32Array | null {
  let sig = parsed.get(hex);
  if (sig === undefined) {
    if (parsed.size >= SIGNATURES_KEPT) parsed.clear();
    parsed.set(hex, (sig = signatureFromHex(hex)));
  }
  return sig;
}

/** How many parsed signatures are kept now (tests). */
export function signaturesKept(): number {
  return parsed.size;
}

/** Serial marks conflict when both titles have some and they differ. */
export function marksConflict(a: string, b: string): boolean {
  return a !== '' && b !== '' && a !== b;
}

export function compareEntries(a: Comparable, b: Comparable): Verdict {
  if (marksConflict(a.marks, b.marks))
    return { duplicate: false, score: 0, detail: `serial titles differ (${a.marks} ≠ ${b.marks})` };
  if (Math.abs(a.publishedAt - b.publishedAt) > CANDIDATE_WINDOW_MS)
    return { duplicate: false, score: 0, detail: 'outside the 30-day window' };
  const sa = parsedSignature(a.minhash);
  const sb = parsedSignature(b.minhash);
  const jaccard = sa && sb && a.shingleCount && b.shingleCount ? estimateJaccard(sa, sb) : 0;
  const containment = estimateContainment(jaccard, a.shingleCount, b.shingleCount);
  const titleSim = titleTokenSimilarity(a.titleKey, b.titleKey);
  const minShingles = Math.min(a.shingleCount, b.shingleCount);
  const scores = `jaccard=${jaccard.toFixed(2)} containment=${containment.toFixed(2)} title=${titleSim.toFixed(2)}`;
  const yes = (why: string, score: number): Verdict => ({
    duplicate: true,
    score,
    detail: `${why}; ${scores}`,
  });

  if (a.titleKey && a.titleKey === b.titleKey) {
    if (minShingles >= SHORT_TEXT && containment >= 0.7)
      return yes('same title, overlapping text', 0.5 + containment / 2);
    const specific = a.titleKey.split(' ').length >= SPECIFIC_TITLE_WORDS;
    // A teaser (the opening sentence only) is too small for MinHash to see it inside the full
    // text. Posts made from one template open alike too, but they go on: only a short text counts.
    if (
      specific &&
      minShingles < TEASER &&
      a.leadKey &&
      a.leadKey === b.leadKey &&
      Math.abs(a.publishedAt - b.publishedAt) <= 7 * DAY
    ) {
      return yes('same specific title, a teaser with the same opening words', 0.7);
    }
    if (
      minShingles < SHORT_TEXT &&
      specific &&
      Math.abs(a.publishedAt - b.publishedAt) <= 7 * DAY
    ) {
      return yes('same specific title, one text too short to compare', 0.6);
    }
    return { duplicate: false, score: 0, detail: `same title but different text; ${scores}` };
  }
  if (minShingles >= LONG_ENOUGH) {
    if (jaccard >= 0.95) return yes('near-identical text', jaccard);
    if (jaccard >= 0.8 && titleSim >= 0.3)
      return yes('near-identical text, related titles', jaccard);
    if (containment >= 0.9 && titleSim >= 0.5)
      return yes('truncated copy, related titles', containment * 0.95);
  }
  // A substantial text wholly contained in a clearly longer one that opens with the same words
  // (a truncated relay under a new title). Posts sharing a long footer or a template look
  // contained too, but they open differently or are of similar length.
  const sizeRatio = minShingles / Math.max(a.shingleCount, b.shingleCount, 1);
  if (
    minShingles >= 40 &&
    sizeRatio <= 0.8 &&
    jaccard >= 0.3 &&
    containment >= 0.85 &&
    a.leadKey &&
    a.leadKey === b.leadKey
  ) {
    return yes('long text contained in a longer one, same opening words', containment * 0.9);
  }
  return { duplicate: false, score: 0, detail: `not similar enough; ${scores}` };
}

/**
 * Whether two entries of one source are the same story posted twice (a new guid, the same text):
 * stricter than between networks, since a network's own posts share templates and series.
 */
export function sameTextRepost(a: Comparable, b: Comparable): Verdict {
  if (marksConflict(a.marks, b.marks))
    return { duplicate: false, score: 0, detail: `serial titles differ (${a.marks} ≠ ${b.marks})` };
  if (Math.abs(a.publishedAt - b.publishedAt) > CANDIDATE_WINDOW_MS)
    return { duplicate: false, score: 0, detail: 'outside the 30-day window' };
  const sa = parsedSignature(a.minhash);
  const sb = parsedSignature(b.minhash);
  const jaccard = sa && sb && a.shingleCount && b.shingleCount ? estimateJaccard(sa, sb) : 0;
  const minShingles = Math.min(a.shingleCount, b.shingleCount);
  if (jaccard >= 0.9 && minShingles >= LONG_ENOUGH)
    return {
      duplicate: true,
      score: jaccard,
      detail: `same text again; jaccard=${jaccard.toFixed(2)}`,
    };
  return { duplicate: false, score: 0, detail: `not the same text; jaccard=${jaccard.toFixed(2)}` };
}
