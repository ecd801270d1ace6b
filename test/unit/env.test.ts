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
  it('requires HUB_MAIL_FROM once a mailer is configured, and an address in it', () => {
    expect(() => loadConfig({ HUB_SMTP_URL: 'smtp://127.0.0.1:25' })).toThrow(
      /HUB_MAIL_FROM is required once a mailer is configured \(HUB_SMTP_URL is set\)/,
    );
    expect(() => loadConfig({ HUB_MAIL_API_KEY: 're_123' })).toThrow(
      /HUB_MAIL_FROM is required .*\(HUB_MAIL_API_KEY is set\)/,
    );
    for (const bad of ['lettre', 'Intercoop <lettre>', 'a b@c'])
      expect(() => loadConfig({ HUB_MAIL_API_KEY: 'k', HUB_MAIL_FROM: bad })).toThrow(
        /HUB_MAIL_FROM is not an address/,
      );
    for (const from of ['lettre@example.org', 'Intercoop Réseaux <lettre@example.org>'])
      expect(loadConfig({ HUB_SMTP_URL: 'smtp://h:25', HUB_MAIL_FROM: from }).mailFrom).toBe(from);
    expect(loadConfig({}).mailFrom).toBeUndefined(); // no mailer: not needed
  });
});
