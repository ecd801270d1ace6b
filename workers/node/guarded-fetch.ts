/**
 * Node's fetch for member feeds, with the private-address guard applied where the connection
 * is made. ingest/guard.ts checks a name's addresses before fetching, but the connection
 * resolves the name again: a DNS server answering a public address first and 127.0.0.1 next
 * ("DNS rebinding") would slip through. Here every connection's own lookup is checked.
 */
import { lookup as systemLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import { blockedAddressReason } from '../../src/ingest/ip.ts';

type Lookup = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** The error a refused connection carries; fetch-errors.ts turns it into a 'blocked_host' IngestError. */
export const BLOCKED_CODE = 'EHUB_BLOCKED_ADDRESS';

/**
 * `lookup` and `isBlocked` are the system resolver and the hub's address rules; tests swap
 * them to play a rebinding DNS server, or to let 127.0.0.1 through to exercise this fetch.
 */
export function guardedFetch(
  lookup: Lookup = systemLookup as unknown as Lookup,
  isBlocked: (address: string) => string | null | undefined = blockedAddressReason,
): typeof fetch {
  const agent = new Agent({
    connect: {
      lookup(hostname, options, callback) {
        lookup(hostname, { ...(options as object), all: true }, (err, addresses) => {
          if (err) return callback(err, '', 4);
          const blocked = addresses.find((a) => isBlocked(a.address));
          if (blocked) {
            const refusal = Object.assign(
              new Error(
                `adresse privée ou locale refusée (${blocked.address} : ` +
                  `${isBlocked(blocked.address)}) — HUB_ALLOW_PRIVATE_HOSTS=1 pour l'autoriser`,
              ),
              { code: BLOCKED_CODE },
            );
            return callback(refusal, '', 4);
          }
          if ((options as { all?: boolean }).all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
          const first = addresses[0];
          if (!first)
            return callback(
              Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }),
              '',
              4,
            );
          callback(null, first.address, first.family);
        });
      },
    },
  });
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(
      input as never,
      { ...(init as object), dispatcher: agent } as never,
    )) as unknown as typeof fetch;
}
