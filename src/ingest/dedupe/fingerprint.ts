/** What dedup knows of one entry: title key, serial marks, MinHash signature and band keys. */
import { htmlToText, looksLikeRelay, serialMarks, stripBodyRelay, titleKey, words } from './text.ts';
import { bandKeys, minhash, shingleHashes, signatureToHex } from './minhash.ts';
import { fnv1a32 } from './hash.ts';

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
}

/** Fingerprint of an entry from its title and sanitised HTML (summary when there is no content). */
export function fingerprint(title: string, contentHtml: string | null, summary: string | null): Fingerprint {
  const rawText = htmlToText(contentHtml ?? summary ?? '');
  const body = stripBodyRelay(rawText);
  const key = titleKey(title);
  // The body alone when it says enough, so a rewritten title does not dilute the text's
  // similarity; short bodies lean on the title too.
  const bodyWords = words(body);
  const shingles = shingleHashes(bodyWords.length >= 30 ? bodyWords : words(`${key} ${body}`));
  return {
    titleKey: key,
    marks: serialMarks(title),
    minhash: signatureToHex(minhash(shingles)),
    shingleCount: shingles.size,
    relay: looksLikeRelay(title, rawText),
    textLength: body.length,
  };
}

/** Keys under which an entry is indexed: its LSH bands and its title bucket. */
export function indexKeys(fp: Pick<Fingerprint, 'titleKey' | 'minhash' | 'shingleCount'>): string[] {
  const keys = fp.shingleCount > 0 ? bandKeys(fp.minhash) : [];
  if (fp.titleKey) keys.push(`t:${fnv1a32(fp.titleKey).toString(16)}:${fp.titleKey.length}`);
  return keys;
}
