import { afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/env.ts';
import { silentLogger, type Deps } from '../../src/deps.ts';
import { nodeDeps, type NodeDeps } from '../../workers/node/deps.ts';

/** Node deps over a fresh SQLite file in a temp dir, private hosts allowed (fixtures are on 127.0.0.1). */
export function makeNodeDeps(env: Record<string, string> = {}): NodeDeps & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const config = loadConfig({
    HUB_DB: join(dir, 'hub.sqlite'),
    HUB_ALLOW_PRIVATE_HOSTS: '1',
    ...env,
  });
  return Object.assign(nodeDeps({ config, log: silentLogger }), { dir });
}

/**
 * A factory of fresh Node deps for shared suites, each closed once the file's tests are done;
 * given `shareWith`, a second connection to its SQLite file (as another process would open it).
 */
export function nodeDepsFactory(
  env: Record<string, string> = {},
): (shareWith?: Deps) => Promise<NodeDeps> {
  const opened: NodeDeps[] = [];
  afterAll(async () => {
    for (const deps of opened) await deps.close();
  });
  return async (shareWith?: Deps) => {
    const deps = makeNodeDeps(shareWith ? { ...env, HUB_DB: shareWith.config.dbPath } : env);
    opened.push(deps);
    return deps;
  };
}
