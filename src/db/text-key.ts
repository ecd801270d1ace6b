/**
 * The key of a summary and content in `texts` (src/db/schema/items.ts): 128 bits of their
 * SHA-256 in base64url, 22 characters. Equal texts get equal keys, so a text is written with
 * `insert or ignore` and no read, and relays that copy a text word for word share its row.
 * Keys carried over from before (drizzle/0011_texts_stored_once.sql) are 'entry:<id>' or
 * 'item:<id>': a ':' never appears in base64url, so the two kinds cannot meet.
 *
 * A module of its own, without the schema: reading threads compute keys ahead (prepareItems).
 */
import { sha256Base64url } from '../shared/hash.ts';

/** The key of a summary and content, null when there is neither (no row is stored then). */
export function textKey(summary: string | null, contentHtml: string | null): string | null {
  if (summary === null && contentHtml === null) return null;
  // The summary's length first: no summary/content pair reads as another's. One string, one
  // digest: four updates of a hash object cost a third more.
  const s = summary === null ? '-' : `${summary.length}:${summary}`;
  const c = contentHtml === null ? '-' : `:${contentHtml}`;
  return sha256Base64url(s + c).slice(0, 22);
}
