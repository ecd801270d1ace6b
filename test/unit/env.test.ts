import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/env.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      dbPath: './data/hub.sqlite',
      port: 8787,
      networksFile: './networks.yaml',
      pullCron: '*/30 * * * *',
      digestCron: '0 8 * * 1',
      allowPrivateHosts: false,
      adminToken: undefined,
    });
  });
  it('reads flags and numbers given as strings or booleans', () => {
    expect(loadConfig({ HUB_ALLOW_PRIVATE_HOSTS: '1', HUB_PORT: '9000' })).toMatchObject({
      allowPrivateHosts: true,
      port: 9000,
    });
    expect(loadConfig({ HUB_ALLOW_PRIVATE_HOSTS: true }).allowPrivateHosts).toBe(true);
  });
  it('rejects a bad value with the setting name', () => {
    expect(() => loadConfig({ HUB_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ HUB_BASE_URL: 'not a url' })).toThrow(/HUB_BASE_URL/);
  });
});
