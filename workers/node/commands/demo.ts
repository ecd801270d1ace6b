/**
 * `intercoop demo [--once]`: a simulated federation of French networks on 127.0.0.1 and a
 * hub pulling it, so a new user sees everything work offline. `--once` pulls, prints the
 * summary and exits (used by the tests); otherwise the hub keeps serving until Ctrl-C.
 */
import type { PreparedDemo } from '../demo/prepare.ts';
import { startDemoHub } from '../demo/hub.ts';
import { DEMO_COORDINATOR } from '../demo/content.ts';
import { startServer } from '../serve.ts';
import { schedulePulls } from '../pull-schedule.ts';
import { scheduleDigests } from '../digest-schedule.ts';
import { pull } from '../../../src/ingest/pull.ts';
import { renderSummary } from './pull.ts';
import { leveledLogger } from '../../../src/deps.ts';
import { defineMessages, type Lang } from '../../../src/web/i18n.ts';
import { usageLine } from '../cli-usage.ts';

const messages = defineMessages({
  fr: {
    unknownOption: (o: string) => `Option inconnue : ${o}`,
    federation: (url: string, n: number) => `Fédération simulée : ${url}/ (${n} réseaux)`,
    progress: (done: number, total: number) => `${done}/${total} sources relevées`,
  },
  en: {
    unknownOption: (o: string) => `Unknown option: ${o}`,
    federation: (url: string, n: number) => `Simulated federation: ${url}/ (${n} networks)`,
    progress: (done: number, total: number) => `${done}/${total} sources pulled`,
  },
});

export async function demoCommand(args: string[], lang: Lang): Promise<number> {
  const t = messages(lang);
  const once = args.includes('--once');
  const unknown = args.filter((a) => a !== '--once');
  if (unknown.length) {
    console.error(`${t.unknownOption(unknown[0]!)}\n${usageLine('demo', lang)}`);
    return 2;
  }
  // The federation's dates are relative to "now": taken at the start of the day, a restart
  // serves the same bytes, so the hub's second pull is all 304s as with real members.
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  // The demo's own chatter would drown the summary: only warnings and errors are shown.
  const log = leveledLogger('warn');
  const hub = await startDemoHub({ now: today, log });
  const { demo, deps } = hub;
  try {
    console.log(t.federation(demo.federation.url, demo.federation.federation.networks.length));
    // A counter that rewrites itself on a terminal; logs and CI get the summary only.
    const tty = process.stderr.isTTY;
    const summary = await pull(deps, {
      trigger: 'demo',
      all: true,
      onProgress: tty
        ? (_r, done, total) => process.stderr.write(`\r${t.progress(done, total)}`)
        : undefined,
    });
    if (tty) process.stderr.write('\n');
    console.log(renderSummary(summary, lang));
    if (once) return summary.failed ? 1 : 0;
    const { server, port } = await startServer(deps, demo.hubPort, '127.0.0.1');
    const schedule = schedulePulls(deps);
    const digests = await scheduleDigests(deps);
    console.log(demoBanner(`http://127.0.0.1:${port}`, demo, !!deps.mailbox, lang));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    schedule.stop();
    digests.stop();
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    return 0;
  } finally {
    await hub.close();
  }
}

/** What the demo prints once it serves: where everything is, and how to sign in to the console. */
export function demoBanner(url: string, demo: PreparedDemo, mailbox: boolean, lang: Lang): string {
  const w = banner(lang);
  const cli = `HUB_DB=${demo.config.dbPath} HUB_NETWORKS=${demo.networksFile} npx intercoop`;
  return [
    w.title(url),
    `  ${w.news.padEnd(16)}${url}/            ${w.feeds} ${url}/feed.xml · ${url}/feed.atom · ` +
      `${url}/feed.json`,
    `  ${'agenda'.padEnd(16)}${url}/agenda      ${url}/agenda.ics`,
    `  ${w.networks.padEnd(16)}${url}/networks    ${url}/networks.opml`,
    `  ${w.letter.padEnd(16)}${url}/newsletter  (${w.letterDue})`,
    ...(mailbox ? [`  ${w.mails.padEnd(16)}${url}/demo/mailbox   (${w.mailbox})`] : []),
    `${w.console}${url}/admin`,
    `  ${w.token}${demo.config.adminToken}`,
    `  ${w.link(DEMO_COORDINATOR)}${mailbox ? ` (${w.linkArrives})` : ''}`,
    `${w.database}${demo.config.dbPath} — ${w.federation}${demo.networksFile}`,
    `  ${w.cli}${cli} networks list`,
    w.stop,
  ].join('\n');
}

const banner = defineMessages({
  fr: {
    title: (url: string) => `Intercoop Hub (démo) : ${url}/`,
    news: 'actualités',
    feeds: 'flux',
    networks: 'réseaux',
    letter: 'lettre',
    letterDue: 'les lettres dues partent chaque minute',
    mails: 'courriels',
    mailbox: "la démo garde ici ce qu'elle envoie",
    console: 'Console des coordinateurs : ',
    token: "jeton d'administration : ",
    link: (who: string) => `ou lien de connexion par courriel pour ${who}`,
    linkArrives: 'il arrive dans /demo/mailbox',
    database: 'Base de données : ',
    federation: 'fédération : ',
    cli: 'la CLI sur cette base : ',
    stop: 'Ctrl-C pour arrêter.',
  },
  en: {
    title: (url: string) => `Intercoop Hub (demo): ${url}/`,
    news: 'news',
    feeds: 'feeds',
    networks: 'networks',
    letter: 'newsletter',
    letterDue: 'due digests go out every minute',
    mails: 'emails',
    mailbox: 'the demo keeps here what it sends',
    console: 'Coordinators’ console: ',
    token: 'admin token: ',
    link: (who: string) => `or a sign-in link by email for ${who}`,
    linkArrives: 'it arrives in /demo/mailbox',
    database: 'Database: ',
    federation: 'federation: ',
    cli: 'the CLI on this database: ',
    stop: 'Ctrl-C to stop.',
  },
});
