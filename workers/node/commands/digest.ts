/**
 * `intercoop digest [--dry-run] [--to EMAIL] [--takeover]`
 * - no option: build and send the digests that are due, and the retries that are due; exit 0
 *   unless the run itself failed (deliveries left for a retry are reported, not an error).
 * - --dry-run: say how many subscribers are due and how many would get a message; send nothing.
 * - --to EMAIL: send a preview of the current edition (everything since the last digest) to
 *   EMAIL only; nothing is recorded. With --dry-run, print that preview instead.
 * - --takeover: after a crash, resume the deliveries the dead run had claimed without waiting
 *   for its claims to go stale (only when no other digest run is active).
 */
import type { Deps } from '../../../src/deps.ts';
import { runDigests, STALE_CLAIM_MS } from '../../../src/newsletter/digest/send.ts';
import { previewMessage, previewRun } from '../../../src/newsletter/digest/preview.ts';
import { normalizeEmail } from '../../../src/newsletter/subscription/lifecycle.ts';
import type { EventsLoader } from '../../../src/newsletter/digest/load-content.ts';
import { defineMessages, type Lang } from '../../../src/web/i18n.ts';
import { usageLine } from '../cli-usage.ts';

const STALE_MINUTES = STALE_CLAIM_MS / 60_000;

/** What a digest run did (runDigests' summary). */
type RunSummary = Awaited<ReturnType<typeof runDigests>>;

const messages = defineMessages({
  fr: {
    notEmail: (a: string) => `Ce n’est pas une adresse électronique : ${a}`,
    nothingNew: 'Rien de nouveau depuis la dernière lettre : pas d’aperçu à envoyer.',
    subject: (s: string) => `Objet : ${s}`,
    noMailerPreview: 'Pas d’envoi de courriel : réglez HUB_SMTP_URL.',
    previewFailed: (why: string) => `Aperçu non envoyé : ${why}`,
    previewSent: (to: string) => `Aperçu envoyé à ${to}.`,
    dryRun: (due: number, send: number) =>
      `${due} abonné(s) dû(s) ; ${send} recevrai(en)t une lettre, ` +
      `${due - send} n’ont rien de nouveau. Rien n’a été envoyé.`,
    noMailer: 'Pas d’envoi de courriel : réglez HUB_SMTP_URL (smtp://user:pass@hote:port).',
    noneDue: 'Aucun abonné n’est dû : rien à envoyer.',
    run: (s: RunSummary) =>
      `Lettre n° ${s.digestId}${s.created ? ' (nouvelle)' : ''} : ${s.sent} envoyée(s), ` +
      `${s.skipped} vide(s) ou inactive(s), ${s.failedTemp} à réessayer, ` +
      `${s.failedPerm} en échec définitif.`,
    refused: (why: string) =>
      `Arrêt : le serveur de courriel refuse les réglages du hub (${why}). Personne n’a été ` +
      'marqué en rebond ; corrigez HUB_SMTP_URL / HUB_MAIL_FROM et relancez `intercoop digest`.',
    remaining: (n: number, next: string | null) =>
      `${n} envoi(s) restant(s) ; prochain essai ${next ?? 'à la prochaine exécution'}.`,
    claimed: (n: number) =>
      `${n} d’entre eux sont réservés par une autre exécution, ou par une exécution ` +
      `interrompue : ils sont repris quand la réservation a ${STALE_MINUTES} minutes ` +
      '(serve le fait seul), ou tout de suite avec `intercoop digest --takeover` si aucune ' +
      'autre exécution de la lettre n’est en cours.',
  },
  en: {
    notEmail: (a: string) => `Not an email address: ${a}`,
    nothingNew: 'Nothing new since the last digest: no preview to send.',
    subject: (s: string) => `Subject: ${s}`,
    noMailerPreview: 'No mailer: set HUB_SMTP_URL.',
    previewFailed: (why: string) => `Preview not sent: ${why}`,
    previewSent: (to: string) => `Preview sent to ${to}.`,
    dryRun: (due: number, send: number) =>
      `${due} subscriber(s) due; ${send} would get a digest, ` +
      `${due - send} have nothing new. Nothing sent.`,
    noMailer: 'No mailer: set HUB_SMTP_URL (smtp://user:pass@host:port).',
    noneDue: 'No subscriber is due: nothing to send.',
    run: (s: RunSummary) =>
      `Digest #${s.digestId}${s.created ? ' (new)' : ''}: ${s.sent} sent, ` +
      `${s.skipped} empty or inactive, ${s.failedTemp} to retry, ${s.failedPerm} failed for good.`,
    refused: (why: string) =>
      `Stopped: the mail server refuses the hub's settings (${why}). Nobody was marked ` +
      'bounced; fix HUB_SMTP_URL / HUB_MAIL_FROM and run `intercoop digest` again.',
    remaining: (n: number, next: string | null) =>
      `${n} deliveries left; next retry ${next ?? 'on the next run'}.`,
    claimed: (n: number) =>
      `${n} of them are claimed by another run, or by one that crashed: they are taken ` +
      `over once the claim is ${STALE_MINUTES} minutes old (serve does it by itself), ` +
      'or now with `intercoop digest --takeover` if no other digest run is active.',
  },
});

export async function digestCommand(
  deps: Deps,
  args: string[],
  lang: Lang,
  loadEvents?: EventsLoader,
  out: (l: string) => void = console.log,
  err: (l: string) => void = console.error,
): Promise<number> {
  const t = messages(lang);
  const dryRun = args.includes('--dry-run');
  const takeover = args.includes('--takeover');
  const toIndex = args.indexOf('--to');
  const known = new Set(['--dry-run', '--takeover', '--to']);
  const unknown = args.filter((a, i) => !known.has(a) && (toIndex < 0 || i !== toIndex + 1));
  if (unknown.length || (toIndex >= 0 && !args[toIndex + 1])) {
    err(usageLine('digest', lang));
    return 2;
  }
  if (toIndex >= 0) {
    const to = normalizeEmail(args[toIndex + 1]!);
    if (!to) {
      err(t.notEmail(args[toIndex + 1]!));
      return 2;
    }
    const message = await previewMessage(deps, to, loadEvents);
    if (!message) {
      out(t.nothingNew);
      return 0;
    }
    if (dryRun) {
      out(`${t.subject(message.subject)}\n\n${message.text}`);
      return 0;
    }
    if (!deps.mailer) {
      err(t.noMailerPreview);
      return 1;
    }
    const r = await deps.mailer.send(message);
    if (!r.ok) {
      err(t.previewFailed(r.error));
      return 1;
    }
    out(t.previewSent(to));
    return 0;
  }
  if (dryRun) {
    const p = await previewRun(deps, loadEvents);
    out(t.dryRun(p.due, p.wouldSend));
    return 0;
  }
  if (!deps.mailer) {
    err(t.noMailer);
    return 1;
  }
  const s = await runDigests(deps, { takeover, loadEvents });
  if (s.digestId === null) {
    out(t.noneDue);
    return 0;
  }
  out(t.run(s));
  if (s.configurationError) {
    err(t.refused(s.configurationError));
    return 1;
  }
  if (s.remaining)
    out(t.remaining(s.remaining, s.nextRetryAt ? new Date(s.nextRetryAt).toISOString() : null));
  if (s.claimed && !takeover) out(t.claimed(s.claimed));
  return 0;
}
