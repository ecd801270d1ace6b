import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { ClientAddress } from '../../src/deps.ts';

/**
 * The client's address on Node: the socket's, unless `trustProxy` reverse proxies stand in front
 * of the hub. Each proxy appends the address it received the request from to X-Forwarded-For, so
 * with N trusted proxies the client is the N-th address counted from the socket (Express's
 * numeric `trust proxy`); whatever the client wrote further left is ignored. CF-Connecting-IP
 * and the other headers are never read here: on Node, anyone can send them.
 */
export function nodeClientAddress(trustProxy: number): ClientAddress {
  return (request, env) => {
    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const socket = incoming?.socket?.remoteAddress ?? '';
    if (trustProxy <= 0) return plain(socket);
    const forwarded = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    // The chain from us outwards: the socket, then each X-Forwarded-For entry right to left.
    const chain = [socket, ...forwarded.reverse()];
    const hop = chain[Math.min(trustProxy, chain.length - 1)]!;
    // A trusted proxy writes an address; anything else means the header was not its own.
    return isIP(plain(hop)) ? plain(hop) : plain(socket);
  };
}

/** `::ffff:192.0.2.1` (IPv4 on a dual-stack socket) as `192.0.2.1`. */
function plain(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}
