import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/env.ts';
import type { Deps } from '../../src/deps.ts';
import { assertFetchable } from '../../src/ingest/guard.ts';
import { blockedAddressReason, parseIPv6 } from '../../src/ingest/ip.ts';
import { IngestError } from '../../src/ingest/types.ts';

/** The guard reads only config and resolver; DNS answers come from a table (a name missing from it fails as ENOTFOUND). */
function deps(
  allowPrivate: boolean,
  dns: Record<string, string[]> = {},
  calls: string[] = [],
): Deps {
  return {
    config: loadConfig({ HUB_ALLOW_PRIVATE_HOSTS: allowPrivate ? '1' : '0' }),
    resolver: {
      async lookup(host: string) {
        calls.push(host);
        const found = dns[host];
        if (!found)
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return found;
      },
    },
  } as unknown as Deps;
}

async function refusal(d: Deps, url: string): Promise<IngestError> {
  const err = await assertFetchable(d, url).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${url} should be refused`).toBeInstanceOf(IngestError);
  return err as IngestError;
}

const off = deps(false);

describe('assertFetchable: schemes', () => {
  it.each([
    'ftp://example.org/feed',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'gopher://example.org/',
    'data:text/xml,<rss/>',
  ])('refuses %s as invalid_url, even with private hosts allowed', async (url) => {
    expect((await refusal(deps(true), url)).kind).toBe('invalid_url');
  });

  it('refuses an unparseable URL with a readable message', async () => {
    const err = await refusal(off, 'http://exa mple.org/');
    expect(err.kind).toBe('invalid_url');
    expect(err.message).toContain('adresse invalide');
  });
});

describe('assertFetchable: literal addresses (private hosts off)', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.8.9.10:8080/feed',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://100.127.255.255/',
    'http://0.0.0.0/',
    'http://0/',
    'http://224.0.0.1/',
    'http://239.255.255.250/',
    'http://240.0.0.1/',
    'http://255.255.255.255/',
    'http://198.18.0.1/',
    // WHATWG URL spellings of 127.0.0.1 and 169.254.169.254
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://127.0.0.1./',
    'http://2852039166/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    // IPv6
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::]/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[febf::1]/',
    'http://[ff02::1]/',
    // IPv4 inside IPv6: mapped (dotted and hex), compatible, NAT64, 6to4
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[2002:7f00:1::]/',
    'https://[::ffff:192.168.0.1]:8443/feed',
  ])('refuses %s as blocked_host', async (url) => {
    const err = await refusal(off, url);
    expect(err.kind).toBe('blocked_host');
    expect(err.message).toContain("HUB_ALLOW_PRIVATE_HOSTS=1 pour l'autoriser");
  });

  it('names the address and why in the message', async () => {
    expect((await refusal(off, 'http://2130706433/')).message).toBe(
      "adresse privée ou locale refusée (127.0.0.1 : boucle locale) — HUB_ALLOW_PRIVATE_HOSTS=1 pour l'autoriser",
    );
    expect((await refusal(off, 'http://169.254.169.254/')).message).toContain('métadonnées cloud');
  });

  it.each([
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://172.15.255.255/',
    'http://100.128.0.1/',
    'http://192.169.0.1/',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[2002:808:808::]/',
  ])('lets the public address %s through without DNS', async (url) => {
    const calls: string[] = [];
    const url2 = await assertFetchable(deps(false, {}, calls), url);
    expect(url2.href).toBe(new URL(url).href);
    expect(calls).toEqual([]);
  });
});

describe('assertFetchable: names (private hosts off)', () => {
  it.each([
    'http://localhost/',
    'http://LOCALHOST:8787/',
    'http://localhost./',
    'http://api.localhost/',
    'http://a.b.localhost/feed',
  ])('refuses %s without asking DNS', async (url) => {
    const calls: string[] = [];
    const err = await refusal(deps(false, {}, calls), url);
    expect(err.kind).toBe('blocked_host');
    expect(calls).toEqual([]);
  });

  it('resolves names and refuses when any address is private', async () => {
    const d = deps(false, {
      'intranet.example': ['10.0.0.5'],
      'mixed.example': ['93.184.215.14', '127.0.0.1'],
      'v6.example': ['2606:4700::1', 'fd00::7'],
      'metadata.example': ['169.254.169.254'],
      'mapped.example': ['::ffff:127.0.0.1'],
    });
    for (const host of [
      'intranet.example',
      'mixed.example',
      'v6.example',
      'metadata.example',
      'mapped.example',
    ]) {
      const err = await refusal(d, `https://${host}/feed.xml`);
      expect(err.kind).toBe('blocked_host');
      expect(err.message).toContain(`${host} → `);
    }
  });

  it('accepts a name whose addresses are all public', async () => {
    const calls: string[] = [];
    const d = deps(
      false,
      { 'coop.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] },
      calls,
    );
    expect((await assertFetchable(d, 'https://Coop.Example/feed.xml')).href).toBe(
      'https://coop.example/feed.xml',
    );
    expect(calls).toEqual(['coop.example']);
  });

  it('a name that does not resolve is a dns error', async () => {
    const err = await refusal(off, 'https://nowhere.invalid/feed');
    expect(err.kind).toBe('dns');
    expect(err.message).toBe('nom de domaine introuvable (nowhere.invalid) [ENOTFOUND]');
  });

  it('an empty answer (Workers) checks literals only and lets names through', async () => {
    const d = { config: loadConfig({}), resolver: { lookup: async () => [] } } as unknown as Deps;
    expect((await assertFetchable(d, 'https://coop.example/')).hostname).toBe('coop.example');
    expect((await refusal(d, 'http://127.0.0.1/')).kind).toBe('blocked_host');
    expect((await refusal(d, 'http://localhost/')).kind).toBe('blocked_host');
  });

  it('a resolver answer that is not an address is refused', async () => {
    expect(
      (await refusal(deps(false, { 'odd.example': ['not-an-ip'] }), 'http://odd.example/')).kind,
    ).toBe('blocked_host');
  });
});

describe('assertFetchable: HUB_ALLOW_PRIVATE_HOSTS=1', () => {
  it('lets loopback, private and localhost through untouched', async () => {
    const d = deps(true);
    for (const url of [
      'http://127.0.0.1:8080/feed.xml',
      'http://[::1]/',
      'http://localhost/',
      'http://10.0.0.1/',
      'http://169.254.169.254/',
    ]) {
      expect((await assertFetchable(d, url)).href).toBe(new URL(url).href);
    }
  });
});

describe('ip parsing', () => {
  it('parses IPv6 with :: anywhere, IPv4 tails and zone ids', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('[::ffff:127.0.0.1]')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIPv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('::ffff:300.0.0.1')).toBeNull();
    expect(parseIPv6('example.org')).toBeNull();
  });

  it('classifies edges of the ranges', () => {
    expect(blockedAddressReason('172.15.255.255')).toBeNull();
    expect(blockedAddressReason('172.16.0.0')).toBe('réseau privé');
    expect(blockedAddressReason('172.31.255.255')).toBe('réseau privé');
    expect(blockedAddressReason('172.32.0.0')).toBeNull();
    expect(blockedAddressReason('100.63.255.255')).toBeNull();
    expect(blockedAddressReason('100.64.0.0')).toBe('réseau partagé CGNAT');
    expect(blockedAddressReason('fbff::1')).toBeNull();
    expect(blockedAddressReason('fe7f::1')).toBeNull();
    expect(blockedAddressReason('example.org')).toBeUndefined();
    expect(blockedAddressReason('256.1.1.1')).toBeUndefined();
  });
});
