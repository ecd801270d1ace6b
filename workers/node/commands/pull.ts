/**
 * `intercoop pull [--network SLUG] [--due] [--json]`: pulls now, printing one line per source
 * as it finishes (stderr, so stdout stays a clean summary or JSON), then a summary per source.
 * Exit 0 unless the run itself failed: a member's broken feed is reported, not fatal.
 */
import type { Deps } from '../../../src/deps.ts';
import { getDirectoryEntry } from '../../../src/federation/directory.ts';
import { pull } from '../../../src/ingest/pull.ts';
import type { PullSummary, SourceReport } from '../../../src/ingest/types.ts';
import { summaryJson } from '../../../src/ingest/pull-json.ts';
import { withMaskedCredentials } from '../../../src/public-url.ts';
import { truncationText } from '../../../src/ingest/truncation.ts';
import { defineMessages, type Lang } from '../../../src/web/i18n.ts';
import { usageLine } from '../cli-usage.ts';

const messages = defineMessages({
  fr: {
    needsSlug: '--network attend l’identifiant d’un réseau',
    unknownOption: (o: string) => `Option inconnue : ${o}`,
    unknownNetwork: (slug: string) => `Réseau inconnu : ${slug} (voir \`intercoop networks list\`)`,
    failed: (why: string) => `La récupération n’a pas pu avoir lieu : ${why}`,
    ok: (fresh: number, updated: number, unchanged: number) =>
      `${fresh} nouveau(x), ${updated} modifié(s), ${unchanged} inchangé(s)`,
    warning: (w: string) => `avertissement : ${w}`,
    notModified: 'inchangé (304)',
    gone: 'retiré par le site (410)',
    error: (kind: string | null, why: string | null) => `ERREUR ${kind} : ${why}`,
    noSource:
      'Aucune source à relever. Ajoutez des réseaux à networks.yaml puis lancez ' +
      '`intercoop networks sync`.',
    total: (s: PullSummary, seconds: string) =>
      `${s.sources} source(s) en ${seconds} s : ${s.ok} relevée(s), ${s.notModified} ` +
      `inchangée(s), ${s.failed} en erreur — ${s.newItems} nouvel(le)s entrée(s), ` +
      `${s.updatedItems} modifiée(s).`,
  },
  en: {
    needsSlug: '--network needs a network slug',
    unknownOption: (o: string) => `Unknown option: ${o}`,
    unknownNetwork: (slug: string) => `Unknown network: ${slug} (see \`intercoop networks list\`)`,
    failed: (why: string) => `The pull could not take place: ${why}`,
    ok: (fresh: number, updated: number, unchanged: number) =>
      `${fresh} new, ${updated} updated, ${unchanged} unchanged`,
    warning: (w: string) => `warning: ${w}`,
    notModified: 'unchanged (304)',
    gone: 'removed by the site (410)',
    error: (kind: string | null, why: string | null) => `ERROR ${kind}: ${why}`,
    noSource:
      'No source to pull. Add networks to networks.yaml then run `intercoop networks sync`.',
    total: (s: PullSummary, seconds: string) =>
      `${s.sources} source(s) in ${seconds} s: ${s.ok} pulled, ${s.notModified} ` +
      `unchanged, ${s.failed} failed — ${s.newItems} new entries, ` +
      `${s.updatedItems} updated.`,
  },
});
type Messages = ReturnType<typeof messages>;

export async function pullCommand(
  deps: Deps,
  args: string[],
  lang: Lang,
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const t = messages(lang);
  const options = readArgs(args, t);
  if (typeof options === 'string') {
    err.write(`${options}\n${usageLine('pull', lang)}\n`);
    return 2;
  }
  if (options.network) {
    if (!(await getDirectoryEntry(deps, options.network))) {
      err.write(`${t.unknownNetwork(options.network)}\n`);
      return 2;
    }
  }
  let summary: PullSummary;
  try {
    summary = await pull(deps, {
      trigger: 'cli',
      network: options.network,
      all: !options.due,
      onProgress: (report, done, total) =>
        err.write(withMaskedCredentials(`[${done}/${total}] ${progressLine(report, t)}\n`)),
    });
  } catch (failure) {
    // The run itself could not happen (database locked or unreadable): say so, exit 1.
    err.write(`${t.failed((failure as Error)?.message ?? String(failure))}\n`);
    return 1;
  }
  if (options.json) out.write(`${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  // A private feed's password is shown as *** (the summary quotes each source's address).
  else out.write(withMaskedCredentials(renderSummary(summary, lang)));
  return 0;
}

interface PullArgs {
  network?: string;
  due: boolean;
  json: boolean;
}

function readArgs(args: string[], t: Messages): PullArgs | string {
  const result: PullArgs = { due: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--network' || arg === '-n') {
      const slug = args[++i];
      if (!slug) return t.needsSlug;
      result.network = slug;
    } else if (arg.startsWith('--network=')) result.network = arg.slice('--network='.length);
    else if (arg === '--due') result.due = true;
    else if (arg === '--json') result.json = true;
    else return t.unknownOption(arg);
  }
  return result;
}

function progressLine(r: SourceReport, t: Messages): string {
  return `${r.networkSlug} ${r.url} — ${outcomeWords(r, t)}`;
}

function outcomeWords(r: SourceReport, t: Messages): string {
  switch (r.outcome) {
    case 'ok':
      return `${t.ok(r.new, r.updated, r.unchanged)}${
        r.truncated ? ` — ${truncationText(r.truncated)}` : ''
      }${r.warning ? ` — ${t.warning(r.warning)}` : ''}`;
    case 'not_modified':
      return t.notModified;
    case 'gone':
      return t.gone;
    case 'error':
      return t.error(r.errorKind, r.error);
  }
}

/** A plain table a coordinator can read in a terminal or paste in an email. */
export function renderSummary(s: PullSummary, lang: Lang): string {
  const t = messages(lang);
  if (!s.sources) return `${t.noSource}\n`;
  const rows = [...s.reports].sort(
    (a, b) => a.networkSlug.localeCompare(b.networkSlug) || a.url.localeCompare(b.url),
  );
  const width = Math.min(28, Math.max(...rows.map((r) => r.networkSlug.length)));
  const lines = rows.map(
    (r) =>
      `${mark(r)} ${r.networkSlug.padEnd(width)}  ${r.url}\n    ${outcomeWords(r, t)} (${r.ms} ms)`,
  );
  const seconds = ((s.finishedAt - s.startedAt) / 1000).toFixed(1);
  return `${lines.join('\n')}\n\n${t.total(s, seconds)}\n`;
}

function mark(r: SourceReport): string {
  return r.outcome === 'ok' ? '✓' : r.outcome === 'not_modified' ? '=' : '✗';
}
