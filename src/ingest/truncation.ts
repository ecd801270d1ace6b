/**
 * How a document stored in part is told, the same words everywhere (/networks, the pull
 * report, the admin API): a capped source must never read like a complete one.
 */
import type { Truncation } from './types.ts';

/** "ok, tronqué : 5000 sur 60000" / "ok, truncated: 5000 of 60000". */
export function truncationText(t: Truncation, lang: 'fr' | 'en' = 'fr'): string {
  return lang === 'fr'
    ? `ok, tronqué : ${t.kept} sur ${t.total}`
    : `ok, truncated: ${t.kept} of ${t.total}`;
}

/** The truncation recorded on a source row, if its last read was partial. */
export function sourceTruncation(s: {
  truncatedKept?: number | null;
  truncatedTotal?: number | null;
}): Truncation | null {
  return typeof s.truncatedKept === 'number' && typeof s.truncatedTotal === 'number'
    ? { kept: s.truncatedKept, total: s.truncatedTotal }
    : null;
}
