/**
 * Every `intercoop` command speaks French first and English when the locale says so: the real
 * binary in a child process, each case once with no locale (and with `C`) and once with
 * LANG=en_US.UTF-8. A case fails if the French run prints the English words, or the reverse.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliLang } from '../../workers/node/deps.ts';

const bin = resolve('bin/intercoop.js');
const dir = mkdtempSync(join(tmpdir(), 'hub-cli-lang-'));

/** The test runner's environment without any locale setting, pointed at an empty hub. */
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== 'LANG' && !k.startsWith('LC_')),
);
Object.assign(baseEnv, {
  HUB_DB: join(dir, 'hub.sqlite'),
  HUB_NETWORKS: join(dir, 'absent-networks.yaml'),
  HUB_LOG_LEVEL: 'warn',
});

interface Run {
  code: number;
  text: string;
}

function intercoop(args: string[], locale: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...baseEnv, ...locale }, cwd: dir, timeout: 60_000 },
      (err, stdout, stderr) =>
        done({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          text: `${stdout}${stderr}`,
        }),
    );
  });
}

/** A command line, its exit code, and words only the French (fr) or English (en) run prints. */
interface Case {
  args: string[];
  code: number;
  fr: string;
  en: string;
}

const CASES: Case[] = [
  { args: [], code: 1, fr: 'Usage : intercoop <commande>', en: 'Usage: intercoop <command>' },
  { args: ['help'], code: 0, fr: 'relève maintenant', en: 'pull now' },
  { args: ['--help'], code: 0, fr: 'Langue : français', en: 'Language: French' },
  {
    args: ['help', 'digest'],
    code: 0,
    fr: 'prépare et envoie les lettres dues',
    en: 'build and send the digests that are due',
  },
  {
    args: ['networks', '--help'],
    code: 0,
    fr: 'list : les réseaux membres',
    en: 'list: the member networks',
  },
  { args: ['items', '-h'], code: 0, fr: 'split : sépare une entrée', en: 'split: move a wrongly' },
  { args: ['help', 'nope'], code: 2, fr: 'Commande inconnue : nope', en: 'Unknown command: nope' },
  { args: ['frobnicate'], code: 2, fr: 'Commande inconnue', en: 'Unknown command' },
  { args: ['digest', '--dry-run'], code: 0, fr: '0 abonné(s) dû(s)', en: '0 subscriber(s) due' },
  { args: ['digest'], code: 1, fr: 'Pas d’envoi de courriel', en: 'No mailer' },
  {
    args: ['digest', '--to', 'moi@example.org', '--dry-run'],
    code: 0,
    fr: 'Rien de nouveau depuis la dernière lettre',
    en: 'Nothing new since the last digest',
  },
  { args: ['digest', '--to', 'pas-une-adresse'], code: 2, fr: 'Ce n’est pas', en: 'Not an email' },
  { args: ['digest', '--bogus'], code: 2, fr: 'Usage : intercoop digest', en: 'Usage: intercoop' },
  { args: ['items', 'show', 'nope'], code: 1, fr: 'Aucune actualité nope', en: 'No item nope' },
  { args: ['items', 'split', 'x'], code: 2, fr: 'est un nombre', en: 'must be a number' },
  { args: ['items', 'split', '999'], code: 1, fr: 'Aucune entrée #999', en: 'No entry #999' },
  { args: ['items'], code: 2, fr: 'Usage : intercoop items show', en: 'Usage: intercoop items' },
  { args: ['networks', 'list'], code: 0, fr: 'Aucun réseau', en: 'No networks yet' },
  { args: ['networks', 'sync'], code: 1, fr: 'introuvable', en: 'Federation file not found' },
  { args: ['networks', 'nope'], code: 2, fr: 'Usage : intercoop networks', en: 'Usage: intercoop' },
  { args: ['pull'], code: 0, fr: 'Aucune source à relever', en: 'No source to pull' },
  { args: ['pull', '--bogus'], code: 2, fr: 'Option inconnue : --bogus', en: 'Unknown option' },
  { args: ['pull', '--network', 'x'], code: 2, fr: 'Réseau inconnu : x', en: 'Unknown network' },
  { args: ['parse'], code: 2, fr: 'Usage : intercoop parse', en: 'Usage: intercoop parse' },
  { args: ['parse', 'absent.xml'], code: 1, fr: 'Lecture impossible de', en: 'Cannot read' },
  { args: ['demo', '--bogus'], code: 2, fr: 'Option inconnue : --bogus', en: 'Unknown option' },
];

