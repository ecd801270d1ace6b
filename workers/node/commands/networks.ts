/**
 * `intercoop networks sync | import FILE.opml [--dry-run] | list`
 * - sync: loads the federation file (HUB_NETWORKS) into the store; a missing or invalid file
 *   exits 1 with every problem listed.
 * - import: adds an OPML file's feeds and calendars to the federation file (created when absent),
 *   keeping its comments; --dry-run prints the resulting YAML and writes nothing.
 * - list: the networks with their sources and each source's health.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NodeDeps } from '../deps.ts';
import { FederationFileError, parseNetworksFile } from '../../../src/federation/networks-file.ts';
import { importOpml, OpmlError } from '../../../src/federation/opml-import.ts';
import { syncFederation, type SyncReport } from '../../../src/federation/sync.ts';
import { healthOf, listNetworks, type NetworkWithSources } from '../../../src/federation/list.ts';
import { exportFederation, federationYaml } from '../../../src/federation/export.ts';
import { fileChanged, readFileState, recordFileSync } from '../../../src/federation/file-state.ts';
import { maskedUrl, withMaskedCredentials } from '../../../src/public-url.ts';

type Print = (line: string) => void;

const USAGE = `Usage: intercoop networks sync [--force] | import FILE.opml [--dry-run] | list | export [FILE]`;

export async function networksCommand(
  deps: NodeDeps,
  args: string[],
  out: Print = console.log,
  err: Print = console.error,
): Promise<number> {
  try {
    return await run(deps, args, out, err);
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    err(e.message);
    return 1;
  }
}

async function run(deps: NodeDeps, args: string[], out: Print, err: Print): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'sync': {
      const force = rest.includes('--force');
      if (rest.some((a) => a !== '--force')) break;
      return sync(deps, out, err, force);
    }
    case 'export':
      if (rest.length > 1 || rest[0]?.startsWith('-')) break;
      return exportFile(deps, rest[0], out);
    case 'import': {
      const dryRun = rest.includes('--dry-run');
      const files = rest.filter((a) => a !== '--dry-run');
      if (files.length !== 1 || files[0]!.startsWith('-')) break;
      return importFile(deps, files[0]!, dryRun, out, err);
    }
    case 'list':
      if (rest.length) break;
      return list(deps, out);
  }
  err(USAGE);
  return 2;
}

async function sync(deps: NodeDeps, out: Print, err: Print, force: boolean): Promise<number> {
  const path = deps.config.networksFile;
  const text = await readText(path);
  if (text === null) {
    err(
      `Fichier de la fédération introuvable : ${path} (réglage HUB_NETWORKS) / federation file not found.`,
    );
    return 1;
  }
  let federation;
  try {
    federation = parseNetworksFile(text);
  } catch (e) {
    if (!(e instanceof FederationFileError)) throw e;
    err(`${path} : ${e.message}`);
    err('Rien n’a été modifié / nothing changed.');
    return 1;
  }
  for (const w of federation.warnings) err(`Attention : ${w}`);
  // The rule (README, "Une fédération, deux vues"): an unchanged file leaves console edits alone.
  if (!force && !(await fileChanged(deps, text))) {
    out(
      `${path} : inchangé depuis la dernière synchronisation, déjà à jour ; les modifications faites dans la console sont gardées (--force pour appliquer le fichier) / unchanged since the last sync.`,
    );
    return 0;
  }
  const { consoleEditedAt } = await readFileState(deps);
  if (consoleEditedAt)
    err(
      `Attention : le fichier remplace les modifications faites dans la console depuis le ${new Date(consoleEditedAt).toISOString()} / the file replaces the console's edits.`,
    );
  const report = await syncFederation(deps, federation);
  await recordFileSync(deps, text);
  for (const line of describeSync(path, report)) out(line);
  return 0;
}

/** `networks export [FILE]`: the stored federation in the networks.yaml format (stdout by default). */
async function exportFile(deps: NodeDeps, file: string | undefined, out: Print): Promise<number> {
  const yaml = federationYaml(await exportFederation(deps), deps.clock.now());
  if (!file) {
    out(yaml.trimEnd());
    return 0;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(tmp, yaml, 'utf8');
  await rename(tmp, file);
  out(`Fédération exportée dans ${file} / federation exported.`);
  return 0;
}

export function describeSync(path: string, r: SyncReport): string[] {
  if (r.writes === 0)
    return [
      `${path} : déjà à jour, rien à écrire (${r.networks.unchanged} réseaux, ${r.sources.unchanged} sources) / already in sync.`,
    ];
  return [
    `${path} : fédération synchronisée / federation synced`,
    `  réseaux : ${r.networks.added} ajouté(s), ${r.networks.updated} modifié(s), ${r.networks.deactivated} désactivé(s), ${r.networks.unchanged} inchangé(s)`,
    `  sources : ${r.sources.added} ajoutée(s), ${r.sources.reactivated} réactivée(s), ${r.sources.updated} modifiée(s), ${r.sources.removed} retirée(s), ${r.sources.unchanged} inchangée(s)`,
    `  hub : ${r.hubUpdated ? 'réglages mis à jour' : 'inchangé'}`,
  ];
}

async function importFile(
  deps: NodeDeps,
  opmlPath: string,
  dryRun: boolean,
  out: Print,
  err: Print,
): Promise<number> {
  const opml = await readText(opmlPath);
  if (opml === null) {
    err(`Fichier OPML introuvable / not found: ${opmlPath}`);
    return 1;
  }
  const target = deps.config.networksFile;
  const current = await readText(target);
  let result;
  try {
    result = importOpml(current, opml);
  } catch (e) {
    if (e instanceof OpmlError) {
      err(`${opmlPath} : ${e.message}`);
      return 1;
    }
    if (e instanceof FederationFileError) {
      err(`${target} : ${e.message}`);
      return 1;
    }
    throw e;
  }
  if (dryRun) {
    out(result.yaml.trimEnd());
    return 0;
  }
  const { networks, feeds, agendas, sites } = result.added;
  if (networks.length + feeds.length + agendas.length + sites.length > 0) {
    // Written beside the target then renamed: an interrupted import never leaves half a file.
    const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(tmp, result.yaml, 'utf8');
    await rename(tmp, target);
  }
  out(`${opmlPath} → ${target}${current === null ? ' (nouveau fichier)' : ''}`);
  out(
    `  ${networks.length} réseau(x) ajouté(s), ${feeds.length} flux, ${agendas.length} agenda(s), ${sites.length} site(s) seul(s)`,
  );
  for (const n of networks) out(`  + ${n.slug} (${n.name})`);
  const newSlugs = new Set(networks.map((n) => n.slug));
  for (const f of feeds)
    if (!newSlugs.has(f.network)) out(`  + flux ${maskedUrl(f.url)} → ${f.network}`);
  for (const a of agendas)
    if (!newSlugs.has(a.network)) out(`  + agenda ${maskedUrl(a.url)} → ${a.network}`);
  for (const s of result.skipped)
    out(
      withMaskedCredentials(
        `  = ignoré / skipped: ${s.title ?? s.url ?? '?'}${s.url && s.title ? ` <${s.url}>` : ''} : ${s.reason}`,
      ),
    );
  try {
    parseNetworksFile(result.yaml);
    if (networks.length + feeds.length + agendas.length + sites.length > 0)
      out('Ensuite / next: intercoop networks sync');
  } catch (e) {
    if (!(e instanceof FederationFileError)) throw e;
    err(`Attention : ${target} a des problèmes à corriger avant « networks sync » :\n${e.message}`);
  }
  return 0;
}

async function list(deps: NodeDeps, out: Print): Promise<number> {
  const all = await listNetworks(deps);
  if (!all.length) {
    out(
      'Aucun réseau : écrivez networks.yaml puis lancez « intercoop networks sync » / no networks yet.',
    );
    return 0;
  }
  const now = deps.clock.now().getTime();
  for (const line of table(all, now)) out(line);
  return 0;
}

/** One line per network (slug, name, territory), its sources indented below in aligned columns. */
export function table(all: NetworkWithSources[], now: number): string[] {
  const rows: string[][] = [];
  const heads: { at: number; text: string }[] = [];
  for (const n of all) {
    heads.push({
      at: rows.length,
      text: [n.slug, n.name, n.territory ?? '—', n.active ? '' : '(inactif / inactive)']
        .filter(Boolean)
        .join('  ·  '),
    });
    if (!n.sources.length) rows.push(['', '(aucune source)', '', '', '', '']);
    for (const s of n.sources) {
      const health = healthOf(s);
      const errors =
        s.errorCount > 0
          ? `${s.errorCount} échec(s) : ${s.lastErrorKind ?? ''}${s.lastError ? ` ${truncate(withMaskedCredentials(s.lastError), 60)}` : ''}`.trim()
          : '';
      rows.push([
        '',
        s.kind,
        s.status,
        health,
        s.lastSuccessAt ? `succès ${when(s.lastSuccessAt, now)}` : 'jamais réussie',
        s.fetchUrl !== s.url ? `${maskedUrl(s.url)} → ${maskedUrl(s.fetchUrl)}` : maskedUrl(s.url),
        errors,
      ]);
    }
  }
  const widths = rows.reduce<number[]>(
    (w, r) => r.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  const header = ['', 'TYPE', 'STATUT', 'SANTÉ', 'DERNIER SUCCÈS', 'URL', 'ERREURS'];
  const cols = header.map((h, i) => Math.max(h.length, widths[i] ?? 0));
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(cols[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [fmt(header)];
  let next = 0;
  rows.forEach((r, i) => {
    while (next < heads.length && heads[next]!.at === i) lines.push(heads[next++]!.text);
    lines.push(fmt(r));
  });
  return lines;
}

function when(t: number, now: number): string {
  const minutes = Math.round((now - t) / 60_000);
  const stamp = `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (minutes < 0) return stamp;
  if (minutes < 60) return `${stamp} (il y a ${minutes} min)`;
  if (minutes < 48 * 60) return `${stamp} (il y a ${Math.round(minutes / 60)} h)`;
  return `${stamp} (il y a ${Math.round(minutes / 1440)} j)`;
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

class ReadError extends Error {}

/** The file's text, null when it does not exist; any other failure (a directory, no permission) a ReadError. */
async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ReadError(
      `Lecture impossible / cannot read ${path} : ${code ?? (e as Error).message}`,
    );
  }
}
