/**
 * Excerpt relays: a network that relays only the opening of another's story, under its own URL
 * and a lightly changed title, with a phrase of its own around the quote ("Nous relayons …",
 * "Lire la suite sur …"). Overall resemblance misses them (the quote is a small part of the
 * story), so they are matched on containment: the relay's text, from one of its sentence starts,
 * repeats the story's opening word for word, the quote is long enough that shared boilerplate
 * never qualifies, and it is most of what the relay says (a follow-up quoting a paragraph and
 * going on with its own story is not a relay). Pure; callers pick candidates by lead keys.
 */
import { sentenceStarts } from './fingerprint.ts';
import { marksConflict } from './similarity.ts';
import { words } from './text.ts';

/** Shortest quote that counts: an opening sentence or a boilerplate paragraph is shorter. */
export const MIN_EXCERPT_WORDS = 25;
/** Share of the relay's words the quote must make (its own phrases are the rest). */
const MIN_COVERAGE = 0.6;
/** A quote ends after this many words in a row differ from the story. */
const END_OF_QUOTE = 3;

export interface ExcerptSide {
  titleKey: string;
  marks: string;
  /** Plain text without relay marks (what fingerprint() calls the body). */
  text: string;
}

export interface ExcerptVerdict {
  excerpt: boolean;
  /** Words of the story's opening repeated by the relay. */
  quoted: number;
  detail: string;
}

function titleTokens(key: string): Set<string> {
  return new Set(key.split(' ').filter(Boolean));
}

/** Titles a relay may give: the same once marks are removed, or mostly the same words. */
function relatedTitles(a: string, b: string): boolean {
  if (a && a === b) return true;
  const x = titleTokens(a);
  const y = titleTokens(b);
  if (!x.size || !y.size) return false;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / Math.min(x.size, y.size) >= 0.75 && shared / Math.max(x.size, y.size) >= 0.5;
}

/** Words of `story` from its start that `relay` repeats from `at` (isolated edits allowed). */
function quotedFrom(relay: string[], at: number, story: string[]): number {
  let matched = 0;
  let misses = 0;
  let lastMatch = -1;
  for (let k = 0; at + k < relay.length && k < story.length; k++) {
    if (relay[at + k] === story[k]) {
      matched++;
      misses = 0;
      lastMatch = k;
    } else if (++misses >= END_OF_QUOTE) break;
  }
  // A quote with more than one word in ten changed is a rewrite, not a quote.
  return lastMatch >= 0 && matched >= 0.9 * (lastMatch + 1) ? matched : 0;
}

/** Whether `relay` is an excerpt of `story` (see module doc), with the words it quotes. */
export function excerptOf(relay: ExcerptSide, story: ExcerptSide): ExcerptVerdict {
  const no = (detail: string, quoted = 0): ExcerptVerdict => ({ excerpt: false, quoted, detail });
  if (marksConflict(relay.marks, story.marks)) return no('serial titles differ');
  if (!relatedTitles(relay.titleKey, story.titleKey)) return no('unrelated titles');
  const relayWords = words(relay.text);
  const storyWords = words(story.text);
  if (relayWords.length < MIN_EXCERPT_WORDS || storyWords.length < MIN_EXCERPT_WORDS)
    return no('too short to quote');
  let quoted = 0;
  for (const at of [0, ...sentenceStarts(relay.text)]) {
    if (relayWords.length - at < MIN_EXCERPT_WORDS) break;
    quoted = Math.max(quoted, quotedFrom(relayWords, at, storyWords));
  }
  if (quoted < MIN_EXCERPT_WORDS) return no(`quote of ${quoted} words`, quoted);
  const coverage = quoted / relayWords.length;
  if (coverage < MIN_COVERAGE)
    return no(`quote of ${quoted} words, ${Math.round(coverage * 100)} % of the relay`, quoted);
  return {
    excerpt: true,
    quoted,
    detail: `${quoted} mots du début de l'article (${Math.round(coverage * 100)} % du relais)`,
  };
}
