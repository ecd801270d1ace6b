/**
 * An item's search text: its title and plain text folded as the q= filter folds its words
 * (src/filter-grammar.ts), so SQL's LIKE finds "numérique" for q=numerique on SQLite and D1.
 * Computed once per entry where its fingerprint is (the reading thread on Node), not again
 * when the item is derived from its entries.
 */
import { foldText, outsideFoldTable } from './text.ts';

const SEARCH_TEXT_CAP = 20_000;

/**
 * `body`: the entry's plain text without relay marks (Fingerprint.text). `foldedBody`:
 * foldText(body) when the caller has it (fingerprinting folds the body, folded-words.ts):
 * when title and body fit under the cap and fold character by character, the search text is
 * their folds joined, and the body is not folded again. `knownFoldedTitle`: foldText(title)
 * when the caller has it (fingerprinting folds the title for its key).
 */
export function searchTextOf(
  title: string,
  body: string,
  foldedBody?: string | null,
  knownFoldedTitle?: string | null,
): string {
  if (
    typeof foldedBody === 'string' &&
    title.length + 1 + body.length <= SEARCH_TEXT_CAP &&
    foldsAlone(title)
  ) {
    const foldedTitle = knownFoldedTitle ?? foldText(title);
    return foldedTitle && foldedBody ? `${foldedTitle} ${foldedBody}` : foldedTitle || foldedBody;
  }
  return foldText(`${title}\n${body}`.slice(0, SEARCH_TEXT_CAP));
}

/** Whether every character of a text folds alone (foldText's table: no context). */
function foldsAlone(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (outsideFoldTable(text.charCodeAt(i))) return false;
  return true;
}
