/**
 * `intercoop demo [--once]`: a simulated federation of French networks on 127.0.0.1 and a
 * hub pulling it, so a new user sees everything work offline. `--once` pulls, prints the
 * summary and exits (used by the tests); otherwise the hub keeps serving until Ctrl-C.
 */
import { nodeDeps } from '../deps.ts';
import { prepareDemo } from '../demo/prepare.ts';
import { startServer } from '../serve.ts';
import { schedulePulls } from '../pull-schedule.ts';
import { syncFederationFile } from '../federation-file.ts';
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
  const demo = await prepareDemo({ now: today });
  // The demo's own chatter would drown the summary: only warnings and errors are shown.
  const log = leveledLogger('warn');
  const deps = nodeDeps({ config: demo.config, log });
  try {
    await syncFederationFile(deps);
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
    const hub = `http://127.0.0.1:${port}`;
    console.log(`Intercoop Hub (démo) : ${hub}/
  actualités      ${hub}/            flux ${hub}/feed.xml · ${hub}/feed.atom · ${hub}/feed.json
  agenda          ${hub}/agenda      ${hub}/agenda.ics
  réseaux         ${hub}/networks    ${hub}/networks.opml
  lettre          ${hub}/newsletter
Base de données : ${demo.config.dbPath} — fédération : ${demo.networksFile}
Ctrl-C pour arrêter.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    schedule.stop();
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    return 0;
  } finally {
    await deps.close();
    await demo.federation.close();
  }
}
