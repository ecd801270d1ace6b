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

export async function pullCommand(
  deps: Deps,
  args: string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const options = readArgs(args);
  if (typeof options === 'string') {
    err.write(`${options}\nUsage: intercoop pull [--network SLUG] [--due] [--json]\n`);
    return 2;
  }
  if (options.network) {
    if (!(await getDirectoryEntry(deps, options.network))) {
      err.write(`Réseau inconnu : ${options.network} (voir \`intercoop networks list\`)\n`);
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
        err.write(withMaskedCredentials(`[${done}/${total}] ${progressLine(report)}\n`)),
    });
  } catch (failure) {
    // The run itself could not happen (database locked or unreadable): say so, exit 1.
    err.write(
      `La récupération n’a pas pu avoir lieu : ${(failure as Error)?.message ?? String(failure)}\n`,
    );
    return 1;
  }
  if (options.json) out.write(`${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  // A private feed's password is shown as *** (the summary quotes each source's address).
  else out.write(withMaskedCredentials(renderSummary(summary)));
  return 0;
}

interface PullArgs {
  network?: string;
  due: boolean;
  json: boolean;
}

function readArgs(args: string[]): PullArgs | string {
  const result: PullArgs = { due: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--network' || arg === '-n') {
      const slug = args[++i];
      if (!slug) return '--network needs a network slug';
      result.network = slug;
    } else if (arg.startsWith('--network=')) result.network = arg.slice('--network='.length);
    else if (arg === '--due') result.due = true;
    else if (arg === '--json') result.json = true;
    else return `Unknown option: ${arg}`;
  }
  return result;
}

function progressLine(r: SourceReport): string {
  return `${r.networkSlug} ${r.url} — ${outcomeWords(r)}`;
}

function outcomeWords(r: SourceReport): string {
  switch (r.outcome) {
    case 'ok':
      return `${r.new} nouveau(x), ${r.updated} modifié(s), ${r.unchanged} inchangé(s)${
        r.truncated ? ` — ${truncationText(r.truncated)}` : ''
      }${r.warning ? ` — avertissement : ${r.warning}` : ''}`;
    case 'not_modified':
      return 'inchangé (304)';
    case 'gone':
      return 'retiré par le site (410)';
    case 'error':
      return `ERREUR ${r.errorKind}: ${r.error}`;
  }
}

/** A plain table a coordinator can read in a terminal or paste in an email. */
export function renderSummary(s: PullSummary): string {
  if (!s.sources)
    return 'Aucune source à relever. Ajoutez des réseaux à networks.yaml puis lancez `intercoop networks sync`.\n';
  const rows = [...s.reports].sort(
    (a, b) => a.networkSlug.localeCompare(b.networkSlug) || a.url.localeCompare(b.url),
  );
  const width = Math.min(28, Math.max(...rows.map((r) => r.networkSlug.length)));
  const lines = rows.map(
    (r) =>
      `${mark(r)} ${r.networkSlug.padEnd(width)}  ${r.url}\n    ${outcomeWords(r)} (${r.ms} ms)`,
  );
  const seconds = ((s.finishedAt - s.startedAt) / 1000).toFixed(1);
  return `${lines.join('\n')}\n\n${s.sources} source(s) en ${seconds} s : ${s.ok} relevée(s), ${s.notModified} inchangée(s), ${s.failed} en erreur — ${s.newItems} nouvel(le)s entrée(s), ${s.updatedItems} modifiée(s).\n`;
}

function mark(r: SourceReport): string {
  return r.outcome === 'ok' ? '✓' : r.outcome === 'not_modified' ? '=' : '✗';
}
