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
  it('checks each kind of setting: whole numbers in their range, one of a list, URLs', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ HUB_PORT: '1.5' }, /HUB_PORT: expected a whole number from 0 to 65535, got "1.5"/],
      [{ HUB_PORT: '70000' }, /HUB_PORT/],
      [{ HUB_PORT: '-1' }, /HUB_PORT/],
      [{ HUB_FETCH_CONCURRENCY: '0' }, /HUB_FETCH_CONCURRENCY: expected a whole number >= 1/],
      [{ HUB_PARSE_THREADS: '17' }, /HUB_PARSE_THREADS/],
      [{ HUB_LOG_LEVEL: 'debug' }, /HUB_LOG_LEVEL: expected one of info, warn, error, silent/],
      [{ HUB_MAIL_API_URL: 'resend' }, /HUB_MAIL_API_URL: expected an absolute URL/],
      [{ HUB_EMBED_ANCESTORS: 'a.org; b.org' }, /HUB_EMBED_ANCESTORS: a list of origins/],
    ];
    for (const [raw, message] of bad) expect(() => loadConfig(raw)).toThrow(message);
    expect(
      loadConfig({
        HUB_PORT: ' 9000 ',
        HUB_PARSE_THREADS: 0,
        HUB_LOG_LEVEL: 'silent',
        HUB_BASE_URL: 'https://hub.example.org/',
        HUB_EMBED_ANCESTORS: "'self'   https://a.org",
        HUB_RETENTION_MONTHS: '',
      }),
    ).toMatchObject({
      port: 9000,
      parseThreads: 0,
      logLevel: 'silent',
      baseUrl: 'https://hub.example.org',
      embedAncestors: "'self' https://a.org",
      retentionMonths: 0,
    });
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
