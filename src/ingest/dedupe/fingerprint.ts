/** What dedup knows of one entry: title key, serial marks, MinHash signature and band keys. */
import { htmlToText } from '../../shared/html-to-text.ts';
import {
  foldText,
  looksLikeRelay,
  serialMarksOfKey,
  stripBodyRelay,
  stripTitleRelay,
  words,
} from './text.ts';
import {
  BANDS,
  bandKeyNumbers,
  bandKeys,
  minhash,
  minhashValues,
  shingleHashes,
  shingleValues,
  signatureToHex,
} from './minhash.ts';
import { fnv1a32, hex32 } from '../../shared/hash.ts';
import { foldedText, foldWords, hashWordRun, type FoldedWords } from './folded-words.ts';
import { keyNumber, LEAD_KIND, MAX_TITLE_LENGTH, TITLE_KIND } from './key-number.ts';

export interface Fingerprint {
  titleKey: string;
  /** Numbers, dates, ordinals of the title (see serialMarks). */
  marks: string;
  /** MinHash signature, hex. */
  minhash: string;
  shingleCount: number;
  /** Title or body carries a relay mark. */
  relay: boolean;
  /** Length of the plain text (without relay marks): "best content" prefers the longest. */
  textLength: number;
  /** Hash of the text's first words: truncated copies and teasers keep the beginning. '' when too short. */
  leadKey: string;
  /**
   * Hashes of the first words after each sentence start near the beginning of a short text
   * (space-separated, '' when none): where an excerpt relay's quote of another story may begin.
   */
  leadProbes: string;
  /** The plain text without relay marks (not stored: the item's search text reuses it). */
  text?: string;
}

const LEAD_WORDS = 8;
/** Texts longer than this are stories, not excerpt relays: they get no probes. */
const EXCERPT_MAX_WORDS = 250;
/** An excerpt relay's own phrase before the quote is short: probes look this far. */
const PROBE_WITHIN_WORDS = 60;
export const MAX_PROBES = 3;
/** Characters that surely hold PROBE_WITHIN_WORDS words and the lead after them. */
const PROBE_WITHIN_CHARS = 1500;
/** Titles with fewer words are too generic for a title bucket. */
export const SPECIFIC_TITLE_WORDS = 4;
/** Bodies with fewer words are compared together with their title. */
const BODY_ALONE_WORDS = 8;

/** The plain text dedup compares: the content (else the summary) without relay marks. */
export function bodyText(contentHtml: string | null, summary: string | null): string {
  return stripBodyRelay(htmlToText(contentHtml ?? summary ?? ''));
}

/** Words a body is shingled on at most, so huge posts stay cheap (words()'s cap). */
const WORDS_CAP = 3000;

/**
 * Fingerprint of an entry from its title and sanitised HTML (summary when there is no content).
 * `contentText`: the content's text as htmlToText(contentHtml, { blocks: '\n' }) gives it, when
 * the reader has it already (ParsedItem.contentText).
 */
export function fingerprint(
  title: string,
  contentHtml: string | null,
  summary: string | null,
  contentText?: string | null,
): Fingerprint {
  return fingerprintAndFold(title, contentHtml, summary, contentText).fp;
}

/**
 * fingerprint, with foldText(fp.text) when the one folding pass read the whole body (else
 * null) and foldText(title) when the title key is it (no relay mark stripped, else null):
 * the item's search text is made of them (search-text.ts).
 */
export function fingerprintAndFold(
  title: string,
  contentHtml: string | null,
  summary: string | null,
  contentText?: string | null,
): { fp: Fingerprint; foldedBody: string | null; foldedTitle: string | null } {
  const rawText =
    contentHtml && typeof contentText === 'string'
      ? contentText
      : htmlToText(contentHtml ?? summary ?? '', { blocks: '\n' });
  const body = stripBodyRelay(rawText);
  // titleKey(title), keeping whether it folded the title itself.
  const stripped = title ? stripTitleRelay(title) : '';
  const key = stripped ? foldText(stripped) : '';
  const folded = foldWords(body, WORDS_CAP, PROBE_WITHIN_CHARS);
  const prints = folded ? textPrints(folded, key, body) : textPrintsByWords(key, body);
  // One literal, fields in their usual order: spreading two objects into a third took half of
  // this function's own time on a reading thread.
  const fp: Fingerprint = {
    titleKey: key,
    marks: serialMarksOfKey(key),
    relay: looksLikeRelay(title, rawText),
    textLength: body.length,
    text: body,
    minhash: prints.minhash,
    shingleCount: prints.shingleCount,
    leadKey: prints.leadKey,
    leadProbes: prints.leadProbes,
  };
  return {
    fp,
    foldedBody: folded?.complete ? foldedText(folded) : null,
    foldedTitle: stripped === title ? key : null,
  };
}

type TextPrints = Pick<Fingerprint, 'minhash' | 'shingleCount' | 'leadKey' | 'leadProbes'>;

