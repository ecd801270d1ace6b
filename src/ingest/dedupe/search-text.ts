/**
 * An item's search text: its title and plain text folded as the q= filter folds its words
 * (src/filter-grammar.ts), so SQL's LIKE finds "numérique" for q=numerique on SQLite and D1.
 * Computed once per entry where its fingerprint is (the reading thread on Node), not again
 * when the item is derived from its entries.
 */
import { foldText } from './text.ts';

const SEARCH_TEXT_CAP = 20_000;

/** `body`: the entry's plain text without relay marks (Fingerprint.text). */
export function searchTextOf(title: string, body: string): string {
  return foldText(`${title}\n${body}`.slice(0, SEARCH_TEXT_CAP));
}
