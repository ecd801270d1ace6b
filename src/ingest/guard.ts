import type { Deps } from '../deps.ts';
import { blockedAddressReason } from './ip.ts';
import { IngestError } from './types.ts';

/**
 * The fetcher's SSRF guard: a member's feed URL (or a redirect it answers with) must not make
 * the hub reach its own machine, the operator's network or a cloud metadata service.
 * Runs before every hop. WHATWG URL has already turned "2130706433", "0x7f.1" or "0177.0.0.1"
 * into 127.0.0.1 and "[::ffff:127.0.0.1]" into "[::ffff:7f00:1]", so one check covers them.
 *
 * Names are resolved with deps.resolver and every address is checked. On Workers the resolver
 * answers nothing: literal addresses and localhost names are still refused there. (The check
 * and the connection resolve separately: a name that changes its answer in between is not
 * caught here; Workers cannot reach private networks anyway.)
 */
export async function assertFetchable(deps: Deps, url: string): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new IngestError('invalid_url', `adresse invalide (${clip(url)})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new IngestError(
      'invalid_url',
      `seuls http et https sont acceptés (${parsed.protocol.replace(/:$/, '')})`,
    );
  }
  if (deps.config.allowPrivateHosts) return parsed;

  const host = parsed.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const literal = blockedAddressReason(host);
  if (literal !== undefined) {
    if (literal !== null) throw blocked(host, literal);
    return parsed;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw blocked(host, 'boucle locale');

  let addresses: string[];
  try {
    addresses = await deps.resolver.lookup(host);
  } catch (err) {
    throw new IngestError('dns', `nom de domaine introuvable (${host})${dnsCode(err)}`);
  }
  for (const address of addresses) {
    const reason = blockedAddressReason(address);
    // An answer that is not an address at all is as suspicious as a private one.
    if (reason !== null) throw blocked(`${host} → ${address}`, reason ?? 'réponse DNS invalide');
  }
  return parsed;
}

function blocked(what: string, reason: string): IngestError {
  return new IngestError(
    'blocked_host',
    `adresse privée ou locale refusée (${what} : ${reason}) — HUB_ALLOW_PRIVATE_HOSTS=1 pour l'autoriser`,
  );
}

function dnsCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? ` [${code}]` : '';
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