/** Signature, lead key and probes from one folding pass over the body (see folded-words.ts). */
function textPrints(w: FoldedWords, key: string, body: string): TextPrints {
  // The body alone when it says enough, so a rewritten title does not dilute the text's
  // similarity and a teaser stays contained in its full text; tiny bodies lean on the title.
  const withTitle = w.count >= BODY_ALONE_WORDS ? null : words(`${key} ${body}`);
  const shingles = withTitle
    ? shingleValues(Int32Array.from(withTitle, fnv1a32), withTitle.length)
    : shingleValues(w.hash, w.count);
  const lead = (p: number) => hex32(hashWordRun(w, p, p + LEAD_WORDS));
  const probes: string[] = [];
  if (w.count <= EXCERPT_MAX_WORDS) {
    for (const p of w.sentenceStarts) {
      if (p > PROBE_WITHIN_WORDS || probes.length >= MAX_PROBES) break;
      if (p + LEAD_WORDS <= w.count) probes.push(lead(p));
    }
  }
  return {
    minhash: signatureToHex(minhashValues(shingles)),
    shingleCount: shingles.length,
    leadKey: w.count >= LEAD_WORDS ? lead(0) : '',
    leadProbes: probes.join(' '),
  };
}

/** The same values through words() and sentenceStarts(), for texts foldWords leaves (scripts). */
function textPrintsByWords(key: string, body: string): TextPrints {
  const bodyWords = words(body, WORDS_CAP);
  const shingles = shingleHashes(
    bodyWords.length >= BODY_ALONE_WORDS ? bodyWords : words(`${key} ${body}`),
  );
  return {
    minhash: signatureToHex(minhash(shingles)),
    shingleCount: shingles.size,
    leadKey: bodyWords.length >= LEAD_WORDS ? leadHash(bodyWords.slice(0, LEAD_WORDS)) : '',
    leadProbes: leadProbes(body, bodyWords).join(' '),
  };
}

function leadHash(words: string[]): string {
  return hex32(fnv1a32(words.join(' ')));
}

/**
 * Word positions where a sentence, a quote or a line starts (after the first), in the words of
 * `text` as words() cuts them: where a quoted excerpt can begin after a phrase of one's own.
 */
export function sentenceStarts(text: string): number[] {
  const starts: number[] = [];
  let position = 0;
  for (const part of text.split(/[.!?…:;«»"“”\n]+/)) {
    if (position > 0 && (starts.length === 0 || starts[starts.length - 1] !== position))
      starts.push(position);
    position += words(part).length;
  }
  return starts.filter((p) => p < position);
}

/** The lead hashes of a short text's later sentence starts (see Fingerprint.leadProbes). */
function leadProbes(body: string, bodyWords: string[]): string[] {
  if (bodyWords.length > EXCERPT_MAX_WORDS) return [];
  const out: string[] = [];
  // Only the opening matters: folding the whole text again cost as much as fingerprinting it.
  for (const p of sentenceStarts(body.slice(0, PROBE_WITHIN_CHARS))) {
    if (p > PROBE_WITHIN_WORDS || out.length >= MAX_PROBES) break;
    if (p + LEAD_WORDS <= bodyWords.length) out.push(leadHash(bodyWords.slice(p, p + LEAD_WORDS)));
  }
  return out;
}

/**
 * Keys under which an entry is indexed: its LSH bands, its title bucket, its lead bucket and its
 * lead probes (found by the lead bucket of the story it quotes, and finding it).
 */
export function indexKeys(
  fp: Pick<Fingerprint, 'titleKey' | 'minhash' | 'shingleCount' | 'leadKey' | 'leadProbes'>,
): string[] {
  const keys = fp.shingleCount > 0 ? bandKeys(fp.minhash) : [];
  // Only specific titles get a bucket: a generic one ("Assemblée générale") would bring every
  // homonym of the month as a candidate, and same-title merges need overlapping texts anyway,
  // which the bands and the lead bucket find.
  if (fp.titleKey.split(' ').length >= SPECIFIC_TITLE_WORDS)
    keys.push(`t:${fnv1a32(fp.titleKey).toString(16)}:${fp.titleKey.length}`);
  if (fp.leadKey) keys.push(`l:${fp.leadKey}`);
  for (const probe of fp.leadProbes ? fp.leadProbes.split(' ') : [])
    if (probe !== fp.leadKey) keys.push(`l:${probe}`);
  return keys;
}

const LOW = 2 ** 32;

/**
 * indexKeys as the integers stored in item_keys (db/item-keys.ts keyNumber of each, in the same
 * order), without the strings: the store, the matcher and the lookup use these. The reader
 * golden test holds the two to the same values.
 */
export function indexKeyNumbers(
  fp: Pick<Fingerprint, 'titleKey' | 'minhash' | 'shingleCount' | 'leadKey' | 'leadProbes'>,
): number[] {
  const keys: number[] = [];
  // A signature of another length (none is stored) has no band keys worth finding.
  if (fp.shingleCount > 0) {
    if (fp.minhash.length >= BANDS * 32) bandKeyNumbers(fp.minhash, keys);
    else for (const k of bandKeys(fp.minhash)) keys.push(keyNumber(k));
  }
  const title = fp.titleKey;
  let words = 1;
  for (let i = title.indexOf(' '); i !== -1; i = title.indexOf(' ', i + 1)) words++;
  if (words >= SPECIFIC_TITLE_WORDS)
    keys.push((TITLE_KIND + Math.min(title.length, MAX_TITLE_LENGTH)) * LOW + fnv1a32(title));
  if (fp.leadKey) keys.push(LEAD_KIND * LOW + parseInt(fp.leadKey, 16));
  if (fp.leadProbes)
    for (const probe of fp.leadProbes.split(' '))
      if (probe !== fp.leadKey) keys.push(LEAD_KIND * LOW + parseInt(probe, 16));
  return keys;
}

/** How many index keys an entry can have (sizes the lookup query). */
export const MAX_INDEX_KEYS = BANDS + 2 + MAX_PROBES;
