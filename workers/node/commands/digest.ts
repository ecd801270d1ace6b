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

export async function digestCommand(
  deps: Deps,
  args: string[],
  loadEvents?: EventsLoader,
  out: (l: string) => void = console.log,
  err: (l: string) => void = console.error,
): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const takeover = args.includes('--takeover');
  const toIndex = args.indexOf('--to');
  const known = new Set(['--dry-run', '--takeover', '--to']);
  const unknown = args.filter((a, i) => !known.has(a) && (toIndex < 0 || i !== toIndex + 1));
  if (unknown.length || (toIndex >= 0 && !args[toIndex + 1])) {
    err('Usage: intercoop digest [--dry-run] [--to EMAIL] [--takeover]');
    return 2;
  }
  if (toIndex >= 0) {
    const to = normalizeEmail(args[toIndex + 1]!);
    if (!to) {
      err(`Not an email address: ${args[toIndex + 1]}`);
      return 2;
    }
    const message = await previewMessage(deps, to, loadEvents);
    if (!message) {
      out('Nothing new since the last digest: no preview to send.');
      return 0;
    }
    if (dryRun) {
      out(`Subject: ${message.subject}\n\n${message.text}`);
      return 0;
    }
    if (!deps.mailer) {
      err('No mailer: set HUB_SMTP_URL.');
      return 1;
    }
    const r = await deps.mailer.send(message);
    if (!r.ok) {
      err(`Preview not sent: ${r.error}`);
      return 1;
    }
    out(`Preview sent to ${to}.`);
    return 0;
  }
  if (dryRun) {
    const p = await previewRun(deps, loadEvents);
    out(
      `${p.due} subscriber(s) due; ${p.wouldSend} would get a digest, ${p.due - p.wouldSend} have nothing new. Nothing sent.`,
    );
    return 0;
  }
  if (!deps.mailer) {
    err('No mailer: set HUB_SMTP_URL (smtp://user:pass@host:port).');
    return 1;
  }
  const s = await runDigests(deps, { takeover, loadEvents });
  if (s.digestId === null) {
    out('No subscriber is due: nothing to send.');
    return 0;
  }
  out(
    `Digest #${s.digestId}${s.created ? ' (new)' : ''}: ${s.sent} sent, ${s.skipped} empty or inactive, ${s.failedTemp} to retry, ${s.failedPerm} failed for good.`,
  );
  if (s.configurationError) {
    err(
      `Stopped: the mail server refuses the hub's settings (${s.configurationError}). ` +
        'Nobody was marked bounced; fix HUB_SMTP_URL / HUB_MAIL_FROM and run `intercoop digest` again.',
    );
    return 1;
  }
  if (s.remaining)
    out(
      `${s.remaining} deliveries left; next retry ${s.nextRetryAt ? new Date(s.nextRetryAt).toISOString() : 'on the next run'}.`,
    );
  if (s.claimed && !takeover)
    out(
      `${s.claimed} of them are claimed by another run, or by one that crashed: they are taken ` +
        `over once the claim is ${STALE_CLAIM_MS / 60_000} minutes old (serve does it by itself), ` +
        'or now with `intercoop digest --takeover` if no other digest run is active.',
    );
  return 0;
}
