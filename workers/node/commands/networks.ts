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
import { defineMessages, type Lang } from '../../../src/web/i18n.ts';
import { usageLine } from '../cli-usage.ts';

type Print = (line: string) => void;

const messages = defineMessages({
  fr: {
    noFile: (path: string) =>
      `Fichier de la fédération introuvable : ${path} (réglage HUB_NETWORKS).`,
    problem: (path: string, why: string) => `${path} : ${why}`,
    nothingChanged: 'Rien n’a été modifié.',
    warning: (w: string) => `Attention : ${w}`,
    unchanged: (path: string) =>
      `${path} : inchangé depuis la dernière synchronisation, déjà à jour ; les modifications ` +
      'faites dans la console sont gardées (--force pour appliquer le fichier).',
    replaces: (since: string) =>
      'Attention : le fichier remplace les modifications faites dans la console depuis le ' +
      `${since}.`,
    exported: (file: string) => `Fédération exportée dans ${file}.`,
    inSync: (path: string, networks: number, sources: number) =>
      `${path} : déjà à jour, rien à écrire (${networks} réseaux, ${sources} sources).`,
    synced: (path: string) => `${path} : fédération synchronisée`,
    syncedNetworks: (r: SyncReport['networks']) =>
      `  réseaux : ${r.added} ajouté(s), ${r.updated} modifié(s), ` +
      `${r.deactivated} désactivé(s), ${r.unchanged} inchangé(s)`,
    syncedSources: (r: SyncReport['sources']) =>
      `  sources : ${r.added} ajoutée(s), ${r.reactivated} réactivée(s), ` +
      `${r.updated} modifiée(s), ${r.removed} retirée(s), ${r.unchanged} inchangée(s)`,
    syncedHub: (updated: boolean) => `  hub : ${updated ? 'réglages mis à jour' : 'inchangé'}`,
    noOpml: (path: string) => `Fichier OPML introuvable : ${path}`,
    newFile: ' (nouveau fichier)',
    imported: (networks: number, feeds: number, agendas: number, sites: number) =>
      `  ${networks} réseau(x) ajouté(s), ${feeds} flux, ${agendas} agenda(s), ${sites} site(s) ` +
      'seul(s)',
    addedFeed: (url: string, network: string) => `  + flux ${url} → ${network}`,
    addedAgenda: (url: string, network: string) => `  + agenda ${url} → ${network}`,
    skipped: (what: string, why: string) => `  = ignoré : ${what} : ${why}`,
    next: 'Ensuite : intercoop networks sync',
    fixFirst: (target: string, why: string) =>
      `Attention : ${target} a des problèmes à corriger avant « networks sync » :\n${why}`,
    none: 'Aucun réseau : écrivez networks.yaml puis lancez « intercoop networks sync ».',
    inactive: '(inactif)',
    noSource: '(aucune source)',
    failures: (n: number, kind: string) => `${n} échec(s) : ${kind}`,
    succeeded: (when: string) => `succès ${when}`,
    never: 'jamais réussie',
    header: ['', 'TYPE', 'STATUT', 'SANTÉ', 'DERNIER SUCCÈS', 'URL', 'ERREURS'].join('\t'),
    ago: (n: number, unit: 'min' | 'h' | 'd') => `il y a ${n} ${unit === 'd' ? 'j' : unit}`,
    cannotRead: (path: string, why: string) => `Lecture impossible : ${path} : ${why}`,
  },
  en: {
    noFile: (path: string) => `Federation file not found: ${path} (setting HUB_NETWORKS).`,
    problem: (path: string, why: string) => `${path}: ${why}`,
    nothingChanged: 'Nothing changed.',
    warning: (w: string) => `Warning: ${w}`,
    unchanged: (path: string) =>
      `${path}: unchanged since the last sync, already up to date; the edits made in the ` +
      'console are kept (--force to apply the file).',
    replaces: (since: string) =>
      `Warning: the file replaces the edits made in the console since ${since}.`,
    exported: (file: string) => `Federation exported to ${file}.`,
    inSync: (path: string, networks: number, sources: number) =>
      `${path}: already in sync, nothing to write (${networks} networks, ${sources} sources).`,
    synced: (path: string) => `${path}: federation synced`,
    syncedNetworks: (r: SyncReport['networks']) =>
      `  networks: ${r.added} added, ${r.updated} updated, ` +
      `${r.deactivated} deactivated, ${r.unchanged} unchanged`,
    syncedSources: (r: SyncReport['sources']) =>
      `  sources: ${r.added} added, ${r.reactivated} reactivated, ` +
      `${r.updated} updated, ${r.removed} removed, ${r.unchanged} unchanged`,
    syncedHub: (updated: boolean) => `  hub: ${updated ? 'settings updated' : 'unchanged'}`,
    noOpml: (path: string) => `OPML file not found: ${path}`,
    newFile: ' (new file)',
    imported: (networks: number, feeds: number, agendas: number, sites: number) =>
      `  ${networks} network(s) added, ${feeds} feed(s), ${agendas} calendar(s), ${sites} ` +
      'site(s) alone',
    addedFeed: (url: string, network: string) => `  + feed ${url} → ${network}`,
    addedAgenda: (url: string, network: string) => `  + calendar ${url} → ${network}`,
    skipped: (what: string, why: string) => `  = skipped: ${what}: ${why}`,
    next: 'Next: intercoop networks sync',
    fixFirst: (target: string, why: string) =>
      `Warning: ${target} has problems to fix before "networks sync":\n${why}`,
    none: 'No networks yet: write networks.yaml then run "intercoop networks sync".',
    inactive: '(inactive)',
    noSource: '(no source)',
    failures: (n: number, kind: string) => `${n} failure(s): ${kind}`,
    succeeded: (when: string) => `success ${when}`,
    never: 'never succeeded',
    header: ['', 'TYPE', 'STATUS', 'HEALTH', 'LAST SUCCESS', 'URL', 'ERRORS'].join('\t'),
    ago: (n: number, unit: 'min' | 'h' | 'd') => `${n} ${unit} ago`,
    cannotRead: (path: string, why: string) => `Cannot read ${path}: ${why}`,
  },
});
type Messages = ReturnType<typeof messages>;

