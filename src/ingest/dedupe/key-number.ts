/**
 * An index key's stored integer (db/item-keys.ts says why and how): the kind in the high bits
 * (band n → n, lead → 64, title → 65 + its length), the 32-bit hash in the low ones.
 */

const LOW = 2 ** 32;
export const LEAD_KIND = 64;
export const TITLE_KIND = 65;
/**
 * Title lengths above this share a kind (2⁵³ bounds exact integers): harmless, candidates are
 * checked anyway.
 */
export const MAX_TITLE_LENGTH = 2 ** 20;

/** The stored integer of an index key (see module doc). */
export function keyNumber(key: string): number {
  const colon = key.indexOf(':');
  const kind = key.charCodeAt(0);
  if (kind === 98 /* b */)
    return Number(key.slice(1, colon)) * LOW + parseInt(key.slice(colon + 1), 16);
  if (kind === 108 /* l */) return LEAD_KIND * LOW + parseInt(key.slice(colon + 1), 16);
  const second = key.indexOf(':', colon + 1);
  const length = Math.min(Number(key.slice(second + 1)), MAX_TITLE_LENGTH);
  return (TITLE_KIND + length) * LOW + parseInt(key.slice(colon + 1, second), 16);
}
