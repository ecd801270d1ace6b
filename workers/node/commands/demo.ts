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

export async function demoCommand(args: string[]): Promise<number> {
  const once = args.includes('--once');
  const unknown = args.filter((a) => a !== '--once');
  if (unknown.length) {
    console.error(`Unknown option: ${unknown[0]}\nUsage: intercoop demo [--once]`);
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
    console.log(
      `Fédération simulée : ${demo.federation.url}/ (${demo.federation.federation.networks.length} réseaux)`,
    );
    // A counter that rewrites itself on a terminal; logs and CI get the summary only.
    const tty = process.stderr.isTTY;
    const summary = await pull(deps, {
      trigger: 'demo',
      all: true,
      onProgress: tty
        ? (_r, done, total) => process.stderr.write(`\r${done}/${total} sources relevées`)
        : undefined,
    });
    if (tty) process.stderr.write('\n');
    console.log(renderSummary(summary));
    if (once) return summary.failed ? 1 : 0;
    const { server, port } = await startServer(deps, demo.hubPort, '127.0.0.1');
    const schedule = schedulePulls(deps);
    const digests = await scheduleDigests(deps);
    console.log(demoBanner(`http://127.0.0.1:${port}`, demo, !!deps.mailbox));
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
export function demoBanner(url: string, demo: PreparedDemo, mailbox: boolean): string {
  return `Intercoop Hub (démo) : ${url}/
  actualités      ${url}/            flux ${url}/feed.xml · ${url}/feed.atom · ${url}/feed.json
  agenda          ${url}/agenda      ${url}/agenda.ics
  réseaux         ${url}/networks    ${url}/networks.opml
  lettre          ${url}/newsletter  (les lettres dues partent chaque minute)
${
  mailbox
    ? `  courriels       ${url}/demo/mailbox   (la démo garde ici ce qu'elle envoie)
`
    : ''
}Console des coordinateurs : ${url}/admin
  jeton d'administration : ${demo.config.adminToken}
  ou lien de connexion par courriel pour ${DEMO_COORDINATOR}${mailbox ? ' (il arrive dans /demo/mailbox)' : ''}
Base de données : ${demo.config.dbPath} — fédération : ${demo.networksFile}
  la CLI sur cette base : HUB_DB=${demo.config.dbPath} HUB_NETWORKS=${demo.networksFile} npx intercoop networks list
Ctrl-C pour arrêter.`;
}