export async function networksCommand(
  deps: NodeDeps,
  args: string[],
  lang: Lang,
  out: Print = console.log,
  err: Print = console.error,
): Promise<number> {
  const t = messages(lang);
  try {
    return await dispatch(deps, args, { t, out, err }, lang);
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    err(t.cannotRead(e.path, e.why));
    return 1;
  }
}

/** The command's voice: its messages in the reader's language, and where lines go. */
interface Io {
  t: Messages;
  out: Print;
  err: Print;
}

async function dispatch(deps: NodeDeps, args: string[], io: Io, lang: Lang): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'sync': {
      const force = rest.includes('--force');
      if (rest.some((a) => a !== '--force')) break;
      return sync(deps, io, force);
    }
    case 'export':
      if (rest.length > 1 || rest[0]?.startsWith('-')) break;
      return exportFile(deps, rest[0], io);
    case 'import': {
      const dryRun = rest.includes('--dry-run');
      const files = rest.filter((a) => a !== '--dry-run');
      if (files.length !== 1 || files[0]!.startsWith('-')) break;
      return importFile(deps, files[0]!, dryRun, io);
    }
    case 'list':
      if (rest.length) break;
      return list(deps, io);
  }
  io.err(usageLine('networks', lang));
  return 2;
}

async function sync(deps: NodeDeps, { t, out, err }: Io, force: boolean): Promise<number> {
  const path = deps.config.networksFile;
  const text = await readText(path);
  if (text === null) {
    err(t.noFile(path));
    return 1;
  }
  let federation;
  try {
    federation = parseNetworksFile(text);
  } catch (e) {
    if (!(e instanceof FederationFileError)) throw e;
    err(t.problem(path, e.message));
    err(t.nothingChanged);
    return 1;
  }
  for (const w of federation.warnings) err(t.warning(w));
  // The rule (README, "Une fédération, deux vues"): an unchanged file leaves console edits alone.
  if (!force && !(await fileChanged(deps, text))) {
    out(t.unchanged(path));
    return 0;
  }
  const { consoleEditedAt } = await readFileState(deps);
  if (consoleEditedAt) err(t.replaces(new Date(consoleEditedAt).toISOString()));
  const report = await syncFederation(deps, federation);
  await recordFileSync(deps, text);
  for (const line of describeSync(path, report, t)) out(line);
  return 0;
}

