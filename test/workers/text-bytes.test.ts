/** Texts given as UTF-8 bytes stored as the TEXT of their strings on D1 (as test/node/text-bytes.test.ts). */
import { env } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { workerDeps, type Env } from '../../workers/cloudflare.ts';
import { textBytesStoredAsText } from '../support/text-bytes-scenarios.ts';

describe('texts as bytes (workerd, D1)', () => {
  it('are stored as the TEXT of their strings, inserted and updated', async () => {
    const deps = workerDeps(env as unknown as Env);
    deps.log = { info() {}, warn() {}, error() {} };
    await textBytesStoredAsText(deps, 'octets-d1');
  });
});
