import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../../src/env.ts';
import { demoNetworksYaml } from './content.ts';
import { processEnv } from '../deps.ts';
import { startDemoFederation, type RunningFederation } from './server.ts';

export interface DemoOptions {
  /** Where networks.yaml and (unless HUB_DB is set) hub.sqlite go. Default ./data/demo. */
  dataDir?: string;
  /** The hub's port: HUB_PORT or 8787 by default; 0 picks a free one. */
  hubPort?: number;
  /** The simulated federation's port: 8788 by default (any free port when taken); 0 picks one. */
  federationPort?: number;
  /** Settings as on the command line (the process's environment by default). */
  env?: Record<string, string | undefined>;
  /** The federation's "now" (its dates are relative to it). */
  now?: Date;
}

export interface PreparedDemo {
  federation: RunningFederation;
  hubUrl: string;
  hubPort: number;
  networksFile: string;
  config: Config;
}

/**
 * Everything the demo needs before the hub runs: the simulated federation listening on
 * 127.0.0.1, its networks.yaml in the data directory, and the hub's settings (its own SQLite
 * file, private hosts allowed since the members live on loopback, base URL on 127.0.0.1).
 */
export async function prepareDemo(options: DemoOptions = {}): Promise<PreparedDemo> {
  const env = options.env ?? processEnv();
  const dataDir = resolve(options.dataDir ?? './data/demo');
  mkdirSync(dataDir, { recursive: true });
  const federation = await startDemoFederation({
    port: options.federationPort ?? 8788,
    now: options.now,
  });
  try {
    const wanted = options.hubPort ?? (env.HUB_PORT ? Number(env.HUB_PORT) : 8787);
    const hubPort = wanted === 0 ? await freePort() : wanted;
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const networksFile = join(dataDir, 'networks.yaml');
    writeFileSync(networksFile, demoNetworksYaml(federation.federation, hubUrl));
    const config = loadConfig({
      ...env,
      HUB_DB: env.HUB_DB || join(dataDir, 'hub.sqlite'),
      HUB_NETWORKS: networksFile,
      HUB_PORT: String(hubPort),
      HUB_BASE_URL: hubUrl,
      HUB_ALLOW_PRIVATE_HOSTS: '1',
      // The console needs a token; a fresh one per run unless one is given (printed at start).
      HUB_ADMIN_TOKEN: env.HUB_ADMIN_TOKEN || `demo-${randomBytes(12).toString('base64url')}`,
      // Digests that are due leave every minute, so a newcomer gets theirs while visiting.
      HUB_DIGEST_CRON: env.HUB_DIGEST_CRON || '* * * * *',
      HUB_MAIL_FROM: env.HUB_MAIL_FROM || 'Intercoop (démo) <lettre@demo.invalid>',
    });
    return { federation, hubUrl, hubPort, networksFile, config };
  } catch (err) {
    await federation.close();
    throw err;
  }
}

/** A port free on 127.0.0.1 right now (asked from the OS, then released). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