/** Runs `jobs` at most `n` at a time: the machine's two cores are shared. */
async function pooled<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

describe('the CLI language: LC_ALL, then LC_MESSAGES, then LANG', () => {
  it('picks English for en* only, by the POSIX order', () => {
    expect(cliLang({})).toBe('fr');
    expect(cliLang({ LANG: 'C' })).toBe('fr');
    expect(cliLang({ LANG: 'C.UTF-8' })).toBe('fr');
    expect(cliLang({ LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(cliLang({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLang({ LANG: 'en' })).toBe('en');
    expect(cliLang({ LANG: 'en_GB' })).toBe('en');
    expect(cliLang({ LANG: 'es_ES.UTF-8' })).toBe('fr');
    expect(cliLang({ LANG: 'eng' })).toBe('fr');
    expect(cliLang({ LC_MESSAGES: 'en_GB.UTF-8', LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(cliLang({ LC_ALL: 'fr_FR.UTF-8', LC_MESSAGES: 'en_GB', LANG: 'en_US' })).toBe('fr');
    expect(cliLang({ LC_ALL: '', LANG: 'en_US.UTF-8' })).toBe('en');
  });
});

describe('every command speaks French by default, English with LANG=en_US.UTF-8', {
  // 52 runs of the binary: about 100 s on an idle machine, more under a full suite.
  timeout: 480_000,
}, () => {
  it('each command, each message kind (help, usage, errors, summaries)', async () => {
    const runs = await pooled(
      CASES.flatMap((c) => [
        () => intercoop(c.args, {}),
        () => intercoop(c.args, { LANG: 'en_US.UTF-8' }),
      ]),
      3,
    );
    const problems: string[] = [];
    CASES.forEach((c, i) => {
      const [fr, en] = [runs[2 * i]!, runs[2 * i + 1]!];
      const name = `intercoop ${c.args.join(' ')}`;
      if (fr.code !== c.code || en.code !== c.code)
        problems.push(`${name}: exit ${fr.code}/${en.code}, expected ${c.code}`);
      if (!fr.text.includes(c.fr) || fr.text.includes(c.en))
        problems.push(`${name} (no locale) is not French:\n${fr.text}`);
      if (!en.text.includes(c.en) || en.text.includes(c.fr))
        problems.push(`${name} (LANG=en_US.UTF-8) is not English:\n${en.text}`);
    });
    expect(problems).toEqual([]);
  });

  it('LANG=C is French; LC_ALL wins over LANG; LC_MESSAGES over LANG', async () => {
    const [c, all, messages] = await Promise.all([
      intercoop(['help'], { LANG: 'C' }),
      intercoop(['help'], { LC_ALL: 'fr_FR.UTF-8', LANG: 'en_US.UTF-8' }),
      intercoop(['help'], { LC_MESSAGES: 'en_GB.UTF-8', LANG: 'fr_FR.UTF-8' }),
    ]);
    expect(c.text).toContain('Usage : intercoop <commande>');
    expect(all.text).toContain('Usage : intercoop <commande>');
    expect(messages.text).toContain('Usage: intercoop <command>');
  });

  it('networks export: the message in the reader’s language, the YAML the same', async () => {
    const [fr, en] = await Promise.all([
      intercoop(['networks', 'export', join(dir, 'fr.yaml')], {}),
      intercoop(['networks', 'export', join(dir, 'en.yaml')], { LANG: 'en_US.UTF-8' }),
    ]);
    expect(fr.text).toContain(`Fédération exportée dans ${join(dir, 'fr.yaml')}.`);
    expect(en.text).toContain(`Federation exported to ${join(dir, 'en.yaml')}.`);
    const strip = (s: string) => s.replace(/^#.*\n/gm, '');
    expect(strip(readFileSync(join(dir, 'en.yaml'), 'utf8'))).toBe(
      strip(readFileSync(join(dir, 'fr.yaml'), 'utf8')),
    );
  });
});
