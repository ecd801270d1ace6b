import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/env.ts';
import { silentLogger } from '../../src/deps.ts';
import { nodeDeps, type NodeDeps } from '../../workers/node/deps.ts';

/** Node deps over a fresh SQLite file in a temp dir, private hosts allowed (fixtures are on 127.0.0.1). */
export function makeNodeDeps(env: Record<string, string> = {}): NodeDeps & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const config = loadConfig({ HUB_DB: join(dir, 'hub.sqlite'), HUB_ALLOW_PRIVATE_HOSTS: '1', ...env });
  return Object.assign(nodeDeps({ config, log: silentLogger }), { dir });
}
