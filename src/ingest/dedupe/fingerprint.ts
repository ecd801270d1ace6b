/** What dedup knows of one entry: title key, serial marks, MinHash signature and band keys. */
import { htmlToText } from '../../shared/html-to-text.ts';
import { looksLikeRelay, serialMarks, stripBodyRelay, titleKey, words } from './text.ts';
import { BANDS, bandKeys, minhash, shingleHashes, signatureToHex } from './minhash.ts';
import { fnv1a32 } from '../../shared/hash.ts';

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
  /** The plain text without relay marks (not stored: the item's search text reuses it). */
  text?: string;
}

const LEAD_WORDS = 8;
/** Titles with fewer words are too generic for a title bucket. */
export const SPECIFIC_TITLE_WORDS = 4;
/** Bodies with fewer words are compared together with their title. */
const BODY_ALONE_WORDS = 8;

/** Fingerprint of an entry from its title and sanitised HTML (summary when there is no content). */
export function fingerprint(
  title: string,
  contentHtml: string | null,
  summary: string | null,
): Fingerprint {
  const rawText = htmlToText(contentHtml ?? summary ?? '', { blocks: '\n' });
  const body = stripBodyRelay(rawText);
  const key = titleKey(title);
  // The body alone when it says enough, so a rewritten title does not dilute the text's
  // similarity and a teaser stays contained in its full text; tiny bodies lean on the title.
  const bodyWords = words(body);
  const shingles = shingleHashes(
    bodyWords.length >= BODY_ALONE_WORDS ? bodyWords : words(`${key} ${body}`),
  );
  const leadKey =
    bodyWords.length >= LEAD_WORDS
      ? fnv1a32(bodyWords.slice(0, LEAD_WORDS).join(' ')).toString(16)
      : '';
  return {
    titleKey: key,
    marks: serialMarks(title),
    minhash: signatureToHex(minhash(shingles)),
    shingleCount: shingles.size,
    relay: looksLikeRelay(title, rawText),
    textLength: body.length,
    leadKey,
    text: body,
  };
}

/** Keys under which an entry is indexed: its LSH bands, its title bucket and its lead bucket. */
export function indexKeys(
  fp: Pick<Fingerprint, 'titleKey' | 'minhash' | 'shingleCount' | 'leadKey'>,
): string[] {
  const keys = fp.shingleCount > 0 ? bandKeys(fp.minhash) : [];
  // Only specific titles get a bucket: a generic one ("Assemblée générale") would bring every
  // homonym of the month as a candidate, and same-title merges need overlapping texts anyway,
  // which the bands and the lead bucket find.
  if (fp.titleKey.split(' ').length >= SPECIFIC_TITLE_WORDS)
    keys.push(`t:${fnv1a32(fp.titleKey).toString(16)}:${fp.titleKey.length}`);
  if (fp.leadKey) keys.push(`l:${fp.leadKey}`);
  return keys;
}

/** How many index keys an entry can have (sizes the lookup query). */
export const MAX_INDEX_KEYS = BANDS + 2;
