/**
 * A source's health in plain words for the directory ("Dernière récupération réussie il y a
 * 2 h", "Erreur : le serveur a répondu 404", "Source retirée (410)"). Pure.
 */
import type { SourceRow } from '../db/schema/sources.ts';
import type { Lang } from '../web/i18n.ts';
import { sourceTruncation, truncationText } from '../ingest/truncation.ts';

export type HealthTone = 'ok' | 'warn' | 'bad' | 'muted';

export interface HealthLine {
  tone: HealthTone;
  text: string;
}

/** "il y a 2 h" / "2 hr. ago", rounded to the largest sensible unit. */
export function ago(then: number, now: number, lang: Lang): string {
  const s = Math.round((then - now) / 1000);
  const fmt = new Intl.RelativeTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'short',
    numeric: 'always',
  });
  const abs = Math.abs(s);
  if (abs < 60) return fmt.format(Math.min(-1, Math.round(s / 60)), 'minute');
  if (abs < 3600) return fmt.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return fmt.format(Math.round(s / 3600), 'hour');
  return fmt.format(Math.round(s / 86400), 'day');
}

const WORDS = {
  fr: {
    success: (when: string) => `Dernière récupération réussie ${when}`,
    never: 'Pas encore récupérée',
    neverOk: 'Jamais récupérée avec succès',
    retired: (status: number | null) => `Source retirée (${status ?? 410})`,
    removed: 'Source retirée du fichier de la fédération',
    paused: 'En pause : les coordinateurs ont suspendu sa récupération',
    error: 'Erreur : ',
    warning: 'ok, avertissement : ',
    http: (status: number | null) => `le serveur a répondu ${status ?? 'une erreur'}`,
    kinds: {
      blocked_host: 'adresse refusée (réseau privé ou local)',
      invalid_url: 'adresse invalide',
      dns: 'nom de domaine introuvable',
      network: 'le serveur est injoignable',
      timeout: 'le serveur n’a pas répondu à temps',
      too_large: 'document trop volumineux',
      redirect_loop: 'trop de redirections',
      decode_error: 'encodage des caractères illisible',
      parse_error: 'le document n’est pas un flux lisible',
      read_timeout: 'lecture trop longue (document trop coûteux à lire)',
      not_a_feed: 'aucun flux trouvé à cette adresse',
      storage_error: 'enregistrement impossible côté hub',
    } as Record<string, string>,
    failures: (n: number) => (n > 1 ? ` (${n} échecs de suite)` : ''),
  },
  en: {
    success: (when: string) => `Last successful fetch ${when}`,
    never: 'Not fetched yet',
    neverOk: 'Never fetched successfully',
    retired: (status: number | null) => `Source retired (${status ?? 410})`,
    removed: 'Source removed from the federation file',
    warning: 'ok, warning: ',
    paused: 'Paused: the coordinators suspended its fetching',
    error: 'Error: ',
    http: (status: number | null) => `the server answered ${status ?? 'with an error'}`,
    kinds: {
      blocked_host: 'address refused (private or local network)',
      invalid_url: 'invalid address',
      dns: 'domain name not found',
      network: 'the server cannot be reached',
      timeout: 'the server did not answer in time',
      too_large: 'document too large',
      redirect_loop: 'too many redirects',
      decode_error: 'unreadable character encoding',
      parse_error: 'the document is not a readable feed',
      read_timeout: 'reading took too long (document too costly to read)',
      not_a_feed: 'no feed found at this address',
      storage_error: 'the hub could not store it',
    } as Record<string, string>,
    failures: (n: number) => (n > 1 ? ` (${n} failures in a row)` : ''),
  },
};

/** One to three lines: the state (error, retired, cut short and why…) and the last success. */
export function sourceHealth(
  s: Pick<
    SourceRow,
    | 'status'
    | 'lastStatus'
    | 'lastError'
    | 'lastErrorKind'
    | 'errorCount'
    | 'lastFetchAt'
    | 'lastSuccessAt'
  > &
    Partial<Pick<SourceRow, 'truncatedKept' | 'truncatedTotal' | 'lastWarning'>>,
  now: number,
  lang: Lang,
): HealthLine[] {
  const w = WORDS[lang];
  const success: HealthLine | null = s.lastSuccessAt
    ? { tone: 'muted', text: w.success(ago(s.lastSuccessAt, now, lang)) }
    : null;
  if (s.status === 'retired') return [{ tone: 'muted', text: w.retired(s.lastStatus) }];
  if (s.status === 'removed') return [{ tone: 'muted', text: w.removed }];
  if (s.status === 'paused') return [{ tone: 'muted', text: w.paused }];
  if (s.errorCount > 0) {
    const kind = s.lastErrorKind ?? '';
    const detail =
      kind === 'http_error' || (!kind && s.lastStatus && s.lastStatus >= 400)
        ? w.http(s.lastStatus)
        : (w.kinds[kind] ?? s.lastError ?? '?');
    return [
      { tone: 'bad', text: w.error + detail + w.failures(s.errorCount) },
      success ?? { tone: 'muted', text: w.neverOk },
    ];
  }
  const truncated = sourceTruncation(s);
  // Read in part (a cap): said first, so a capped source never passes for a complete one.
  if (success && truncated)
    return [
      { tone: 'warn', text: truncationText(truncated, lang) },
      // Why, when the hub says (the flood quota, a repaired document).
      ...(s.lastWarning ? [{ tone: 'warn' as const, text: w.warning + s.lastWarning }] : []),
      success,
    ];
  // Malformed but read whole by the recovering pass: what the member should fix, said first.
  if (success && s.lastWarning) return [{ tone: 'warn', text: w.warning + s.lastWarning }, success];
  if (success) return [{ tone: 'ok', text: success.text }];
  return [{ tone: 'muted', text: w.never }];
}