/** `networks export [FILE]`: the stored federation in the networks.yaml format (default: stdout). */
async function exportFile(deps: NodeDeps, file: string | undefined, io: Io): Promise<number> {
  const yaml = federationYaml(await exportFederation(deps), deps.clock.now());
  if (!file) {
    io.out(yaml.trimEnd());
    return 0;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(tmp, yaml, 'utf8');
  await rename(tmp, file);
  io.out(io.t.exported(file));
  return 0;
}

/** What a sync changed, in the reader's language. */
function describeSync(path: string, r: SyncReport, t: Messages): string[] {
  if (r.writes === 0) return [t.inSync(path, r.networks.unchanged, r.sources.unchanged)];
  return [
    t.synced(path),
    t.syncedNetworks(r.networks),
    t.syncedSources(r.sources),
    t.syncedHub(r.hubUpdated),
  ];
}

async function importFile(
  deps: NodeDeps,
  opmlPath: string,
  dryRun: boolean,
  { t, out, err }: Io,
): Promise<number> {
  const opml = await readText(opmlPath);
  if (opml === null) {
    err(t.noOpml(opmlPath));
    return 1;
  }
  const target = deps.config.networksFile;
  const current = await readText(target);
  let result;
  try {
    result = importOpml(current, opml);
  } catch (e) {
    if (e instanceof OpmlError) {
      err(t.problem(opmlPath, e.message));
      return 1;
    }
    if (e instanceof FederationFileError) {
      err(t.problem(target, e.message));
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
  out(`${opmlPath} → ${target}${current === null ? t.newFile : ''}`);
  out(t.imported(networks.length, feeds.length, agendas.length, sites.length));
  for (const n of networks) out(`  + ${n.slug} (${n.name})`);
  const newSlugs = new Set(networks.map((n) => n.slug));
  for (const f of feeds)
    if (!newSlugs.has(f.network)) out(t.addedFeed(maskedUrl(f.url), f.network));
  for (const a of agendas)
    if (!newSlugs.has(a.network)) out(t.addedAgenda(maskedUrl(a.url), a.network));
  for (const s of result.skipped) {
    const what = `${s.title ?? s.url ?? '?'}${s.url && s.title ? ` <${s.url}>` : ''}`;
    out(withMaskedCredentials(t.skipped(what, s.reason)));
  }
  try {
    parseNetworksFile(result.yaml);
    if (networks.length + feeds.length + agendas.length + sites.length > 0) out(t.next);
  } catch (e) {
    if (!(e instanceof FederationFileError)) throw e;
    err(t.fixFirst(target, e.message));
  }
  return 0;
}

async function list(deps: NodeDeps, { t, out }: Io): Promise<number> {
  const all = await listNetworks(deps);
  if (!all.length) {
    out(t.none);
    return 0;
  }
  const now = deps.clock.now().getTime();
  for (const line of table(all, now, t)) out(line);
  return 0;
}

/** One line per network (slug, name, territory), its sources indented below in aligned columns. */
function table(all: NetworkWithSources[], now: number, t: Messages): string[] {
  const rows: string[][] = [];
  const heads: { at: number; text: string }[] = [];
  for (const n of all) {
    heads.push({
      at: rows.length,
      text: [n.slug, n.name, n.territory ?? '—', n.active ? '' : t.inactive]
        .filter(Boolean)
        .join('  ·  '),
    });
    if (!n.sources.length) rows.push(['', t.noSource, '', '', '', '']);
    for (const s of n.sources) {
      const detail = s.lastError ? ` ${truncate(withMaskedCredentials(s.lastError), 60)}` : '';
      const errors =
        s.errorCount > 0
          ? t.failures(s.errorCount, `${s.lastErrorKind ?? ''}${detail}`).trim()
          : '';
      rows.push([
        '',
        s.kind,
        s.status,
        healthOf(s),
        s.lastSuccessAt ? t.succeeded(when(s.lastSuccessAt, now, t)) : t.never,
        s.fetchUrl !== s.url ? `${maskedUrl(s.url)} → ${maskedUrl(s.fetchUrl)}` : maskedUrl(s.url),
        errors,
      ]);
    }
  }
  const widths = rows.reduce<number[]>(
    (w, r) => r.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  const header = t.header.split('\t');
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

function when(at: number, now: number, t: Messages): string {
  const minutes = Math.round((now - at) / 60_000);
  const stamp = `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (minutes < 0) return stamp;
  if (minutes < 60) return `${stamp} (${t.ago(minutes, 'min')})`;
  if (minutes < 48 * 60) return `${stamp} (${t.ago(Math.round(minutes / 60), 'h')})`;
  return `${stamp} (${t.ago(Math.round(minutes / 1440), 'd')})`;
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** A file that exists but cannot be read (a directory, no permission). */
class ReadError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`${path}: ${why}`);
  }
}

/**
 * The file's text, null when it does not exist; any other failure (a directory, no permission)
 * a ReadError.
 */
async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ReadError(path, code ?? (e as Error).message);
  }
}
